// Trips: the ledger's trips as a dispatcher checks them. Every trip still open comes
// first (a driver may have left one open yesterday), then the chosen day's finished
// trips by start time, narrowed to a driver or a vehicle. Each row shows the odometer
// check against the vehicle's trip before it. An open trip is closed, a finished one
// corrected, always with a reason; a refusal is shown next to its field and every value
// typed stays in the form.
import {
  t, h, clear, showError, flash, fmtTime, fmtDateTime, fmtNumber, todayInZone, zonedToInstant, latestLoad,
} from './common.js';

// Every page of a list.
async function fetchAll(api, query) {
  const out = [];
  let cursor = null;
  do {
    const page = await api.get('/api/v1/trips', { query: { ...query, limit: 500, cursor } });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

function byStart(a, b) {
  return a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : a.id - b.id;
}

function localDate(iso) { return iso ? todayInZone(Date.parse(iso)) : ''; }

// A reading as typed: a number when it reads as one, the text otherwise (the server
// then names the field), absent when empty.
function reading(input) {
  const s = input.value.trim().replace(',', '.');
  if (!s) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

function anomalyText(a) {
  if (!a) return '';
  const vars = { km: fmtNumber(Math.abs(a.gap_km), 1), trip: a.previous_trip_id, reading: fmtNumber(a.previous_reading, 1) };
  return t(`trips.anomaly.${a.issue}`, vars);
}

function filterForm(ctx, state, names, onChange) {
  const date = h('input', { type: 'date', value: state.date, 'data-testid': 'trips-date' });
  const driver = h('select', { 'data-testid': 'trips-driver' }, h('option', { value: '' }, t('trips.all_drivers')),
    names.drivers.map((d) => h('option', { value: String(d.id) }, d.name)));
  const vehicle = h('select', { 'data-testid': 'trips-vehicle' }, h('option', { value: '' }, t('trips.all_vehicles')),
    names.vehicles.map((v) => h('option', { value: String(v.id) }, v.plate)));
  driver.value = state.driver;
  vehicle.value = state.vehicle;
  const changed = () => {
    Object.assign(state, { date: date.value || todayInZone(), driver: driver.value, vehicle: vehicle.value });
    ctx.setParams('trips', Object.fromEntries(Object.entries(state).filter(([, v]) => v)));
    onChange();
  };
  for (const el of [date, driver, vehicle]) el.addEventListener('change', changed);
  return h('div', { class: 'card', 'data-testid': 'trips-filter' },
    h('label', { class: 'inline' }, t('trips.day'), date),
    h('label', { class: 'inline' }, t('trips.driver'), driver),
    h('label', { class: 'inline' }, t('trips.vehicle'), vehicle));
}

// A date and a time input for an instant, the time input naming the field.
function instantInputs(field, iso, day) {
  const date = h('input', { type: 'date', value: iso ? localDate(iso) : day, 'data-testid': `trip-${field}-date` });
  const time = h('input', { type: 'time', value: iso ? fmtTime(iso) : '', 'data-field': field, 'data-testid': `trip-${field}` });
  return { date, time, value: () => (date.value && time.value ? zonedToInstant(date.value, time.value) : undefined) };
}

function readingInput(field, value) {
  return h('input', { type: 'text', inputmode: 'decimal', value: value ?? '', 'data-field': field, 'data-testid': `trip-${field}` });
}

// For a trip closed with patients still aboard: a line per patient asking what became
// of them, delivered (the default) or taken off before the destination, and when (the
// close time unless changed). Each line's inputs name its `rides[i]` fields.
function aboardAnswers(ctx, trip, ended) {
  const aboard = trip.rides.filter((r) => r.outcome === 'aboard');
  if (!aboard.length) return { node: null, value: () => undefined };
  const lines = aboard.map((ride, i) => {
    const name = h('strong', { 'data-testid': `aboard-name-${ride.id}` }, `#${ride.patient_id}`);
    ctx.api.get(`/api/v1/patients/${ride.patient_id}`).then((p) => { name.textContent = p.name; }, () => {});
    const outcome = h('select', { 'data-field': `rides[${i}].outcome`, 'data-testid': `aboard-outcome-${ride.id}` },
      h('option', { value: 'completed' }, t('trips.aboard.completed')),
      h('option', { value: 'cancelled' }, t('trips.aboard.cancelled')));
    const time = h('input', { type: 'time', value: ended.time.value, 'data-field': `rides[${i}].at`, 'data-testid': `aboard-at-${ride.id}` });
    // Until the dispatcher sets a time of its own, the ride follows the close time.
    let own = false;
    time.addEventListener('input', () => { own = true; });
    ended.time.addEventListener('input', () => { if (!own) time.value = ended.time.value; });
    const picked = ride.picked_up_at ? t('trips.aboard.picked', { time: fmtTime(ride.picked_up_at) }) : '';
    const row = h('li', { 'data-field': `rides[${i}].ride_id`, 'data-aboard': ride.id },
      name, ' ', h('span', { class: 'hint' }, picked), ' ',
      h('label', { class: 'inline' }, t('trips.aboard.outcome'), outcome),
      h('label', { class: 'inline' }, t('trips.aboard.at'), time));
    const value = () => {
      const at = ended.date.value && time.value ? zonedToInstant(ended.date.value, time.value) : undefined;
      return { ride_id: ride.id, outcome: outcome.value, ...(at ? { at } : {}) };
    };
    return { row, value };
  });
  const node = h('fieldset', { class: 'aboard', 'data-field': 'rides', 'data-testid': 'trip-aboard' },
    h('legend', {}, t('trips.aboard.title', { n: aboard.length })),
    h('p', { class: 'hint' }, t('trips.aboard.hint')),
    h('ul', {}, lines.map((l) => l.row)));
  return { node, value: () => lines.map((l) => l.value()) };
}

// The form under a row: close (an open trip) or correct (a finished one).
function tripForm(ctx, trip, day, done) {
  const closing = trip.status === 'open';
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'trip-form-error' });
  const started = instantInputs('started_at', trip.started_at, day);
  const ended = instantInputs('ended_at', trip.ended_at, localDate(trip.started_at));
  const odoStart = readingInput('odometer_start', trip.odometer_start);
  const odoEnd = readingInput('odometer_end', trip.odometer_end);
  const reason = h('input', { type: 'text', maxlength: 1000, 'data-field': 'reason', 'data-testid': 'trip-reason', placeholder: t('trips.reason_hint') });
  const fields = [];
  if (!closing) fields.push(h('label', { class: 'inline' }, t('trips.started_at'), started.date, started.time));
  fields.push(h('label', { class: 'inline' }, t('trips.ended_at'), ended.date, ended.time));
  if (!closing) fields.push(h('label', { class: 'inline' }, t('trips.odometer_start'), odoStart));
  fields.push(h('label', { class: 'inline' }, t('trips.odometer_end'), odoEnd));
  const answers = closing ? aboardAnswers(ctx, trip, ended) : { node: null, value: () => undefined };
  if (answers.node) fields.push(answers.node);
  const form = h('form', { class: 'trip-form', novalidate: true, 'data-testid': `trip-form-${trip.id}` },
    h('strong', {}, closing ? t('trips.close_title', { id: trip.id }) : t('trips.correct_title', { id: trip.id })),
    h('p', { class: 'hint' }, closing ? t('trips.close_hint') : t('trips.correct_hint')),
    fields, h('label', { class: 'inline' }, t('trips.reason'), reason), box,
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'trip-save' }, closing ? t('trips.close') : t('trips.save')),
      h('button', { type: 'button', 'data-testid': 'trip-cancel', onclick: () => done(null) }, t('trips.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { reason: reason.value };
    const put = (k, v, was) => { if (v !== undefined && (closing || v !== was)) body[k] = v; };
    put('ended_at', ended.value(), trip.ended_at);
    put('odometer_end', reading(odoEnd), trip.odometer_end);
    put('rides', answers.value());
    if (!closing) {
      put('started_at', started.value(), trip.started_at);
      put('odometer_start', reading(odoStart), trip.odometer_start);
    }
    try {
      const answer = closing
        ? await ctx.api.post(`/api/v1/trips/${trip.id}/close`, body)
        : await ctx.api.patch(`/api/v1/trips/${trip.id}`, body);
      done(answer);
    } catch (err) { showError(err, box, form); }
  });
  return form;
}

