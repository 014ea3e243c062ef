// Patients, drivers, vehicles and places: list, search, create, edit, deactivate, and
// CSV import. One description per kind drives the table and the form.
import { t, tv, h, clear, picker, showError, flash, fmtNumber, uuid, latestLoad } from './common.js';
import { suspensionsCard } from './suspensions.js';
import { attachLocationPicker } from './map.js';

export const FLEET_KINDS = ['patients', 'drivers', 'vehicles', 'places'];

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

// The forms whose location is pointed at on a map: the names of its two inputs.
const LOCATIONS = { places: ['lat', 'lon'], patients: ['lat', 'lon'], drivers: ['home.lat', 'home.lon'] };

// Form fields: `field` is the JSON path the API names in errors[].field.
const SPECS = {
  places: {
    columns: [['name'], ['address'], ['kind', (p) => tv('place_kind', p.kind)], ['lat', (p) => fmtNumber(p.lat, 5)], ['lon', (p) => fmtNumber(p.lon, 5)]],
    fields: [
      { field: 'name', type: 'text', required: true },
      { field: 'address', type: 'text' },
      { field: 'kind', type: 'select', options: ['dialysis_center', 'hospital', 'home', 'other'], group: 'place_kind' },
      { field: 'lat', type: 'number', required: true },
      { field: 'lon', type: 'number', required: true },
    ],
    csv: 'name,address,lat,lon,kind',
  },
  drivers: {
    columns: [['name'], ['phone'], ['group'], ['shifts', (d) => shiftsText(d.shifts)], ['absences', (d) => (d.absences || []).map((a) => `${a.from}–${a.to}`).join(', ')], ['wheelchair_trained', (d) => (d.wheelchair_trained ? '✓' : '')]],
    fields: [
      { field: 'name', type: 'text', required: true },
      { field: 'phone', type: 'tel' },
      { field: 'group', type: 'text' },
      { field: 'home.lat', type: 'number', required: true },
      { field: 'home.lon', type: 'number', required: true },
      { field: 'shifts', type: 'shifts' },
      { field: 'wheelchair_trained', type: 'bool' },
    ],
    csv: 'name,phone,group,home_lat,home_lon,wheelchair_trained,shifts',
  },
  vehicles: {
    columns: [['plate'], ['description'], ['seats'], ['wheelchair_spaces'], ['driver_id', (v) => nameOf('drivers', v.driver_id)], ['odometer_km', (v) => fmtNumber(v.odometer_km, 1)]],
    fields: [
      { field: 'plate', type: 'text', required: true },
      { field: 'description', type: 'text' },
      { field: 'seats', type: 'int', required: true },
      { field: 'wheelchair_spaces', type: 'int' },
      { field: 'driver_id', type: 'id', kind: 'driver' },
      { field: 'odometer_km', type: 'number', createOnly: true },
    ],
    csv: 'plate,description,seats,wheelchair_spaces,driver_id,odometer_km',
  },
  patients: {
    columns: [['name'], ['phone'], ['address'], ['mobility', (p) => tv('mobility', p.mobility)], ['center_id', (p) => nameOf('places', p.center_id)], ['schedule', (p) => scheduleText(p.schedule)]],
    fields: [
      { field: 'name', type: 'text', required: true },
      { field: 'phone', type: 'tel' },
      { field: 'address', type: 'text' },
      { field: 'lat', type: 'number', required: true },
      { field: 'lon', type: 'number', required: true },
      { field: 'mobility', type: 'select', options: ['ambulatory', 'wheelchair'], group: 'mobility' },
      { field: 'escort', type: 'bool' },
      { field: 'ride_alone', type: 'bool' },
      { field: 'notes', type: 'textarea' },
      { field: 'center_id', type: 'id', kind: 'place' },
      { field: 'schedule', type: 'schedule' },
    ],
    csv: 'name,phone,address,lat,lon,mobility,escort,ride_alone,notes,center_id,weekdays,appointment,duration_minutes',
  },
};

function shiftsText(shifts) {
  return (shifts || []).map((s) => `${t(`weekday.${s.weekday}`)} ${s.start}–${s.end}`).join(', ');
}

