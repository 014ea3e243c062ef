// The day board: the day's requests, "plan the day", each vehicle's route as a
// timeline, unassigned requests with the engine's reason, and assigning by hand.
import { t, tv, h, clear, picker, showError, flash, fmtTime, fmtNumber, todayInZone, zonedToInstant, uuid, messageText, latestLoad } from './common.js';
import { periodForm, batchesSection } from './cancel.js';
import { boardMap } from './map.js';

const CANCEL_REASONS = ['patient', 'late_cancel', 'holiday', 'weather', 'other'];

// The board's one live stream (GET /api/v1/events). Closed when the board is left or
// shown again for another day.
let live = null;

export function stopLive() {
  if (live) live.stop();
  live = null;
}

// Follows the server's changes: EventSource reconnects by itself after a dropped
// connection (sending Last-Event-ID); when the server refused the stream (e.g. too many
// tabs) it is opened again after a growing pause. `onChange(data)` gets each change;
// `indicator` says live or reconnecting.
function follow(api, indicator, onChange) {
  let source = null;
  let lastId = null;
  let delay = 1000;
  let timer = null;
  let stopped = false;
  const show = (state) => {
    indicator.dataset.state = state;
    indicator.textContent = t(`board.${state}`);
  };
  const open = () => {
    if (stopped || !api.token) return;
    const q = new URLSearchParams({ access_token: api.token });
    if (lastId) q.set('last_event_id', lastId);
    source = new EventSource(`/api/v1/events?${q}`);
    source.onopen = () => { delay = 1000; show('live'); };
    source.onmessage = (e) => {
      if (e.lastEventId) lastId = e.lastEventId;
      let data;
      try { data = JSON.parse(e.data); } catch { return; }
      onChange(data);
    };
    source.onerror = () => {
      show('reconnecting');
      if (source.readyState !== EventSource.CLOSED) return;  // the browser retries itself
      clearTimeout(timer);
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    };
  };
  show('reconnecting');
  open();
  return { stop() { stopped = true; clearTimeout(timer); if (source) source.close(); } };
}

