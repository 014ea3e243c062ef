// Administration: accounts and roles, the organisation's settings, the audit log.
import { t, tv, h, clear, picker, resetPickers, showError, flash, fmtDateTime, uuid } from './common.js';

const ROLES = ['admin', 'dispatcher', 'driver'];

export async function adminView(ctx, root) {
  root.append(h('h2', {}, t('nav.admin')));
  const users = h('section', { class: 'card' });
  const settings = h('section', { class: 'card' });
  const calibration = h('section', { class: 'card', 'data-testid': 'calibration' });
  const audit = h('section', { class: 'card' });
  root.append(users, settings, calibration, audit);
  await Promise.all([usersSection(ctx, users), settingsSection(ctx, settings), calibrationSection(ctx, calibration), auditSection(ctx, audit)]);
}

async function usersSection(ctx, root) {
  const { api } = ctx;
  root.append(h('h3', {}, t('admin.users')));
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const list = h('div');
  const form = h('form', { class: 'inline-form', 'data-testid': 'user-form' },
    h('label', { class: 'inline' }, t('auth.username'), h('input', { name: 'username', required: true, 'data-field': 'username' })),
    h('label', { class: 'inline' }, t('auth.password'), h('input', { name: 'password', type: 'password', required: true, 'data-field': 'password', autocomplete: 'new-password' })),
    h('label', { class: 'inline' }, t('field.role'), h('select', { name: 'role', 'data-field': 'role' }, ROLES.map((r) => h('option', { value: r }, tv('role', r))))),
    h('label', { class: 'inline' }, t('field.driver_id'), picker({ api, kind: 'driver', name: 'driver_id', testid: 'user-driver' })),
    h('button', { type: 'submit', class: 'primary' }, t('admin.add_user')));
  root.append(form, box, list);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const el = form.elements;
    const body = { username: el.username.value, password: el.password.value, role: el.role.value };
    if (el.driver_id.value) body.driver_id = Number(el.driver_id.value);
    try { await api.post('/api/v1/users', body); form.reset(); resetPickers(form); showError(null, box, form); load(); } catch (err) { showError(err, box, form); }
  });
  async function load() {
    clear(list);
    try {
      const page = await api.get('/api/v1/users', { query: { limit: 500 } });
      list.append(h('table', { class: 'list compact' },
        h('thead', {}, h('tr', {}, ['#', t('auth.username'), t('field.role'), t('field.driver_id'), t('field.active'), ''].map((c) => h('th', {}, c)))),
        h('tbody', {}, page.items.map((u) => {
          const role = h('select', {}, ROLES.map((r) => h('option', { value: r }, tv('role', r))));
          role.value = u.role;
          role.addEventListener('change', async () => {
            try { await api.patch(`/api/v1/users/${u.id}`, { role: role.value }); load(); } catch (err) { showError(err, box); role.value = u.role; }
          });
          return h('tr', { class: u.active ? '' : 'inactive' }, h('td', {}, String(u.id)), h('td', {}, u.username), h('td', {}, role),
            h('td', {}, u.driver_id ?? ''), h('td', {}, u.active ? '✓' : '—'),
            h('td', {}, h('button', { type: 'button', class: 'small', onclick: async () => {
              try { await api.patch(`/api/v1/users/${u.id}`, { active: !u.active }); load(); } catch (err) { showError(err, box); }
            } }, u.active ? t('common.deactivate') : t('common.activate'))));
        }))));
    } catch (err) { showError(err, box); }
  }
  await load();
}

const SETTINGS_FIELDS = [
  ['organisation', 'text'], ['time_zone', 'text'], ['language', 'text'], ['per_km_rate', 'number'], ['currency', 'text'],
  ['goals.rides', 'number'], ['goals.km', 'number'], ['goals.from', 'date'], ['goals.to', 'date'],
  ['matcher.detour_factor', 'number'], ['matcher.speed_kmh', 'number'], ['matcher.early_tolerance_minutes', 'number'],
  ['matcher.late_tolerance_minutes', 'number'], ['matcher.min_ride_minutes', 'number'], ['matcher.ride_time_factor', 'number'],
  ['matcher.service_minutes', 'number'], ['matcher.time_limit_ms', 'number'],
  ['matcher.objective', 'select', ['distance', 'vehicles']], ['position_retention_days', 'number'],
  ['map_datum', 'select', ['wgs84', 'gcj02', 'bd09']], ['map_tile_url', 'text'], ['map_tile_attribution', 'text'],
];

async function settingsSection(ctx, root) {
  const { api } = ctx;
  root.append(h('h3', {}, t('admin.settings')));
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const ok = h('div', { class: 'notice', hidden: true, role: 'status' });
  let current;
  try { current = await api.get('/api/v1/settings'); } catch (err) { root.append(box); showError(err, box); return; }
  const form = h('form', { class: 'grid-form', 'data-testid': 'settings-form' });
  for (const [path, type, choices] of SETTINGS_FIELDS) {
    const value = path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), current);
    const input = type === 'select'
      ? h('select', { name: path, 'data-field': path }, choices.map((c) => h('option', { value: c, selected: c === value ? true : undefined }, t(`settings.${path}.${c}`))))
      : h('input', { name: path, type, step: type === 'number' ? 'any' : undefined, value: value ?? '', 'data-field': path });
    form.append(h('label', {}, t(`settings.${path}`), input));
  }
  form.append(box, ok, h('button', { type: 'submit', class: 'primary' }, t('common.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    for (const [path, type] of SETTINGS_FIELDS) {
      const v = form.elements[path].value;
      if (v === '') continue;
      const keys = path.split('.');
      let o = body;
      for (const k of keys.slice(0, -1)) o = o[k] || (o[k] = {});
      o[keys[keys.length - 1]] = type === 'number' ? Number(v) : v;
    }
    try { ctx.settings = await api.put('/api/v1/settings', body); showError(null, box, form); flash(ok, t('admin.saved')); } catch (err) { showError(err, box, form); }
  });
  root.append(form);
}