function tripRow(trip, day, names, onAction) {
  const when = (iso) => (!iso ? '' : localDate(iso) === day ? fmtTime(iso) : fmtDateTime(iso));
  const open = trip.status === 'open';
  const flag = anomalyText(trip.odometer_anomaly);
  return h('tr', { 'data-trip': trip.id, class: open ? 'trip-open' : '', 'data-status': trip.status },
    h('td', {}, h('span', { class: `badge ${open ? 'started' : 'finished'}` }, t(`trips.status.${trip.status}`))),
    h('td', {}, names.plate(trip.vehicle_id)),
    h('td', {}, names.driver(trip.driver_id)),
    h('td', {}, when(trip.started_at)),
    h('td', {}, when(trip.ended_at)),
    h('td', { class: 'num' }, `${fmtNumber(trip.odometer_start, 1)} → ${open ? '' : fmtNumber(trip.odometer_end, 1)}`),
    h('td', { class: 'num' }, open ? '' : fmtNumber(trip.km, 1)),
    h('td', { class: 'num' }, String(trip.rides.length)),
    h('td', {}, flag ? h('span', { class: 'anomaly', 'data-testid': `trip-anomaly-${trip.id}` }, `⚠ ${flag}`) : ''),
    h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small', 'data-testid': `trip-${open ? 'close' : 'correct'}-${trip.id}`, onclick: onAction },
      open ? t('trips.close') : t('trips.correct'))));
}

