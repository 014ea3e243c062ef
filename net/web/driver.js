// The driver's phone page (/driver): today's manifest and the trip log, usable offline.
//
// Every action (start, pickup, no-show, drop-off, finish) is first written to the
// phone's localStorage with its own Idempotency-Key, then sent in order. When the
// network is gone it waits; a retry reuses the same key, so the server logs it once.
// Actions of a trip started offline name the trip by a local id until the start's
// answer gives the server's id.
import {
  t, tv, h, clear, applyTranslations, adoptLanguage, languageSelect, onLanguageChange, makeClient, ApiError,
  showError, fmtTime, fmtDateTime, setTimeZone, todayInZone, uuid, problemText, problemErrors, picker, settledMarkup,
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
const state = { me: load(K.me, null), manifest: null, manifestError: null, manifestSavedAt: null, flushing: false, needSignIn: false, message: null, manualOpen: false, formError: {}, day: 'today', tomorrow: null };

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
  if (action.kind === 'positions') return `/api/v1/trips/${id}/positions`;
  return action.kind === 'finish' ? `/api/v1/trips/${id}/finish` : `/api/v1/trips/${id}/events`;
}

// Sends waiting actions in order until one cannot go yet. A refused action (4xx other
// than 401) is kept, with the server's reason, until the driver corrects or dismisses it:
// a refused start or finish puts its typed reading back in its form with the reason next
// to the field (the trip stays open on the phone as on the server); the actions of a
// trip whose start was refused are kept with it; the rest go on.
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
        accepted(action, answer);
        sent += 1;
      } catch (err) {
        if (!(err instanceof ApiError) || err.offline || err.status === 401 || err.status >= 500 || err.status === 429) break;
        setAside(action, err.message, err.errors, err.problem);
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

// The server took `action`: it leaves the outbox, and what it corrected is resolved.
function accepted(action, answer) {
  save(K.queue, load(K.queue, []).filter((a) => a.key !== action.key));
  if (action.kind === 'start') {
    save(K.tripIds, { ...load(K.tripIds, {}), [action.trip]: answer.id });
    save(K.failed, load(K.failed, []).filter((f) => f.kind !== 'start' || f.trip === action.trip));
  }
  if (action.kind === 'finish') {
    save(K.failed, load(K.failed, []).filter((f) => f.kind !== 'finish' || f.trip !== action.trip));
    const trip = load(K.trip, null);
    if (trip && trip.local === action.trip) save(K.trip, null);
  }
}

// A refusal kept on the phone keeps the server's problem (code and parameters), so it
// reads in whichever language the driver switches to.
// A kept refusal in the page's current language.
function refusalOf(a) {
  return a.problem ? { ...a, detail: problemText(a.problem), errors: problemErrors(a.problem) } : a;
}

function setAside(action, detail, errors = [], problem = null) {
  save(K.queue, load(K.queue, []).filter((a) => a.key !== action.key));
  save(K.failed, [...load(K.failed, []), { ...action, detail, errors, problem }]);
  const trip = load(K.trip, null);
  const ours = trip && trip.local === action.trip;
  if (action.kind === 'start' && ours) {
    save(K.trip, null);
    drafts.odometer_start = String(action.body.odometer_start);
  }
  if (action.kind === 'finish' && ours) {
    delete trip.finishing;
    save(K.trip, trip);
    drafts.odometer_end = String(action.body.odometer_end);
    const marks = todaysMarks();
    if (trip.route_id && marks.routes) delete marks.routes[trip.route_id];
    for (const s of action.body.stops_left || []) {
      delete marks.stops[`${s.request_id}-pickup`];
      drafts[`left-${s.request_id}`] = s.outcome;  // the answers come back with the reading
    }
    save(K.marks, marks);
  }
  if (action.kind === 'event' && action.ref) {
    // The stop is not done after all: its buttons come back.
    if (ours) { delete trip.stops[action.ref]; save(K.trip, trip); }
    const marks = todaysMarks();
    delete marks.stops[action.ref];
    save(K.marks, marks);
  }
}

// ---- live positions ------------------------------------------------------------------
// While a trip is open on the phone (started, its finish not yet logged), the phone's
// position goes into the outbox every 30 s or 200 m moved, so it travels with the trip's
// actions: sent in order, kept and retried offline, a refusal shown like any other.
// Points queued while an earlier action waits are batched into one action. Without an
// open trip nothing is watched and nothing is sent.
const POSITION_EVERY_MS = 30000;
const POSITION_EVERY_M = 200;
const POSITIONS_PER_BATCH = 500;
const geo = { watch: null, timer: null, trip: null, fix: null, last: null, failed: false };

function metresBetween(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(x)));
}