// The travel model the fleet's finished trips support, beside the one planning uses; the
// dispatcher accepts it with one button (POST /api/v1/calibration/apply, audited).
async function calibrationSection(ctx, root) {
  const { api } = ctx;
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const ok = h('div', { class: 'notice', hidden: true, role: 'status' });
  const body = h('div');
  root.append(h('h3', {}, t('calibration.title')), h('p', { class: 'hint' }, t('calibration.hint')), body, box, ok);
  const num = (v, d) => (v === null || v === undefined ? '—' : Number(v).toFixed(d));
  function show(fit) {
    clear(body);
    body.append(h('p', { 'data-testid': 'calibration-summary' }, t('calibration.summary', { trips: fit.trips, used: fit.trips_used, legs: fit.legs_used })));
    body.append(h('table', { class: 'list compact' },
      h('thead', {}, h('tr', {}, ['', t('calibration.fitted'), t('calibration.in_use')].map((c) => h('th', {}, c)))),
      h('tbody', {},
        h('tr', {}, h('td', {}, t('settings.matcher.detour_factor')), h('td', { 'data-testid': 'calibration-detour' }, num(fit.detour_factor, 3)), h('td', {}, num(fit.current.detour_factor, 3))),
        h('tr', {}, h('td', {}, t('settings.matcher.speed_kmh')), h('td', { 'data-testid': 'calibration-speed' }, num(fit.speed_kmh, 1)), h('td', {}, num(fit.current.speed_kmh, 1))))));
    const hours = fit.by_hour.filter((x) => x.legs > 0);
    if (hours.length) {
      body.append(h('details', {}, h('summary', {}, t('calibration.by_hour')),
        h('table', { class: 'list compact' },
          h('thead', {}, h('tr', {}, [t('calibration.hour'), t('settings.matcher.speed_kmh'), t('calibration.legs')].map((c) => h('th', {}, c)))),
          h('tbody', {}, hours.map((x) => h('tr', {}, h('td', {}, `${String(x.hour).padStart(2, '0')}:00`), h('td', {}, num(x.speed_kmh, 1)), h('td', {}, String(x.legs))))))));
    }
    const usable = fit.detour_factor !== null && fit.speed_kmh !== null;
    const apply = h('button', { type: 'button', class: 'primary', 'data-testid': 'calibration-apply', disabled: !usable }, t('calibration.apply'));
    apply.addEventListener('click', async () => {
      apply.disabled = true;
      try {
        const applied = await api.post('/api/v1/calibration/apply', {}, { key: uuid() });
        for (const [field, v] of [['matcher.detour_factor', applied.current.detour_factor], ['matcher.speed_kmh', applied.current.speed_kmh]]) {
          const input = document.querySelector(`[data-field="${field}"]`);
          if (input) input.value = v;
        }
        showError(null, box);
        show(applied);
        flash(ok, t('calibration.applied'));
      } catch (err) { showError(err, box); apply.disabled = false; }
    });
    if (!usable) body.append(h('p', { class: 'hint', 'data-testid': 'calibration-too-few' }, t('calibration.too_few')));
    body.append(apply);
  }
  try { show(await api.get('/api/v1/calibration')); } catch (err) { showError(err, box); }
}

async function auditSection(ctx, root) {
  const { api } = ctx;
  root.append(h('h3', {}, t('admin.audit')));
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const entity = h('input', { name: 'entity', 'data-i18n-placeholder': 'admin.entity', placeholder: t('admin.entity') });
  const id = h('input', { name: 'id', type: 'number', min: 1, 'data-i18n-placeholder': 'admin.entity_id', placeholder: t('admin.entity_id') });
  const list = h('div', { class: 'table-wrap' });
  const more = h('div');
  const form = h('form', { class: 'inline-form' }, entity, id, h('button', { type: 'submit' }, t('common.search')));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  root.append(form, box, list, more);
  async function load(cursor) {
    if (!cursor) clear(list);
    clear(more);
    try {
      const page = await api.get('/api/v1/audit', { query: { entity: entity.value, id: id.value, limit: 50, cursor } });
      list.append(h('table', { class: 'list compact', 'data-testid': 'audit' },
        h('tbody', {}, page.items.map((a) => h('tr', {},
          h('td', {}, fmtDateTime(a.at)), h('td', {}, a.username ?? a.user_id ?? ''), h('td', {}, `${a.entity} #${a.entity_id ?? a.id}`), h('td', {}, a.action),
          h('td', {}, h('details', {}, h('summary', {}, t('admin.changes')), h('pre', {}, `${t('admin.before')}: ${JSON.stringify(a.before, null, 1)}\n${t('admin.after')}: ${JSON.stringify(a.after, null, 1)}`))))))));
      if (page.next_cursor) more.append(h('button', { type: 'button', onclick: () => load(page.next_cursor) }, t('common.more')));
    } catch (err) { showError(err, box); }
  }
  await load();
}