// Names of the drivers and places the lists refer to, by id (asked once each).
const names = { drivers: new Map(), places: new Map() };
function nameOf(kind, id) {
  if (id === null || id === undefined) return '';
  return names[kind].get(id) || `#${id}`;
}
async function learnNames(api, items) {
  const wanted = [];
  for (const item of items) {
    if (item.driver_id && !names.drivers.has(item.driver_id)) wanted.push(['drivers', item.driver_id]);
    if (item.center_id && !names.places.has(item.center_id)) wanted.push(['places', item.center_id]);
  }
  const unique = [...new Map(wanted.map((w) => [w.join('/'), w])).values()];
  await Promise.all(unique.map(async ([kind, id]) => {
    try { names[kind].set(id, (await api.get(`/api/v1/${kind}/${id}`)).name); } catch { /* the number stays */ }
  }));
}

function scheduleText(s) {
  if (!s) return '';
  return `${s.weekdays.map((d) => t(`weekday.${d}`)).join(' ')} ${s.appointment} (${t('unit.minutes', { n: s.duration_minutes })})`;
}

function control(spec, value, api) {
  const common = { name: spec.field, 'data-field': spec.field, required: spec.required || undefined };
  switch (spec.type) {
    case 'select':
      return h('select', common, spec.options.map((o) => h('option', { value: o }, tv(spec.group, o))));
    case 'bool':
      return h('input', { ...common, type: 'checkbox', checked: !!value });
    case 'textarea':
      return h('textarea', { ...common, rows: 2 });
    case 'number':
      return h('input', { ...common, type: 'number', step: 'any' });
    case 'id':
      return picker({ api, kind: spec.kind, name: spec.field, value: value ?? '', testid: `pick-${spec.field}` });
    case 'int':
      return h('input', { ...common, type: 'number', step: '1', min: 0 });
    case 'tel':
      return h('input', { ...common, type: 'tel' });
    default:
      return h('input', { ...common, type: 'text' });
  }
}

// Weekly shifts as rows of weekday, start, end.
function shiftsEditor(shifts) {
  const rows = h('div', { class: 'rows', 'data-field': 'shifts' });
  const add = (s = { weekday: 1, start: '07:00', end: '15:00' }) => {
    const row = h('div', { class: 'row shift' },
      h('select', { class: 'weekday' }, WEEKDAYS.map((d) => h('option', { value: String(d) }, t(`weekday.${d}`)))),
      h('input', { type: 'time', class: 'start', value: s.start === '24:00' ? '23:59' : s.start }),
      h('input', { type: 'time', class: 'end', value: s.end === '24:00' ? '23:59' : s.end }),
      h('button', { type: 'button', class: 'small', onclick: () => row.remove() }, t('common.remove')));
    row.querySelector('.weekday').value = String(s.weekday);
    rows.append(row);
  };
  for (const s of shifts || []) add(s);
  return h('div', { class: 'shifts' }, rows, h('button', { type: 'button', class: 'small', onclick: () => add() }, t('fleet.add_shift')));
}

function scheduleEditor(s) {
  const days = h('div', { class: 'weekdays', 'data-field': 'schedule.weekdays' },
    WEEKDAYS.map((d) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', value: String(d), checked: s && s.weekdays.includes(d) }), t(`weekday.${d}`))));
  return h('div', { class: 'schedule', 'data-field': 'schedule' },
    days,
    h('label', { class: 'inline' }, t('field.appointment'), h('input', { type: 'time', name: 'appointment', 'data-field': 'schedule.appointment', value: s ? s.appointment : '07:30' })),
    h('label', { class: 'inline' }, t('field.duration_minutes'), h('input', { type: 'number', name: 'duration_minutes', min: 0, 'data-field': 'schedule.duration_minutes', value: s ? s.duration_minutes : 240 })));
}

function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}
function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] || (o[k] = {});
  o[keys[keys.length - 1]] = value;
}