function queuePosition(fix) {
  const trip = load(K.trip, null);
  if (!trip || trip.finishing || trip.local !== geo.trip) return;
  const point = { at: new Date().toISOString(), lat: fix.lat, lon: fix.lon };
  if (Number.isFinite(fix.accuracy)) point.accuracy_m = Math.round(fix.accuracy * 10) / 10;
  geo.last = { ...fix, ms: Date.now() };
  const queue = load(K.queue, []);
  // Only an action behind the head can grow: the head may already be on its way.
  const tail = queue.length > 1 ? queue[queue.length - 1] : null;
  if (tail && tail.kind === 'positions' && tail.trip === trip.local && tail.body.positions.length < POSITIONS_PER_BATCH) {
    tail.body.positions.push(point);
    tail.label = t('driver.action.positions', { n: tail.body.positions.length });
    save(K.queue, queue);
    render();
    flush();
    return;
  }
  enqueue({ kind: 'positions', trip: trip.local, body: { positions: [point] }, label: t('driver.action.positions', { n: 1 }) });
}

function onFix(pos) {
  const fix = { lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy };
  const wasFailed = geo.failed;
  geo.fix = fix;
  geo.failed = false;
  // The server keeps one position per second of a trip: a second fix within the same
  // second (a jump, not a drive) waits for the 30 s timer.
  const since = geo.last ? Date.now() - geo.last.ms : Infinity;
  if (since >= 1000 && (since >= POSITION_EVERY_MS || metresBetween(geo.last, fix) >= POSITION_EVERY_M)) queuePosition(fix);
  else if (wasFailed) render();
}

function onFixError() {
  if (geo.failed) return;
  geo.failed = true;
  render();
}

function stopWatching() {
  if (geo.watch !== null) navigator.geolocation.clearWatch(geo.watch);
  if (geo.timer !== null) clearInterval(geo.timer);
  Object.assign(geo, { watch: null, timer: null, trip: null, fix: null, last: null, failed: false });
}

// Called on every render: watches while a trip is open, and only then.
function syncPositions() {
  const trip = load(K.trip, null);
  const open = !!(api.token && trip && !trip.finishing && navigator.geolocation);
  if (open && geo.trip === trip.local) return;
  stopWatching();
  if (!open) return;
  geo.trip = trip.local;
  geo.watch = navigator.geolocation.watchPosition(onFix, onFixError, { enableHighAccuracy: true, maximumAge: 10000 });
  // A phone standing still reports no new fix: its last one is sent again every 30 s.
  geo.timer = setInterval(() => {
    if (geo.fix && geo.last && Date.now() - geo.last.ms >= POSITION_EVERY_MS) queuePosition(geo.fix);
  }, 5000);
}

function positionsView() {
  const trip = load(K.trip, null);
  let key = 'driver.positions.note';
  if (trip && !trip.finishing) key = geo.failed || !navigator.geolocation ? 'driver.positions.unavailable' : 'driver.positions.sharing';
  return h('p', { class: 'hint positions', 'data-testid': 'positions-note' }, t(key));
}

// The last refusal of a start (no trip open) or of the open trip's finish, shown in its form.
function refusalFor(kind, trip) {
  const failed = load(K.failed, []).filter((f) => f.kind === kind && (kind === 'start' || (trip && f.trip === trip.local)));
  return failed.length ? failed[failed.length - 1] : null;
}

