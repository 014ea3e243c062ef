// The driver's phone page (/driver): today's manifest and the trip log, usable offline.
//
// Every action (start, pickup, no-show, drop-off, finish) is first written to the
// phone's localStorage with its own Idempotency-Key, then sent in order. When the
// network is gone it waits; a retry reuses the same key, so the server logs it once.
// Actions of a trip started offline name the trip by a local id until the start's
// answer gives the server's id.
import {
  t, tv, h, clear, applyTranslations, languageSelect, onLanguageChange, makeClient, ApiError,
  showError, fmtTime, fmtDateTime, setTimeZone, todayInZone, uuid,
} from './common.js';

const K = {
  token: 'lifeline.driver.token',
  me: 'lifeline.driver.me',
  zone: 'lifeline.driver.zone',
  queue: 'lifeline.driver.queue',
  tripIds: 'lifeline.driver.trip_ids',
  trip: 'lifeline.driver.trip',
  failed: 'lifeline.driver.failed',
  manifest: 'lifeline.driver.manifest',
  marks: 'lifeline.driver.marks',
};
const load = (k, d) => { try { const v = localStorage.getItem(k); return v === null ? d : JSON.parse(v); } catch { return d; } };
const save = (k, v) => { if (v === null || v === undefined) localStorage.removeItem(k); else localStorage.setItem(k, JSON.stringify(v)); };

const api = makeClient(K.token, () => { state.needSignIn = true; render(); });
const main = document.getElementById('main');
const state = { me: load(K.me, null), manifest: null, manifestError: null, manifestSavedAt: null, flushing: false, needSignIn: false, message: null };

// ---- the outbox ---------------------------------------------------------------------

function enqueue(action) {
  const queue = load(K.queue, []);
  queue.push({ key: uuid(), queued_at: new Date().toISOString(), ...action });
  save(K.queue, queue);
  render();
  flush();
}

function pathOf(action, tripIds) {
  if (action.kind === 'start') return '/api/v1/trips';
  const id = tripIds[action.trip];
  if (!id) return null;  // its trip's start has not been answered yet
  return action.kind === 'finish' ? `/api/v1/trips/${id}/finish` : `/api/v1/trips/${id}/events`;
}

// Sends waiting actions in order until one cannot go yet. A refused action (4xx other
// than 401) is set aside with the server's reason, and so are the actions of a trip
// whose start was refused; the rest go on.
async function flush() {
  if (state.flushing || !api.token) return;
  state.flushing = true;
  let sent = 0;
  try {
    for (;;) {
      const queue = load(K.queue, []);
      if (!queue.length) break;
      const action = queue[0];
      const tripIds = load(K.tripIds, {});
      const failed = load(K.failed, []);
      const path = pathOf(action, tripIds);
      if (!path) {
        if (failed.some((f) => f.kind === 'start' && f.trip === action.trip)) {
          setAside(action, t('driver.trip_not_started'));
          continue;
        }
        break;
      }
      try {
        const answer = await api.post(path, action.body, { key: action.key });
        if (action.kind === 'start') save(K.tripIds, { ...load(K.tripIds, {}), [action.trip]: answer.id });
        save(K.queue, load(K.queue, []).filter((a) => a.key !== action.key));
        sent += 1;
      } catch (err) {
        if (!(err instanceof ApiError) || err.offline || err.status === 401 || err.status >= 500 || err.status === 429) break;
        setAside(action, err.message, err.errors);
      }
      render();
    }
  } finally {
    state.flushing = false;
    render();
  }
  // Everything sent: the manifest shows the stops as the server now has them.
  if (sent && !load(K.queue, []).length) await refresh();
}

function setAside(action, detail, errors = []) {
  save(K.queue, load(K.queue, []).filter((a) => a.key !== action.key));
  save(K.failed, [...load(K.failed, []), { ...action, detail, errors }]);
}

window.addEventListener('online', () => { render(); flush(); });
window.addEventListener('offline', render);
setInterval(flush, 15000);

// ---- actions --------------------------------------------------------------------------

function startTrip(vehicle, odometer, routeId) {
  const local = `local-${uuid()}`;
  const body = { vehicle_id: vehicle.id, started_at: new Date().toISOString(), odometer_start: odometer };
  if (routeId) body.route_id = routeId;
  save(K.trip, { local, vehicle_id: vehicle.id, plate: vehicle.plate || '', odometer_start: odometer, started_at: body.started_at, stops: {} });
  enqueue({ kind: 'start', trip: local, body, label: t('driver.action.start', { km: odometer }) });
}