function formFor(kind, item, onSaved, api) {
  const spec = SPECS[kind];
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'card entity-form', 'data-testid': `form-${kind}` },
    h('h3', {}, item ? t('fleet.edit_title', { name: item.name || item.plate }) : t(`fleet.new.${kind}`)));
  for (const f of spec.fields) {
    if (f.createOnly && item) continue;
    const value = item ? getPath(item, f.field) : undefined;
    let c;
    if (f.type === 'shifts') c = shiftsEditor(value);
    else if (f.type === 'schedule') c = scheduleEditor(value);
    else {
      c = control(f, value, api);
      if (f.type !== 'bool' && f.type !== 'id' && value !== undefined && value !== null) c.value = String(value);
    }
    form.append(h('label', { class: f.type === 'bool' ? 'inline' : '' }, t(`field.${f.field}`), c));
  }
  if (LOCATIONS[kind]) attachLocationPicker(api, form, ...LOCATIONS[kind]);
  form.append(box, h('div', { class: 'buttons' },
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'save' }, t('common.save')),
    h('button', { type: 'button', onclick: () => form.remove() }, t('common.close'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    for (const f of spec.fields) {
      if (f.createOnly && item) continue;
      if (f.type === 'shifts') {
        body.shifts = [...form.querySelectorAll('.shift')].map((r) => ({
          weekday: Number(r.querySelector('.weekday').value), start: r.querySelector('.start').value, end: r.querySelector('.end').value,
        }));
        continue;
      }
      if (f.type === 'schedule') {
        const days = [...form.querySelectorAll('.weekdays input:checked')].map((i) => Number(i.value));
        body.schedule = days.length ? {
          weekdays: days,
          appointment: form.querySelector('[name=appointment]').value,
          duration_minutes: Number(form.querySelector('[name=duration_minutes]').value),
        } : null;
        continue;
      }
      const el = form.querySelector(`[name="${f.field}"]`);
      let v;
      if (f.type === 'bool') v = el.checked;
      else if (['number', 'int'].includes(f.type)) v = el.value === '' ? undefined : Number(el.value);
      else if (f.type === 'id') v = el.value === '' ? null : Number(el.value);
      else v = el.value;
      if (v !== undefined) setPath(body, f.field, v);
    }
    try {
      const saved = item ? await api.patch(`/api/v1/${kind}/${item.id}`, body) : await api.post(`/api/v1/${kind}`, body);
      onSaved(saved);
    } catch (err) {
      showError(err, box, form);
    }
  });
  return form;
}

// A driver's absences: each can be changed or removed, and a new one added. The answer
// lists the rides an absence took off the driver's planned routes; they wait on the board.
function absencesPanel(driver, api, done) {
  const card = h('div', { class: 'card', 'data-testid': 'absences' }, h('h3', {}, t('fleet.absence_of', { name: driver.name })));
  const note = h('div', { class: 'notice', hidden: true, role: 'status', 'data-testid': 'absence-note' });
  const refresh = async (answer) => {
    if (answer && answer.unassigned && answer.unassigned.length) {
      note.hidden = false;
      note.textContent = t('fleet.absence_took_off', { n: answer.unassigned.length, ids: answer.unassigned.map((u) => `#${u.request_id}`).join(', ') });
    } else note.hidden = true;
    const fresh = await api.get(`/api/v1/drivers/${driver.id}`);
    clear(card).append(h('h3', {}, t('fleet.absence_of', { name: driver.name })), note,
      ...(fresh.absences || []).map((a) => absenceForm(driver, a, refresh, api)), absenceForm(driver, null, refresh, api),
      h('div', { class: 'buttons' }, h('button', { type: 'button', onclick: done }, t('common.close'))));
  };
  refresh();
  return card;
}

function absenceForm(driver, absence, onSaved, api) {
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const id = absence ? absence.id : 'new';
  const form = h('form', { class: 'inline-form', 'data-absence': id },
    h('label', { class: 'inline' }, t('field.from'), h('input', { type: 'date', name: 'from', required: true, 'data-field': 'from', value: absence ? absence.from : '' })),
    h('label', { class: 'inline' }, t('field.to'), h('input', { type: 'date', name: 'to', required: true, 'data-field': 'to', value: absence ? absence.to : '' })),
    h('button', { type: 'submit', 'data-testid': `absence-save-${id}` }, absence ? t('common.save') : t('fleet.add_absence')),
    absence ? h('button', { type: 'button', class: 'danger', 'data-testid': `absence-remove-${id}`, onclick: async () => {
      try { await api.del(`/api/v1/drivers/${driver.id}/absences/${absence.id}`); await onSaved(null); } catch (err) { showError(err, box, form); }
    } }, t('fleet.remove_absence')) : '', box);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { from: form.elements.from.value, to: form.elements.to.value };
    try {
      await onSaved(absence ? await api.patch(`/api/v1/drivers/${driver.id}/absences/${absence.id}`, body) : await api.post(`/api/v1/drivers/${driver.id}/absences`, body, { key: uuid() }));
    } catch (err) { showError(err, box, form); }
  });
  return form;
}

function importForm(kind, api, done) {
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'import-error' });
  const okBox = h('div', { class: 'notice', hidden: true, role: 'status', 'data-testid': 'import-ok' });
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'import-file' });
  const form = h('form', { class: 'card import' },
    h('h3', {}, t('import.title')),
    h('p', { class: 'hint' }, t('import.columns'), ' ', h('code', {}, SPECS[kind].csv)),
    file, box, okBox,
    h('button', { type: 'submit', 'data-testid': 'import-send' }, t('import.send')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    okBox.hidden = true;
    if (!file.files.length) return;
    try {
      const text = await file.files[0].text();
      const answer = await api.call('POST', `/api/v1/import/${kind}`, { body: text, contentType: 'text/csv; charset=utf-8', key: uuid() });
      showError(null, box);
      flash(okBox, t('import.done', { n: answer.imported }));
      done();
    } catch (err) { showError(err, box, form); }
  });
  return form;
}