window.addEventListener('online', () => { render(); flush(); });
window.addEventListener('offline', render);
setInterval(flush, 15000);

// ---- actions --------------------------------------------------------------------------

function startTrip(vehicle, odometer, routeId) {
  const local = `local-${uuid()}`;
  const body = { vehicle_id: vehicle.id, started_at: new Date().toISOString(), odometer_start: odometer };
  if (routeId) body.route_id = routeId;
  // A new start corrects a refused one: the driver has seen its reason.
  save(K.failed, load(K.failed, []).filter((f) => f.kind !== 'start'));
  delete drafts.odometer_start;
  save(K.trip, { local, vehicle_id: vehicle.id, plate: vehicle.plate || '', route_id: routeId || null, odometer_start: odometer, started_at: body.started_at, stops: {} });
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
  enqueue({ kind: 'event', trip: trip.local, ref: stop.ref, body, label: `${t(`driver.action.${type}`)} · ${stop.name}` });
}

// The trip stays open on the phone until the server accepts its finish: a refused finish
// brings the form back with the reading typed and the server's reason.
function finishTrip(odometer, stopsLeft = []) {
  const trip = load(K.trip, null);
  if (!trip || trip.finishing) return;
  const body = { ended_at: new Date().toISOString(), odometer_end: odometer };
  if (stopsLeft.length) body.stops_left = stopsLeft.map(({ request_id, outcome }) => ({ request_id, outcome }));
  trip.finishing = { odometer_end: odometer };
  save(K.trip, trip);
  const marks = todaysMarks();
  for (const s of stopsLeft) if (s.outcome !== 'kept') marks.stops[`${s.request_id}-pickup`] = s.outcome;
  // With a stop kept the route goes on with the next trip.
  if (trip.route_id && !stopsLeft.some((s) => s.outcome === 'kept')) marks.routes = { ...(marks.routes || {}), [trip.route_id]: 'finished' };
  save(K.marks, marks);
  delete drafts.odometer_end;
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
    // The user's own language, once a page load: a later switch here stays.
    if (!state.languageAdopted) { state.languageAdopted = true; adoptLanguage(state.me, settings); }
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
    if (state.day === 'tomorrow') await loadTomorrow();
  }
  render();
}

// ---- tomorrow ---------------------------------------------------------------------------

// The day after `date` (YYYY-MM-DD).
function nextDate(date) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

// Tomorrow's manifest, read the evening before: to read only. The server gives a driver
// their manifests of yesterday, today and tomorrow.
async function loadTomorrow() {
  const date = nextDate(todayInZone());
  if (!state.me || !state.me.driver_id) return;
  try {
    const manifest = await api.get(`/api/v1/drivers/${state.me.driver_id}/manifest`, { query: { date } });
    state.tomorrow = { date, manifest, error: null };
  } catch (err) {
    const kept = state.tomorrow && state.tomorrow.date === date ? state.tomorrow.manifest : null;
    state.tomorrow = { date, manifest: kept, error: err };
  }
}

// Switching days hides today's trip form rather than rebuilding it, so whatever the driver
// was typing there is still there, in the same input, when they come back.
async function showDay(which) {
  if (state.day === which) return;
  state.day = which;
  render();
  if (which === 'tomorrow') {
    await loadTomorrow();
    render();
  }
}

// ---- rendering ----------------------------------------------------------------------------

// The page is a few slots (notice, outbox, trip, manifest…). A render builds each slot
// afresh but puts it on the page only when it differs from what is shown, so a refresh
// with nothing new touches nothing, and an input the driver is typing in keeps its node,
// its value and the focus. What the driver typed is also kept in `drafts` (by field), so a
// slot that does change is rebuilt with the typing in it and the focus where it was.
// Everything a slot's handlers depend on is in its markup (data-* attributes), so equal
// markup means equal behaviour.
const drafts = {};
const slotOrder = ['signin', 'notice', 'outbox', 'role', 'days', 'trip', 'positions', 'manifest', 'signout'];
const slots = {};
for (const name of slotOrder) {
  slots[name] = h('div', { class: 'slot', 'data-slot': name });
  main.append(slots[name]);
}