async function loadNames(api) {
  const [drivers, vehicles] = await Promise.all([
    api.get('/api/v1/drivers', { query: { limit: 500 } }), api.get('/api/v1/vehicles', { query: { limit: 500 } })]);
  const byId = (items) => new Map(items.map((x) => [x.id, x]));
  const d = byId(drivers.items);
  const v = byId(vehicles.items);
  return {
    drivers: [...drivers.items].sort((a, b) => a.name.localeCompare(b.name)),
    vehicles: [...vehicles.items].sort((a, b) => a.plate.localeCompare(b.plate)),
    driver: (id) => (d.get(id) ? d.get(id).name : `#${id}`),
    plate: (id) => (v.get(id) ? v.get(id).plate : `#${id}`),
  };
}

const COLUMNS = ['status', 'vehicle', 'driver', 'started_at', 'ended_at', 'readings', 'km', 'rides', 'anomaly', ''];

export async function tripsView(ctx, root) {
  const { api } = ctx;
  const params = ctx.route().params;
  const state = { date: params.get('date') || todayInZone(), driver: params.get('driver') || '', vehicle: params.get('vehicle') || '' };
  const status = h('div', { class: 'notice', hidden: true, role: 'status', 'data-testid': 'trips-status' });
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'trips-error' });
  const list = h('div', { class: 'table-wrap', 'data-testid': 'trips-list' });
  const names = await loadNames(api);
  root.append(h('h2', {}, t('nav.trips')), filterForm(ctx, state, names, () => load()), status, box, list);

  function show(trips) {
    clear(list);
    if (!trips.length) { list.append(h('p', { class: 'empty' }, t('trips.none'))); return; }
    const body = h('tbody', {});
    for (const trip of trips) body.append(rowWithForm(trip));
    list.append(h('table', { class: 'list trips' },
      h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', {}, c ? t(`trips.col.${c}`) : '')))), body));
  }

  // A row, and under it its form while one is open; the answer replaces the row.
  function rowWithForm(trip) {
    const frag = document.createDocumentFragment();
    let formRow = null;
    const row = tripRow(trip, state.date, names, () => {
      if (formRow) return;
      formRow = h('tr', { class: 'form-row' }, h('td', { colspan: COLUMNS.length }, tripForm(ctx, trip, state.date, (answer) => {
        formRow.remove();
        formRow = null;
        if (!answer) return;
        row.replaceWith(rowWithForm(answer));
        flash(status, t(trip.status === 'open' ? 'trips.closed' : 'trips.corrected', { id: trip.id }));
      })));
      row.after(formRow);
    });
    frag.append(row);
    return frag;
  }

  const newLoad = latestLoad();
  async function load() {
    const narrow = { driver_id: state.driver, vehicle_id: state.vehicle };
    const latest = newLoad();
    try {
      const [open, finished] = await Promise.all([
        fetchAll(api, { ...narrow, status: 'open' }),
        fetchAll(api, { ...narrow, status: 'finished', date: state.date })]);
      if (!latest()) return;
      showError(null, box);
      show([...open.sort(byStart), ...finished.sort(byStart)]);
    } catch (err) { if (latest()) showError(err, box); }
  }
  await load();
}