export async function boardView(ctx, root) {
  const { api } = ctx;
  const params = ctx.route().params;
  const date = params.get('date') || todayInZone();
  const picker = h('input', { type: 'date', value: date, 'data-testid': 'date' });
  picker.addEventListener('change', () => { ctx.setParams('board', { date: picker.value }); ctx.rerender(); });
  const status = h('div', { class: 'notice', hidden: true, role: 'status', 'data-testid': 'board-status' });
  const liveEl = h('span', { class: 'live', role: 'status', 'data-testid': 'live' });
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'board-error' });
  const panel = h('div', { class: 'panel' });
  const planBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'plan' }, t('board.plan'));
  const routesEl = h('section', { class: 'routes', 'data-testid': 'routes' });
  const unassignedEl = h('section', { class: 'unassigned', 'data-testid': 'unassigned' });
  const requestsEl = h('section', { class: 'requests', 'data-testid': 'requests' });
  const batchesEl = h('section', { class: 'batches card', hidden: true, 'data-testid': 'batches' });
  const periodDone = (message) => { flash(status, message); reload(true); };
  const dayMap = boardMap(api, date, routesEl, unassignedEl);
  root.append(
    h('div', { class: 'toolbar' },
      h('label', { class: 'inline' }, t('board.date'), picker),
      planBtn,
      h('button', { type: 'button', 'data-testid': 'add-request', onclick: () => { clear(panel).append(requestForm(ctx, date, reload)); } }, t('board.add_request')),
      h('button', { type: 'button', 'data-testid': 'generate', onclick: () => { clear(panel).append(generateForm(ctx, date, status, reload)); } }, t('board.generate')),
      h('button', { type: 'button', 'data-testid': 'print-sheets', onclick: () => printSheets() }, t('board.print_sheets')),
      h('button', { type: 'button', class: 'danger', 'data-testid': 'cancel-period', onclick: async () => { clear(panel).append(await periodForm(ctx, date, periodDone)); } }, t('period.button')),
      h('button', { type: 'button', onclick: reload }, t('common.refresh')),
      liveEl),
    status, box, panel,
    h('div', { class: 'board' }, h('div', { class: 'board-main' }, routesEl, unassignedEl), h('div', {}, dayMap.element, batchesEl, requestsEl)));

  const planKey = `lifeline.plan.${date}`;
  let requests = [];
  let vehicles = [];
  let patients = new Map();
  let overdue = new Set();

  planBtn.addEventListener('click', async () => {
    planBtn.disabled = true;
    flash(status, t('board.planning'));
    try {
      const plan = await api.post(`/api/v1/days/${date}/plan`, {}, { key: uuid() });
      sessionStorage.setItem(planKey, JSON.stringify(plan.unassigned || []));
      const s = plan.stats || {};
      flash(status, t('board.planned', { assigned: s.assigned ?? '?', unassigned: s.unassigned ?? (plan.unassigned || []).length, routes: (plan.routes || []).length }));
      await reload(true);
    } catch (err) {
      status.hidden = true;
      showError(err, box);
    } finally { planBtn.disabled = false; }
  });

  // The run sheets need the token, so a link cannot open them: the page is fetched and
  // shown in a tab opened at the click (a tab opened after the wait would be blocked as
  // a pop-up). The server allows the sheets' one stylesheet in this origin's policy.
  async function printSheets(routeId) {
    const tab = window.open('', '_blank');
    try {
      const query = { format: 'html' };
      if (routeId) query.route_id = routeId;
      const res = await api.call('GET', `/api/v1/days/${date}/runsheets`, { query, raw: true, text: true });
      const url = URL.createObjectURL(await res.blob());
      if (tab) tab.location.href = url;
      else {
        // Pop-ups blocked: the page is saved instead, and the board stays as it is.
        const a = h('a', { href: url, download: `lifeline-runsheets-${date}.html` });
        document.body.append(a);
        a.click();
        a.remove();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (err) {
      if (tab) tab.close();
      showError(err, box);
    }
  }

  async function reload(keepStatus) {
    const scroll = window.scrollY;
    if (keepStatus !== true) status.hidden = true;
    showError(null, box);
    await Promise.all([loadVehicles(), loadRequests(), batchesSection(ctx, date, batchesEl, periodDone)]);
    await loadRoutes();
    renderUnassigned();
    dayMap.refresh();
    window.scrollTo(0, scroll);
  }

  // Loads run concurrently (a reload and the live stream's re-fetch): each fetches into its
  // own list and replaces the section whole once it has everything, so two never add up;
  // and only the load asked for last is shown, so an earlier one answering late (a reload
  // begun before a plan) cannot put back what the later one replaced.
  const newVehicles = latestLoad();
  const newRequests = latestLoad();
  const newRoutes = latestLoad();

  async function loadVehicles() {
    const latest = newVehicles();
    let got;
    try { got = (await api.get('/api/v1/vehicles', { query: { active: 'true', limit: 500 } })).items; } catch { got = []; }
    if (latest()) vehicles = got;
  }

  async function loadRequests() {
    const latest = newRequests();
    try {
      const got = [];
      let cursor;
      do {
        const page = await api.get('/api/v1/requests', { query: { date, limit: 500, cursor } });
        got.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      await loadPatients(got.map((r) => r.patient_id));
      if (!latest()) return;
      requests = got;
      clear(requestsEl).append(h('h3', {}, t('board.requests')), requestsTable());
    } catch (err) {
      if (!latest()) return;
      requests = [];
      clear(requestsEl).append(h('h3', {}, t('board.requests')), unavailable(err, 'board.requests_unavailable'));
    }
  }

  async function loadPatients(ids) {
    const missing = [...new Set(ids)].filter((id) => !patients.has(id));
    if (!missing.length) return;
    try {
      let cursor;
      do {
        const page = await api.get('/api/v1/patients', { query: { limit: 500, cursor } });
        for (const p of page.items) patients.set(p.id, p);
        cursor = page.next_cursor;
      } while (cursor && missing.some((id) => !patients.has(id)));
    } catch { /* names stay numbers */ }
  }

  const patientName = (id) => (patients.get(id) ? patients.get(id).name : `#${id}`);
  const requestById = (id) => requests.find((r) => r.id === id);

  function requestTime(r) {
    if (r.arrive_by) return t('board.arrive_by', { time: fmtTime(r.arrive_by) });
    if (r.ready_at) return t('board.ready_at', { time: fmtTime(r.ready_at) });
    return t('board.will_call');
  }

  function requestsTable() {
    if (!requests.length) return h('p', { class: 'empty' }, t('board.no_requests'));
    return h('div', { class: 'table-wrap' }, h('table', { class: 'list compact' },
      h('thead', {}, h('tr', {}, ['#', t('field.patient'), t('field.direction'), t('field.time'), t('field.status'), ''].map((c) => h('th', {}, c)))),
      h('tbody', {}, requests.map((r) => h('tr', { class: `status-${r.status}`, 'data-request': r.id },
        h('td', {}, String(r.id)),
        h('td', {}, patientName(r.patient_id), r.wheelchair ? ` ♿` : ''),
        h('td', {}, tv('direction', r.direction)),
        h('td', {}, requestTime(r)),
        h('td', {}, h('span', { class: `badge ${r.status}` }, tv('status', r.status)), r.cancel_reason ? ` (${tv('cancel', r.cancel_reason)})` : '',
          r.pinned ? h('span', { class: 'badge pinned', 'data-testid': `pinned-${r.id}`, title: t('board.pinned_hint') }, `📌 ${t('board.pinned')}`) : '',
          h('span', { class: 'badge overdue', 'data-testid': `overdue-${r.id}`, hidden: !overdue.has(r.id) }, `⏰ ${t('board.overdue')}`)),
        h('td', { class: 'actions' }, requestActions(r)))))));
  }

  function requestActions(r) {
    const out = [];
    const open = ['pending', 'scheduled', 'unserved'].includes(r.status);
    if (open && !r.arrive_by && !r.ready_at) {
      out.push(h('button', { type: 'button', class: 'small', 'data-testid': `ready-${r.id}`, onclick: () => { clear(panel).append(readyForm(r)); panel.scrollIntoView(); } }, t('board.ready')));
    }
    if (r.status === 'cancelled') {
      out.push(h('button', { type: 'button', class: 'small', 'data-testid': `restore-${r.id}`, onclick: () => restore(r) }, t('board.restore')));
    }
    if (open && r.pinned) {
      out.push(h('button', { type: 'button', class: 'small', 'data-testid': `unpin-${r.id}`, onclick: () => unpin(r) }, t('board.unpin')));
    }
    if (open) {
      out.push(h('button', { type: 'button', class: 'small', 'data-testid': `assign-${r.id}`, onclick: () => { clear(panel).append(assignForm(r)); panel.scrollIntoView(); } }, t('board.assign')));
      out.push(h('button', { type: 'button', class: 'small danger', 'data-testid': `cancel-${r.id}`, onclick: () => { clear(panel).append(cancelForm(r)); panel.scrollIntoView(); } }, t('board.cancel')));
    }
    return out;
  }

  async function unpin(r) {
    try {
      await api.post(`/api/v1/requests/${r.id}/unpin`, {}, { key: uuid() });
      flash(status, t('board.unpinned', { id: r.id }));
      reload(true);
    } catch (err) { showError(err, box); }
  }

  function assignForm(r) {
    const err = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'assign-error' });
    const sel = h('select', { name: 'vehicle_id', 'data-field': 'vehicle_id', 'data-testid': 'assign-vehicle' },
      h('option', { value: '' }, t('board.best_vehicle')),
      vehicles.map((v) => h('option', { value: String(v.id) }, `${v.plate} (${t('board.seats', { n: v.seats, w: v.wheelchair_spaces })})`)));
    const form = h('form', { class: 'card', 'data-testid': 'assign-form' },
      h('h3', {}, t('board.assign_title', { id: r.id, name: patientName(r.patient_id) })),
      h('label', {}, t('field.vehicle'), sel), err,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'assign-send' }, t('board.assign')), h('button', { type: 'button', onclick: () => form.remove() }, t('common.close'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const body = sel.value ? { vehicle_id: Number(sel.value) } : {};
        await api.post(`/api/v1/requests/${r.id}/assign`, body, { key: uuid() });
        form.remove();
        flash(status, t('board.assigned', { id: r.id }));
        reload(true);
      } catch (e2) { showError(e2, err, form); }
    });
    return form;
  }

  // The clinic says when the patient is ready: a time of the board's day (now, on today's
  // board). The server refuses a ready time that is not on the request's day.
  function readyForm(r) {
    const err = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'ready-error' });
    const time = h('input', { name: 'at', type: 'time', required: true, 'data-field': 'at', 'data-testid': 'ready-time',
      value: date === todayInZone() ? fmtTime(new Date().toISOString()) : '' });
    const form = h('form', { class: 'card', 'data-testid': 'ready-form' },
      h('h3', {}, t('board.ready_title', { id: r.id, name: patientName(r.patient_id) })),
      h('label', {}, t('field.time'), time), err,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'ready-send' }, t('board.ready')), h('button', { type: 'button', onclick: () => form.remove() }, t('common.close'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api.post(`/api/v1/requests/${r.id}/ready`, { at: zonedToInstant(date, time.value) }, { key: uuid() });
        form.remove();
        flash(status, t('board.ready_done', { id: r.id }));
        reload(true);
      } catch (e2) { showError(e2, err, form); }
    });
    return form;
  }

  // Restores a cancellation of today (the server says why not otherwise).
  async function restore(r) {
    try {
      const answer = await api.post(`/api/v1/requests/${r.id}/restore`, {}, { key: uuid() });
      flash(status, t('board.restored', { ids: answer.restored.map((x) => `#${x.id}`).join('、') }));
      reload(true);
    } catch (e2) { showError(e2, box); }
  }

  // The other leg of the request's session, if it is still open: cancelled too by default.
  function linkedChoice(r) {
    const other = r.linked_request_id && requestById(r.linked_request_id);
    if (!other || !['pending', 'scheduled', 'unserved'].includes(other.status)) return null;
    const key = other.direction === 'home' ? 'board.also_cancel_home' : 'board.also_cancel_there';
    return h('label', { class: 'inline' },
      h('input', { type: 'checkbox', name: 'also_linked', checked: true, 'data-field': 'also_linked', 'data-testid': 'cancel-linked' }),
      t(key, { id: other.id, time: requestTime(other) }));
  }

  function cancelForm(r) {
    const err = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'cancel-error' });
    const linked = linkedChoice(r);
    const sel = h('select', { name: 'reason', 'data-field': 'reason', 'data-testid': 'cancel-reason' }, CANCEL_REASONS.map((c) => h('option', { value: c }, tv('cancel', c))));
    const note = h('input', { name: 'note', 'data-field': 'note', 'data-testid': 'cancel-note', 'data-i18n-placeholder': 'board.cancel_note', placeholder: t('board.cancel_note') });
    const form = h('form', { class: 'card', 'data-testid': 'cancel-form' },
      h('h3', {}, t('board.cancel_title', { id: r.id, name: patientName(r.patient_id) })),
      h('label', {}, t('field.reason'), sel), h('label', {}, t('field.note'), note), linked, err,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'danger', 'data-testid': 'cancel-send' }, t('board.cancel')), h('button', { type: 'button', onclick: () => form.remove() }, t('common.close'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { reason: sel.value, also_linked: !!(linked && linked.querySelector('input').checked) };
      if (note.value) body.note = note.value;
      try {
        const answer = await api.post(`/api/v1/requests/${r.id}/cancel`, body, { key: uuid() });
        form.remove();
        const ids = [answer, ...(answer.also_cancelled || [])].map((x) => `#${x.id}`).join('、');
        flash(status, t('board.cancelled', { ids }));
        reload(true);
      } catch (e2) { showError(e2, err, form); }
    });
    return form;
  }

  async function loadRoutes() {
    const latest = newRoutes();
    let routes;
    try {
      const answer = await api.get(`/api/v1/days/${date}/routes`);
      if (!latest()) return;
      clear(routesEl).append(h('h3', {}, t('board.routes')));
      routes = Array.isArray(answer) ? answer : (answer.routes || answer.items || []);
      overdue = new Set(answer.overdue || []);
      for (const id of overdue) {
        const mark = requestsEl.querySelector(`[data-testid="overdue-${id}"]`);
        if (mark) mark.hidden = false;
      }
    } catch (err) {
      if (latest()) clear(routesEl).append(h('h3', {}, t('board.routes')), unavailable(err, 'board.routes_unavailable'));
      return;
    }
    if (!routes.length) { routesEl.append(h('p', { class: 'empty' }, t('board.no_routes'))); return; }
    for (const route of routes) routesEl.append(routeTimeline(route));
  }

  function routeTimeline(route) {
    const v = vehicles.find((x) => x.id === route.vehicle_id);
    const aboard = new Set();
    const stops = (route.stops || []).map((s) => {
      if (s.kind === 'pickup') aboard.add(s.request_id); else aboard.delete(s.request_id);
      const r = requestById(s.request_id);
      const who = [...aboard].map((id) => (requestById(id) ? patientName(requestById(id).patient_id) : `#${id}`));
      return h('li', { class: `stop ${s.kind}${s.overdue ? ' overdue' : ''}`, 'data-testid': `stop-${s.request_id}-${s.kind}` },
        h('span', { class: 'eta' }, fmtTime(s.eta)),
        h('span', { class: `kind ${s.kind}` }, tv('stop', s.kind)),
        h('span', { class: 'who' }, r ? patientName(r.patient_id) : `#${s.request_id}`,
          r && r.pinned && s.kind === 'pickup' ? h('span', { class: 'pin', title: t('board.pinned_hint') }, ` 📌 ${t('board.pinned')}`) : '',
          s.overdue ? h('span', { class: 'late' }, ` ⏰ ${t('board.overdue')}`) : ''),
        h('span', { class: 'aboard' }, who.length ? t('board.aboard', { names: who.join('、') }) : t('board.empty_car')));
    });
    return h('div', { class: 'route card', 'data-testid': `route-${route.id}` },
      h('div', { class: 'route-head' },
        h('strong', {}, route.plate || (v ? v.plate : `#${route.vehicle_id}`)),
        h('span', { class: 'route-driver' }, t('board.route_info', { driver: route.driver_name || `#${route.driver_id}`, km: fmtNumber(route.planned_km, 1), from: fmtTime(route.starts_at), to: fmtTime(route.ends_at) })),
        h('span', { class: `badge ${route.status}` }, tv('route_status', route.status)),
        h('button', { type: 'button', class: 'small', 'data-testid': `print-route-${route.id}`, onclick: () => printSheets(route.id) }, t('board.print_route'))),
      routeProgress(route),
      h('ol', { class: 'timeline' }, stops));
  }

  // Stops done of all, the next stop, and how late against the plan (the server's view).
  function routeProgress(route) {
    const p = route.progress;
    if (!p) return '';
    const parts = [h('span', { 'data-testid': 'progress-done' }, t('board.progress', { done: p.done, total: p.total }))];
    if (p.next) {
      const r = requestById(p.next.request_id);
      parts.push(h('span', { 'data-testid': 'progress-next' }, t('board.next_stop', {
        kind: tv('stop', p.next.kind), who: r ? patientName(r.patient_id) : `#${p.next.request_id}`, time: fmtTime(p.next.eta),
      })));
    }
    if (route.status !== 'finished') {
      parts.push(p.late_min > 0
        ? h('span', { class: 'badge late', 'data-testid': 'progress-late' }, t('board.late', { n: p.late_min }))
        : h('span', { class: 'badge on-time', 'data-testid': 'progress-late' }, t('board.on_time')));
    }
    return h('div', { class: 'route-progress', 'data-testid': `progress-${route.id}` }, parts);
  }

  function renderUnassigned() {
    clear(unassignedEl).append(h('h3', {}, t('board.unassigned')));
    let reasons = [];
    try { reasons = JSON.parse(sessionStorage.getItem(planKey) || '[]'); } catch { reasons = []; }
    const byId = new Map(reasons.map((u) => [u.request_id, u]));
    const open = requests.filter((r) => ['pending', 'unserved'].includes(r.status));
    if (!open.length) { unassignedEl.append(h('p', { class: 'empty' }, t('board.none_unassigned'))); return; }
    unassignedEl.append(h('ul', {}, open.map((r) => {
      const u = byId.get(r.id);
      const reason = (r.unserved_reason && messageText(r.unserved_code, r.unserved_params, r.unserved_reason)) ||
        (u && messageText(u.reason_code || `unserved.${u.code}`, u.reason_params || {}, u.reason || u.code)) || (!r.arrive_by && !r.ready_at ? t('board.will_call') : t('board.not_planned'));
      return h('li', { 'data-unassigned': r.id },
        h('strong', {}, `#${r.id} ${patientName(r.patient_id)}`), ' · ', requestTime(r), ' — ', h('span', { class: 'reason' }, reason), ' ',
        overdue.has(r.id) ? h('span', { class: 'badge overdue' }, `⏰ ${t('board.overdue')} `) : '',
        r.pinned ? h('span', { class: 'badge pinned' }, `📌 ${t('board.pinned')} `) : '',
        h('button', { type: 'button', class: 'small', onclick: () => { clear(panel).append(assignForm(r)); panel.scrollIntoView(); } }, t('board.assign')));
    })));
  }

  // A change re-fetches only what it touches, once per burst of changes.
  const due = { routes: false, requests: false };
  let refetch = null;
  function changed(data) {
    if (data.service_date && data.service_date !== date) return;
    if (data.type === 'position') { dayMap.refresh(); return; }  // the map and live lateness only
    if (data.type === 'reset' || data.type === 'day.planned' || data.type === 'requests.generated'
        || data.type === 'request.changed' || data.type === 'trip.finished') {
      due.requests = true;
    }
    due.routes = true;
    clearTimeout(refetch);
    refetch = setTimeout(async () => {
      const what = { ...due };
      due.routes = false; due.requests = false;
      if (what.requests) await Promise.all([loadVehicles(), loadRequests()]);
      await loadRoutes();
      if (what.requests) renderUnassigned();
      dayMap.refresh();
    }, 150);
  }

  stopLive();
  live = follow(api, liveEl, changed);
  await reload();
}