function fieldKey(el) {
  return el && el.dataset ? el.dataset.field || el.dataset.testid || null : null;
}

main.addEventListener('input', (e) => { const k = fieldKey(e.target); if (k) drafts[k] = e.target.value; });
main.addEventListener('change', (e) => { const k = fieldKey(e.target); if (k) drafts[k] = e.target.value; });

function place(name, el) {
  const slot = slots[name];
  const old = slot.firstElementChild;
  if (!el) { if (old) clear(slot); return; }
  if (old && settledMarkup(old) === settledMarkup(el)) return;
  const focused = old && old.contains(document.activeElement) ? document.activeElement : null;
  const key = fieldKey(focused);
  let selection = null;
  try { selection = focused ? [focused.selectionStart, focused.selectionEnd] : null; } catch { selection = null; }
  clear(slot).append(el);
  if (!key) return;
  const again = el.querySelector(`[data-field="${key}"], [data-testid="${key}"]`);
  if (!again) return;
  again.focus();
  try { if (selection && selection[0] !== null) again.setSelectionRange(selection[0], selection[1]); } catch { /* a number input has no selection */ }
}

// An input with what the driver typed in it.
function drafted(el) {
  const k = fieldKey(el);
  if (k && drafts[k] !== undefined) el.value = drafts[k];
  return el;
}

function render() {
  const net = document.getElementById('net');
  const netText = navigator.onLine ? t('net.online') : t('net.offline');
  if (net.textContent !== netText) net.textContent = netText;
  const netClass = navigator.onLine ? 'net online' : 'net offline';
  if (net.className !== netClass) net.className = netClass;
  if (!api.token || state.needSignIn) {
    for (const name of slotOrder) if (name !== 'signin') place(name, null);
    place('signin', signInView());
    return;
  }
  place('signin', null);
  place('notice', state.message ? h('div', { class: 'notice', role: 'status' }, state.message) : null);
  place('outbox', outboxView());
  place('role', state.me && !state.me.driver_id ? h('div', { class: 'error' }, t('driver.not_a_driver')) : null);
  place('days', state.me && state.me.driver_id ? daySwitch() : null);
  const tomorrow = state.day === 'tomorrow';
  if (slots.trip.hidden !== tomorrow) slots.trip.hidden = tomorrow;
  place('trip', tripView());
  syncPositions();
  place('positions', state.me && state.me.driver_id ? positionsView() : null);
  place('manifest', manifestView(tomorrow ? tomorrowShown() : todayShown()));
  place('signout', h('button', { type: 'button', class: 'link', onclick: signOut, 'data-testid': 'signout' }, t('auth.signout')));
}

function signInView() {
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'card signin', 'data-testid': 'signin' },
    h('h1', {}, t('auth.title_driver')),
    h('label', {}, t('auth.username'), drafted(h('input', { name: 'username', autocomplete: 'username', required: true, 'data-field': 'username' }))),
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
  // "Everything is sent" only when nothing waits and nothing was refused.
  if (!queue.length && !failed.length) box.append(h('p', { class: 'ok', 'data-testid': 'outbox-empty' }, t('driver.all_sent')));
  if (queue.length) {
    box.append(h('p', { class: 'waiting', 'data-testid': 'outbox-count' }, t('driver.waiting', { n: queue.length })));
    box.append(h('ol', {}, queue.map((a) => h('li', {}, `${fmtTime(a.queued_at)} ${a.label}`))));
    box.append(h('button', { type: 'button', onclick: flush }, t('driver.send_now')));
  }
  if (failed.length) {
    box.append(h('p', { class: 'error', 'data-testid': 'refused-count' }, t('driver.refused', { n: failed.length })));
    box.append(h('ul', { 'data-testid': 'refused' }, failed.map((a) => refusalOf(a)).map((a) => h('li', {}, `${a.label}: ${a.detail}`,
      (a.errors || []).length ? h('ul', {}, a.errors.map((e) => h('li', {}, `${e.field}: ${e.message}`))) : null))));
    box.append(h('button', { type: 'button', 'data-testid': 'dismiss', onclick: () => { save(K.failed, []); render(); } }, t('driver.dismiss')));
  }
  return box;
}