export async function fleetView(ctx, kind, root) {
  names.drivers.clear();
  names.places.clear();
  const { api } = ctx;
  const spec = SPECS[kind];
  const params = ctx.route().params;
  const q = params.get('q') || '';
  const showInactive = params.get('inactive') === '1';
  const search = h('input', { type: 'search', value: q, 'data-i18n-placeholder': 'common.search', placeholder: t('common.search'), 'data-testid': 'search' });
  const inactive = h('input', { type: 'checkbox', checked: showInactive });
  const panel = h('div', { class: 'panel' });
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const table = h('div', { class: 'table-wrap' });
  const more = h('div');
  root.append(
    h('h2', {}, t(`nav.${kind}`)),
    h('div', { class: 'toolbar' },
      search,
      h('label', { class: 'inline' }, inactive, t('fleet.show_inactive')),
      h('button', { type: 'button', class: 'primary', 'data-testid': 'new', onclick: () => { clear(panel).append(formFor(kind, null, () => { clear(panel); load(); }, api)); } }, t(`fleet.new.${kind}`)),
      h('button', { type: 'button', onclick: () => { clear(panel).append(importForm(kind, api, load)); } }, t('import.button'))),
    panel, box, table, more);

  let timer;
  const update = () => {
    ctx.setParams(kind, { ...(search.value ? { q: search.value } : {}), ...(inactive.checked ? { inactive: '1' } : {}) });
    load();
  };
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(update, 250); });
  inactive.addEventListener('change', update);

  // A search typed on while an earlier one is answering: only the last one's answer shows.
  const newLoad = latestLoad();
  async function load(cursor, append) {
    const latest = newLoad();
    try {
      const page = await api.get(`/api/v1/${kind}`, { query: { q: search.value, active: inactive.checked ? undefined : 'true', limit: 100, cursor } });
      await learnNames(api, page.items);
      if (!latest()) return;
      showError(null, box);
      if (!append) clear(table);
      renderRows(page.items, append);
      clear(more);
      if (page.next_cursor) more.append(h('button', { type: 'button', onclick: () => load(page.next_cursor, true) }, t('common.more')));
    } catch (err) { if (latest()) showError(err, box); }
  }

  function renderRows(items, append) {
    let tbody = table.querySelector('tbody');
    if (!append || !tbody) {
      tbody = h('tbody');
      table.append(h('table', { class: 'list', 'data-testid': `list-${kind}` },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), spec.columns.map(([c]) => h('th', {}, t(`field.${c}`))), h('th', {}, t('field.active')), h('th'))),
        tbody));
    }
    if (!items.length && !append) tbody.append(h('tr', {}, h('td', { colspan: spec.columns.length + 3, class: 'empty' }, t('common.none'))));
    for (const item of items) {
      const actions = h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'small', onclick: () => { clear(panel).append(formFor(kind, item, () => { clear(panel); load(); }, api)); panel.scrollIntoView(); } }, t('common.edit')),
        h('button', { type: 'button', class: 'small', onclick: async () => {
          try { await api.patch(`/api/v1/${kind}/${item.id}`, { active: !item.active }); load(); } catch (err) { showError(err, box); }
        } }, item.active ? t('common.deactivate') : t('common.activate')));
      if (kind === 'patients') {
        actions.append(h('button', { type: 'button', class: 'small', 'data-testid': `suspend-${item.id}`, onclick: () => { clear(panel).append(suspensionsCard(api, item)); panel.scrollIntoView(); } }, t('suspension.button')));
      }
      if (kind === 'drivers') {
        actions.append(h('button', { type: 'button', class: 'small', 'data-testid': `absences-${item.id}`, onclick: () => { clear(panel).append(absencesPanel(item, api, () => { clear(panel); load(); })); panel.scrollIntoView(); } }, t('fleet.absence')));
      }
      tbody.append(h('tr', { class: item.active ? '' : 'inactive' },
        h('td', {}, String(item.id)),
        spec.columns.map(([c, fmt]) => h('td', {}, fmt ? fmt(item) : (item[c] ?? ''))),
        h('td', {}, item.active ? '✓' : '—'),
        actions));
    }
  }
  await load();
}