function unavailable(err, key) {
  return h('p', { class: 'notice unavailable' }, err.unavailable ? t(key) : err.message);
}

// Expands the patients' schedules into the requests of a range of days (at most 366); the
// answer says how many were made.
function generateForm(ctx, date, status, done) {
  const { api } = ctx;
  const err = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'generate-error' });
  const end = new Date(`${date}T12:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 7);
  const from = h('input', { name: 'from', type: 'date', required: true, value: date, 'data-field': 'from', 'data-testid': 'generate-from' });
  const to = h('input', { name: 'to', type: 'date', required: true, value: end.toISOString().slice(0, 10), 'data-field': 'to', 'data-testid': 'generate-to' });
  const form = h('form', { class: 'card', 'data-testid': 'generate-form' },
    h('h3', {}, t('board.generate_title')),
    h('label', {}, t('field.from'), from), h('label', {}, t('field.to'), to), err,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'generate-send' }, t('board.generate')), h('button', { type: 'button', onclick: () => form.remove() }, t('common.close'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const g = await api.post('/api/v1/schedule/generate', { from: from.value, to: to.value }, { key: uuid() });
      form.remove();
      flash(status, t('board.generated', { created: g.created, updated: g.updated, removed: g.removed }));
      await done(true);
    } catch (e2) { showError(e2, err, form); }
  });
  return form;
}

// A new request: a patient found by name or phone, its direction and a time in the org's zone.
function requestForm(ctx, date, done) {
  const { api } = ctx;
  const err = h('div', { class: 'error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'card', 'data-testid': 'request-form' },
    h('h3', {}, t('board.add_request')),
    h('label', {}, t('field.patient_id'), picker({ api, kind: 'patient', name: 'patient_id', required: true, active: true, testid: 'request-patient' })),
    h('label', {}, t('field.direction'), h('select', { name: 'direction', 'data-field': 'direction' }, ['to_center', 'home', 'other'].map((d) => h('option', { value: d }, tv('direction', d))))),
    h('label', {}, t('field.time_kind'), h('select', { name: 'time_kind' },
      h('option', { value: 'arrive_by' }, t('field.arrive_by')), h('option', { value: 'ready_at' }, t('field.ready_at')), h('option', { value: 'will_call' }, t('board.will_call')))),
    h('label', {}, t('field.time'), h('input', { name: 'time', type: 'time', value: '08:00', 'data-field': 'arrive_by' })),
    h('label', {}, t('field.dropoff_place_id'), picker({ api, kind: 'place', name: 'dropoff_place', field: 'dropoff', active: true, testid: 'request-dropoff' })),
    h('label', {}, t('field.notes'), h('input', { name: 'notes', 'data-field': 'notes' })),
    err,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('common.save')), h('button', { type: 'button', onclick: () => form.remove() }, t('common.close'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const el = form.elements;
    const body = { patient_id: Number(el.patient_id.value), direction: el.direction.value, service_date: date };
    if (el.time_kind.value !== 'will_call') body[el.time_kind.value] = zonedToInstant(date, el.time.value);
    if (el.dropoff_place.value) body.dropoff = { place_id: Number(el.dropoff_place.value) };
    if (el.notes.value) body.notes = el.notes.value;
    el.time.dataset.field = el.time_kind.value;
    try { await api.post('/api/v1/requests', body, { key: uuid() }); form.remove(); done(); } catch (e2) { showError(e2, err, form); }
  });
  return form;
}