// Today and tomorrow, to switch between.
function daySwitch() {
  const button = (which) => h('button', {
    type: 'button', class: `day${state.day === which ? ' active' : ''}`, 'aria-pressed': String(state.day === which),
    'data-testid': `day-${which}`, onclick: () => showDay(which),
  }, t(`driver.day.${which}`));
  return h('div', { class: 'days', role: 'group' }, button('today'), button('tomorrow'));
}

// The manifest shown: today's, to work with; or tomorrow's, to read only.
function todayShown() {
  return { which: 'today', date: todayInZone(), manifest: state.manifest, error: state.manifestError, savedAt: state.manifestSavedAt, readOnly: false };
}
function tomorrowShown() {
  const tm = state.tomorrow && state.tomorrow.date === nextDate(todayInZone()) ? state.tomorrow : null;
  return { which: 'tomorrow', date: nextDate(todayInZone()), manifest: tm && tm.manifest, error: tm && tm.error, savedAt: null, readOnly: true };
}

// The day's routes in time order, with what the phone itself knows of them (a finish
// it logged but has not sent yet).
function routesInOrder(manifest = state.manifest, local = todaysMarks().routes || {}) {
  const routes = [...((manifest && manifest.routes) || [])];
  routes.sort((a, b) => String(a.starts_at || '').localeCompare(String(b.starts_at || '')) || a.id - b.id);
  return routes.map((r) => (local[r.id] === 'finished' ? { ...r, status: 'finished' } : r));
}

// Each vehicle of the day with the next route it drives: its first unfinished one.
function vehiclesOfManifest() {
  const out = [];
  for (const r of routesInOrder()) {
    let v = out.find((x) => x.id === r.vehicle_id);
    if (!v) { v = { id: r.vehicle_id, plate: r.plate, route: null }; out.push(v); }
    if (!v.route && r.status !== 'finished') v.route = r;
  }
  return out;
}

function odometerInput(name) {
  return drafted(h('input', { name, type: 'number', inputmode: 'numeric', min: 0, step: '0.1', required: true, class: 'big-input', 'data-field': name, 'data-testid': name }));
}

// A form's error box and field notes: a refusal kept in the outbox, else a check of the
// phone's own (state.formError[kind]).
function formError(kind, form, box, refusal) {
  const local = state.formError[kind];
  if (local) showError(local, box, form);
  else if (refusal) {
    const r = refusalOf(refusal);
    showError({ message: r.detail, errors: r.errors || [] }, box, form);
  }
}