// What the driver logged at each of today's stops, kept past the end of the trip so that
// a finished route still shows what was done while the phone is offline.
function todaysMarks() {
  const marks = load(K.marks, null);
  const date = todayInZone();
  return marks && marks.date === date ? marks : { date, stops: {} };
}

// What the server knows of a stop (its request's status), as the same marks.
function serverMark(stop) {
  if (stop.status === 'cancelled') return 'cancelled';
  if (stop.status === 'no_show') return 'no_show';
  if (stop.kind === 'pickup' && ['in_progress', 'completed'].includes(stop.status)) return 'pickup';
  if (stop.kind === 'dropoff' && stop.status === 'completed') return 'dropoff';
  return null;
}

function logEvent(type, stop) {
  const trip = load(K.trip, null);
  if (!trip) return;
  const body = { type, at: new Date().toISOString() };
  if (stop.request_id) body.request_id = stop.request_id;
  if (stop.patient_id) body.patient_id = stop.patient_id;
  trip.stops[stop.ref] = type;
  save(K.trip, trip);
  const marks = todaysMarks();
  marks.stops[stop.ref] = type;
  save(K.marks, marks);
  enqueue({ kind: 'event', trip: trip.local, body, label: `${t(`driver.action.${type}`)} · ${stop.name}` });
}

function finishTrip(odometer) {
  const trip = load(K.trip, null);
  if (!trip) return;
  const body = { ended_at: new Date().toISOString(), odometer_end: odometer };
  save(K.trip, null);
  enqueue({ kind: 'finish', trip: trip.local, body, label: t('driver.action.finish', { km: odometer }) });
}

// ---- sign-in and data -------------------------------------------------------------------

async function signIn(form, box) {
  const data = new FormData(form);
  try {
    const answer = await api.post('/api/v1/auth/login', { username: data.get('username'), password: data.get('password') });
    api.token = answer.token;
    state.me = answer.user;
    save(K.me, answer.user);
    state.needSignIn = false;
    await refresh();
    flush();
  } catch (err) {
    showError(err, box, form);
  }
}

async function signOut() {
  if (load(K.queue, []).length) {
    state.message = t('driver.signout_blocked');
    render();
    return;
  }
  try { await api.post('/api/v1/auth/logout'); } catch { /* the token is dropped either way */ }
  api.token = null;
  for (const k of [K.me, K.trip, K.tripIds, K.failed, K.manifest, K.marks]) save(k, null);
  state.me = null;
  state.manifest = null;
  state.manifestSavedAt = null;
  render();
}

async function refresh() {
  if (!api.token) { render(); return; }
  try {
    state.me = await api.get('/api/v1/auth/me');
    save(K.me, state.me);
    const settings = await api.get('/api/v1/settings');
    save(K.zone, settings.time_zone);
    setTimeZone(settings.time_zone);
  } catch (err) {
    if (!(err instanceof ApiError) || !err.offline) state.manifestError = err;
  }
  // The last manifest is kept on the phone (today's, this driver's) and shown when it
  // cannot be fetched, e.g. after a reload in a dead zone.
  if (state.me && state.me.driver_id) {
    const date = todayInZone();
    const driverId = state.me.driver_id;
    try {
      state.manifest = await api.get(`/api/v1/drivers/${driverId}/manifest`, { query: { date } });
      state.manifestError = null;
      state.manifestSavedAt = null;
      save(K.manifest, { driver_id: driverId, date, at: new Date().toISOString(), manifest: state.manifest });
    } catch (err) {
      const cached = load(K.manifest, null);
      const usable = cached && cached.date === date && cached.driver_id === driverId;
      state.manifest = usable ? cached.manifest : null;
      state.manifestSavedAt = usable ? cached.at : null;
      state.manifestError = err;
    }
  }
  render();
}

// ---- rendering ----------------------------------------------------------------------------

function render() {
  const net = document.getElementById('net');
  net.textContent = navigator.onLine ? t('net.online') : t('net.offline');
  net.className = navigator.onLine ? 'net online' : 'net offline';
  clear(main);
  if (!api.token || state.needSignIn) { main.append(signInView()); return; }
  if (state.message) main.append(h('div', { class: 'notice', role: 'status' }, state.message));
  main.append(outboxView());
  if (state.me && !state.me.driver_id) {
    main.append(h('div', { class: 'error' }, t('driver.not_a_driver')));
  }
  main.append(tripView());
  main.append(manifestView());
  main.append(h('button', { type: 'button', class: 'link', onclick: signOut, 'data-testid': 'signout' }, t('auth.signout')));
}