function startView() {
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const vehicles = vehiclesOfManifest();
  const vehicleControl = vehicles.length
    ? drafted(h('select', { name: 'vehicle', class: 'big-input', 'data-field': 'vehicle_id', 'data-testid': 'vehicle' },
      vehicles.map((v) => h('option', { value: String(v.id), 'data-route': v.route ? String(v.route.id) : '' }, v.plate || `#${v.id}`))))
    : drafted(h('input', { name: 'vehicle', type: 'number', min: 1, required: true, class: 'big-input', 'data-field': 'vehicle_id', 'data-testid': 'vehicle' }));
  const chosen = vehicles.find((v) => String(v.id) === String(vehicleControl.value)) || vehicles[0];
  const route = chosen && chosen.route;
  const form = h('form', { class: 'card trip' },
    h('h2', {}, t('driver.start_title')),
    h('label', {}, t('driver.vehicle'), vehicleControl),
    vehicles.length ? h('p', { class: 'next-route', 'data-testid': 'next-route', 'data-route': route ? String(route.id) : '' },
      route ? t('driver.next_route', { from: fmtTime(route.starts_at), to: fmtTime(route.ends_at) }) : t('driver.no_route_left')) : null,
    h('label', {}, t('driver.odometer_start'), odometerInput('odometer_start')),
    box,
    h('button', { type: 'submit', class: 'big primary', 'data-testid': 'start' }, t('driver.start')));
  vehicleControl.addEventListener('change', () => { drafts.vehicle_id = vehicleControl.value; render(); });
  formError('start', form, box, refusalFor('start'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const km = Number(form.elements.odometer_start.value);
    const id = Number(form.elements.vehicle.value);
    if (!(id > 0)) { state.formError.start = { message: t('driver.pick_vehicle'), errors: [] }; render(); return; }
    state.formError.start = null;
    const v = vehiclesOfManifest().find((x) => x.id === id) || { id };
    startTrip(v, km, v.route ? v.route.id : null);
  });
  return form;
}

function tripView() {
  const trip = load(K.trip, null);
  if (!trip) return startView();
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'card trip open', 'data-trip': trip.local },
    h('h2', {}, t('driver.trip_open')),
    h('p', { 'data-testid': 'trip-info' }, t('driver.trip_info', { plate: trip.plate || `#${trip.vehicle_id}`, time: fmtTime(trip.started_at), km: trip.odometer_start })));
  if (trip.finishing) {
    form.append(h('p', { class: 'waiting', 'data-testid': 'finishing' }, t('driver.finishing', { km: trip.finishing.odometer_end })));
    return form;
  }
  const left = stopsLeft(trip);
  form.append(manualRide(trip),
    left.length ? h('fieldset', { class: 'stops-left', 'data-field': 'stops_left', 'data-testid': 'stops-left' },
      h('legend', {}, t('driver.left_title')),
      left.map((stop) => h('label', {}, `${fmtTime(stop.eta)} ${stop.patient_name || ''}`,
        drafted(h('select', { name: `left-${stop.request_id}`, class: 'big-input', 'data-field': `left-${stop.request_id}`, 'data-testid': `left-${stop.request_id}` },
          ['', 'no_show', 'handed_back', 'kept'].map((o) => h('option', { value: o }, t(`driver.left.${o || 'choose'}`)))))))) : null,
    h('label', {}, t('driver.odometer_end'), odometerInput('odometer_end')),
    box,
    h('button', { type: 'submit', class: 'big danger', 'data-testid': 'finish' }, t('driver.finish')));
  formError('finish', form, box, refusalFor('finish', trip));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const km = Number(form.elements.odometer_end.value);
    if (km < trip.odometer_start) {
      state.formError.finish = { message: t('driver.check_odometer'), errors: [{ field: 'odometer_end', message: t('driver.odometer_below_start', { km: trip.odometer_start }) }] };
      render();
      return;
    }
    const answers = left.map((stop) => ({ request_id: stop.request_id, outcome: form.elements[`left-${stop.request_id}`].value }));
    if (answers.some((a) => !a.outcome)) {
      state.formError.finish = { message: t('driver.left_missing'), errors: [{ field: 'stops_left', message: t('driver.left_missing') }] };
      render();
      return;
    }
    state.formError.finish = null;
    for (const stop of left) delete drafts[`left-${stop.request_id}`];
    finishTrip(km, answers);
  });
  return form;
}

// The requests still waiting on the trip's route (not picked up, not given up): the
// finish asks what happened to each.
function stopsLeft(trip) {
  const route = trip.route_id && state.manifest && (state.manifest.routes || []).find((r) => r.id === trip.route_id);
  if (!route) return [];
  const marks = todaysMarks().stops;
  // Rides logged by patient number on this trip take the patient's first waiting stop,
  // as the server does.
  const byNumber = Object.keys(trip.stops).map((ref) => /^patient-(\d+)-(pickup|no_show)$/.exec(ref)).filter(Boolean).map((m) => Number(m[1]));
  return (route.stops || []).filter((stop) => {
    const ref = `${stop.request_id}-pickup`;
    if (stop.kind !== 'pickup' || stop.status !== 'scheduled' || trip.stops[ref] || marks[ref]) return false;
    const i = byNumber.indexOf(stop.patient_id);
    if (i >= 0) { byNumber.splice(i, 1); return false; }
    return true;
  });
}

// The patients of the driver's manifests (today, and tomorrow when read), for finding a
// patient with no network: by characters of the name or digits of the phone.
function manifestPatients(q) {
  const byId = new Map();
  for (const m of [state.manifest, state.tomorrow]) {
    for (const route of (m && m.routes) || []) {
      for (const stop of route.stops || []) {
        if (stop.patient_id && !byId.has(stop.patient_id)) byId.set(stop.patient_id, { id: stop.patient_id, name: stop.patient_name || '', phone: stop.phone || '' });
      }
    }
  }
  const text = q.toLowerCase();
  const digits = q.replace(/\D/g, '');
  return [...byId.values()].filter((p) => p.name.toLowerCase().includes(text)
    || (digits.length >= 3 && digits === q.replace(/[\s-]/g, '') && p.phone.replace(/\D/g, '').includes(digits))).slice(0, 8);
}

// The driver's search: the server's (names, pinyin, initials, phone), which finds only
// the patients on the driver's routes; without a network, the manifest's patients.
async function findPatient(q) {
  try {
    return (await api.get('/api/v1/search', { query: { q, kind: 'patient', limit: 8 } })).items;
  } catch (err) {
    if (err instanceof ApiError && !err.offline && err.status < 500) throw err;
    return manifestPatients(q);
  }
}

// A ride that is not on the manifest (or when the manifest cannot be had): the patient is
// picked by name, pinyin or phone among the patients dispatch has on the driver's routes;
// anyone else is for dispatch to put on the route first (privacy by dispatch).
function manualRide() {
  const box = picker({
    api, kind: 'patient', name: 'manual_patient', field: 'manual-patient-id', testid: 'manual-patient',
    listId: 'manual-patient-list', typedIds: false, search: findPatient, none: t('driver.patient_not_found'),
    value: drafts['manual-patient-id'] || '', text: drafts['manual-patient-id'] ? drafts['manual-patient'] : '',
  });
  const input = box.querySelector('input[type=text]');
  const hidden = box.querySelector('input[type=hidden]');
  if (!drafts['manual-patient-id'] && drafts['manual-patient']) input.value = drafts['manual-patient'];
  // The name picked is the draft from now on, so a redraw shows it, not the letters typed.
  hidden.addEventListener('change', () => {
    drafts['manual-patient'] = input.value;
    state.manualMissing = false;
    const missing = box.closest('details') && box.closest('details').querySelector('[data-testid=manual-missing]');
    if (missing) missing.remove();
  });
  input.addEventListener('input', () => { drafts['manual-patient-id'] = hidden.value; });
  const act = (type) => () => {
    const id = Number(hidden.value);
    if (!(id > 0)) { state.manualMissing = true; render(); return; }
    state.manualOpen = false;
    state.manualMissing = false;
    const name = input.value;
    delete drafts['manual-patient'];
    delete drafts['manual-patient-id'];
    logEvent(type, { ref: `patient-${id}-${type}`, patient_id: id, name });
  };
  const details = h('details', { class: 'manual', open: state.manualOpen },
    h('summary', {}, t('driver.manual_ride')),
    h('label', { class: 'picker-label' }, t('driver.manual_patient'), box),
    state.manualMissing ? h('div', { class: 'field-error', role: 'alert', 'data-testid': 'manual-missing' }, t('driver.pick_patient')) : null,
    h('p', { class: 'hint' }, t('driver.manual_hint')),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'big', onclick: act('pickup'), 'data-testid': 'manual-pickup' }, t('driver.picked_up')),
      h('button', { type: 'button', class: 'big', onclick: act('no_show'), 'data-testid': 'manual-no-show' }, t('driver.no_show')),
      h('button', { type: 'button', class: 'big', onclick: act('dropoff'), 'data-testid': 'manual-dropoff' }, t('driver.dropped_off'))));
  details.addEventListener('toggle', () => { state.manualOpen = details.open; });
  return details;
}