function signInView() {
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'card signin', 'data-testid': 'signin' },
    h('h1', {}, t('auth.title_driver')),
    h('label', {}, t('auth.username'), h('input', { name: 'username', autocomplete: 'username', required: true, 'data-field': 'username' })),
    h('label', {}, t('auth.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-field': 'password' })),
    box,
    h('button', { type: 'submit', class: 'big primary' }, t('auth.signin')));
  form.addEventListener('submit', (e) => { e.preventDefault(); signIn(form, box); });
  return form;
}

function outboxView() {
  const queue = load(K.queue, []);
  const failed = load(K.failed, []);
  const box = h('section', { class: 'card outbox', 'data-testid': 'outbox' });
  if (!queue.length) box.append(h('p', { class: 'ok', 'data-testid': 'outbox-empty' }, t('driver.all_sent')));
  else {
    box.append(h('p', { class: 'waiting', 'data-testid': 'outbox-count' }, t('driver.waiting', { n: queue.length })));
    box.append(h('ol', {}, queue.map((a) => h('li', {}, `${fmtTime(a.queued_at)} ${a.label}`))));
    box.append(h('button', { type: 'button', onclick: flush }, t('driver.send_now')));
  }
  if (failed.length) {
    box.append(h('p', { class: 'error' }, t('driver.refused', { n: failed.length })));
    box.append(h('ul', { 'data-testid': 'refused' }, failed.map((a) => h('li', {}, `${a.label}: ${a.detail}`,
      (a.errors || []).length ? h('ul', {}, a.errors.map((e) => h('li', {}, `${e.field}: ${e.message}`))) : null))));
    box.append(h('button', { type: 'button', onclick: () => { save(K.failed, []); render(); } }, t('driver.dismiss')));
  }
  return box;
}

function vehiclesOfManifest() {
  const out = [];
  for (const r of (state.manifest && state.manifest.routes) || []) {
    if (!out.some((v) => v.id === r.vehicle_id)) out.push({ id: r.vehicle_id, plate: r.plate, route_id: r.id });
  }
  return out;
}

function odometerInput(name) {
  return h('input', { name, type: 'number', inputmode: 'numeric', min: 0, step: '0.1', required: true, class: 'big-input', 'data-field': name, 'data-testid': name });
}

function tripView() {
  const trip = load(K.trip, null);
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  if (!trip) {
    const vehicles = vehiclesOfManifest();
    const vehicleControl = vehicles.length
      ? h('select', { name: 'vehicle', class: 'big-input', 'data-field': 'vehicle_id', 'data-testid': 'vehicle' },
        vehicles.map((v) => h('option', { value: String(v.id) }, v.plate || `#${v.id}`)))
      : h('input', { name: 'vehicle', type: 'number', min: 1, required: true, class: 'big-input', 'data-field': 'vehicle_id', 'data-testid': 'vehicle' });
    const form = h('form', { class: 'card trip' },
      h('h2', {}, t('driver.start_title')),
      h('label', {}, t('driver.vehicle'), vehicleControl),
      h('label', {}, t('driver.odometer_start'), odometerInput('odometer_start')),
      box,
      h('button', { type: 'submit', class: 'big primary', 'data-testid': 'start' }, t('driver.start')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const km = Number(form.elements.odometer_start.value);
      const id = Number(form.elements.vehicle.value);
      if (!(id > 0)) return showError(new Error(t('driver.pick_vehicle')), box, form);
      const v = vehicles.find((x) => x.id === id) || { id };
      startTrip(v, km, v.route_id);
    });
    return form;
  }
  const form = h('form', { class: 'card trip open' },
    h('h2', {}, t('driver.trip_open')),
    h('p', { 'data-testid': 'trip-info' }, t('driver.trip_info', { plate: trip.plate || `#${trip.vehicle_id}`, time: fmtTime(trip.started_at), km: trip.odometer_start })),
    manualRide(trip),
    h('label', {}, t('driver.odometer_end'), odometerInput('odometer_end')),
    box,
    h('button', { type: 'submit', class: 'big danger', 'data-testid': 'finish' }, t('driver.finish')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const km = Number(form.elements.odometer_end.value);
    if (km < trip.odometer_start) {
      return showError({ message: t('driver.check_odometer'), errors: [{ field: 'odometer_end', message: t('driver.odometer_below_start', { km: trip.odometer_start }) }] }, box, form);
    }
    finishTrip(km);
  });
  return form;
}