// Tap-to-call the patient (the manifest has the phone only of the driver's own patients),
// and navigation to the stop in the phone's map app. The server builds the map links, each
// in the datum its app routes in (GCJ-02 for Amap, BD-09 for Baidu, WGS-84 for geo:), so
// the page converts nothing.
function stopLinks(stop, ref) {
  const links = [];
  const dial = (stop.phone || '').replace(/[^0-9+]/g, '');
  if (dial) {
    links.push(h('a', { class: 'link-button tel', href: `tel:${dial}`, 'data-testid': `call-${ref}` },
      `📞 ${t('driver.call')} ${stop.phone}`));
  }
  const nav = stop.nav || {};
  for (const app of ['amap', 'baidu', 'geo']) {
    if (!nav[app]) continue;
    links.push(h('a', { class: `link-button nav ${app}`, href: nav[app], target: app === 'amap' ? '_blank' : null,
      rel: app === 'amap' ? 'noopener' : null, 'data-testid': `nav-${app}-${ref}` }, t(`driver.nav.${app}`)));
  }
  return links.length ? h('div', { class: 'stop-links' }, links) : null;
}

function manifestView(day) {
  const section = h('section', { class: `manifest ${day.which}`, 'data-testid': 'manifest', 'data-day': day.which },
    h('h2', { 'data-testid': 'manifest-title' }, t(`driver.manifest.${day.which}`, { date: day.date })));
  if (day.readOnly) section.append(h('p', { class: 'read-only', 'data-testid': 'read-only' }, t('driver.tomorrow_read_only')));
  if (day.error && !day.manifest) {
    section.append(h('p', { class: 'notice', 'data-testid': 'manifest-unavailable' },
      day.error.unavailable ? t('driver.manifest_unavailable') : day.error.message));
    return section;
  }
  if (!day.manifest) { section.append(h('p', {}, t('common.loading'))); return section; }
  if (day.error && day.savedAt) {
    section.append(h('p', { class: 'notice', 'data-testid': 'manifest-saved' }, t('driver.manifest_saved', { time: fmtTime(day.savedAt) })));
  }
  const routes = day.readOnly ? routesInOrder(day.manifest, {}) : routesInOrder();
  if (!routes.length) { section.append(h('p', { 'data-testid': 'no-stops' }, t(`driver.no_stops.${day.which}`))); return section; }
  // Tomorrow's stops are to read: no trip, no marks, so no buttons.
  const trip = day.readOnly ? null : load(K.trip, null);
  const marks = day.readOnly ? {} : todaysMarks().stops;
  for (const route of routes) {
    section.append(h('h3', { 'data-testid': `route-${route.id}` }, t('driver.route', { plate: route.plate || `#${route.vehicle_id}`, from: fmtTime(route.starts_at), to: fmtTime(route.ends_at) }),
      ' ', h('span', { class: `badge ${route.status}` }, tv('route_status', route.status))));
    const list = h('ol', { class: 'stops' });
    for (const stop of route.stops || []) {
      const ref = `${stop.request_id}-${stop.kind}`;
      const done = (trip && trip.stops[ref]) || marks[ref] || serverMark(stop);
      const buttons = [];
      if (trip && !trip.finishing && !done) {
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
        stopLinks(stop, ref),
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

// A language chosen while signed in is kept on the server for the user.
document.getElementById('lang-slot').append(languageSelect((language) => {
  if (state.me && navigator.onLine) api.patch('/api/v1/auth/me', { language }).catch(() => { /* kept on this phone */ });
}));
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