// A ride that is not on the manifest (or when the manifest cannot be had): by patient number.
function manualRide() {
  const input = h('input', { type: 'number', min: 1, class: 'big-input', 'data-testid': 'manual-patient', 'data-i18n-placeholder': 'driver.patient_no', placeholder: t('driver.patient_no') });
  const act = (type) => () => {
    const id = Number(input.value);
    if (!(id > 0)) return;
    logEvent(type, { ref: `patient-${id}-${type}`, patient_id: id, name: t('driver.patient_n', { id }) });
  };
  return h('details', { class: 'manual' },
    h('summary', {}, t('driver.manual_ride')),
    input,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'big', onclick: act('pickup'), 'data-testid': 'manual-pickup' }, t('driver.picked_up')),
      h('button', { type: 'button', class: 'big', onclick: act('no_show'), 'data-testid': 'manual-no-show' }, t('driver.no_show')),
      h('button', { type: 'button', class: 'big', onclick: act('dropoff'), 'data-testid': 'manual-dropoff' }, t('driver.dropped_off'))));
}

function manifestView() {
  const section = h('section', { class: 'manifest', 'data-testid': 'manifest' }, h('h2', {}, t('driver.manifest', { date: todayInZone() })));
  if (state.manifestError && !state.manifest) {
    section.append(h('p', { class: 'notice', 'data-testid': 'manifest-unavailable' },
      state.manifestError.unavailable ? t('driver.manifest_unavailable') : state.manifestError.message));
    return section;
  }
  if (!state.manifest) { section.append(h('p', {}, t('common.loading'))); return section; }
  if (state.manifestError && state.manifestSavedAt) {
    section.append(h('p', { class: 'notice', 'data-testid': 'manifest-saved' }, t('driver.manifest_saved', { time: fmtTime(state.manifestSavedAt) })));
  }
  const routes = state.manifest.routes || [];
  if (!routes.length) { section.append(h('p', { 'data-testid': 'no-stops' }, t('driver.no_stops'))); return section; }
  const trip = load(K.trip, null);
  const marks = todaysMarks().stops;
  for (const route of routes) {
    section.append(h('h3', {}, t('driver.route', { plate: route.plate || `#${route.vehicle_id}`, from: fmtTime(route.starts_at), to: fmtTime(route.ends_at) })));
    const list = h('ol', { class: 'stops' });
    for (const stop of route.stops || []) {
      const ref = `${stop.request_id}-${stop.kind}`;
      const done = (trip && trip.stops[ref]) || marks[ref] || serverMark(stop);
      const buttons = [];
      if (trip && !done) {
        const s = { ref, request_id: stop.request_id, name: stop.patient_name };
        if (stop.kind === 'pickup') {
          buttons.push(h('button', { type: 'button', class: 'big primary', onclick: () => logEvent('pickup', s), 'data-testid': `pickup-${stop.request_id}` }, t('driver.picked_up')));
          buttons.push(h('button', { type: 'button', class: 'big', onclick: () => logEvent('no_show', s), 'data-testid': `no-show-${stop.request_id}` }, t('driver.no_show')));
        } else {
          buttons.push(h('button', { type: 'button', class: 'big primary', onclick: () => logEvent('dropoff', s), 'data-testid': `dropoff-${stop.request_id}` }, t('driver.dropped_off')));
        }
      }
      list.append(h('li', { class: `stop ${stop.kind}${done ? ' done' : ''}` },
        h('div', { class: 'stop-head' },
          h('span', { class: 'eta' }, fmtTime(stop.eta)),
          h('span', { class: `kind ${stop.kind}` }, tv('stop', stop.kind)),
          h('strong', {}, stop.patient_name || '')),
        stop.phone ? h('a', { class: 'tel', href: `tel:${stop.phone}` }, `📞 ${stop.phone}`) : null,
        h('div', { class: 'addr' }, stop.address || ''),
        h('div', { class: 'mob' }, [tv('mobility', stop.mobility), stop.escort ? t('driver.escort') : '', stop.passengers > 1 ? t('driver.passengers', { n: stop.passengers }) : ''].filter(Boolean).join(' · ')),
        stop.notes ? h('div', { class: 'notes' }, stop.notes) : null,
        done ? h('div', { class: 'done-mark' }, t(`driver.done.${done}`)) : null,
        buttons.length ? h('div', { class: 'buttons' }, buttons) : null));
    }
    section.append(list);
  }
  return section;
}

// ---- start ------------------------------------------------------------------------------

document.getElementById('lang-slot').append(languageSelect());
onLanguageChange(render);
if (load(K.zone, null)) setTimeZone(load(K.zone, null));
applyTranslations(document);
render();
refresh().then(flush);

// The service worker (driver-sw.js) keeps this page's own files, so that it opens with
// no network once it has been opened online. It needs a secure context (https, or
// http://localhost and 127.0.0.1); elsewhere, or when registering fails, the page works
// as before and only a reload without network is lost.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/driver-sw.js', { scope: '/driver' })
    .catch((err) => console.warn('offline reload not available:', err && err.message));
}
