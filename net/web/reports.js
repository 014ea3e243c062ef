// Reports: the month's totals, occupancy, charts and tables, the odometer checks, the
// volunteers' mileage statements with their approval, CSV and printable downloads, and
// the year's progress toward the goals (also on the board). The shapes are those of
// GET /api/v1/reports/monthly, /totals and /statements (docs/reports.md).
import { t, tv, h, showError, fmtNumber, fmtDateTime, todayInZone, uuid, lang, timeZone } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// A bar chart of `rows` (label, value) as inline SVG (no inline style: the CSP forbids it).
function barChart(rows, title) {
  const w = 640; const hgt = 180; const pad = 24;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const bw = (w - pad) / Math.max(1, rows.length);
  const svg = s('svg', { viewBox: `0 0 ${w} ${hgt + 30}`, class: 'chart', role: 'img', 'aria-label': title });
  rows.forEach((r, i) => {
    const bh = (r.value / max) * hgt;
    svg.append(s('rect', { x: pad + i * bw + 1, y: hgt - bh, width: Math.max(1, bw - 2), height: bh, class: 'bar' }, s('title', {}, `${r.label}: ${fmtNumber(r.value, 1)}`)));
    if (rows.length <= 31) svg.append(s('text', { x: pad + i * bw + bw / 2, y: hgt + 14, 'text-anchor': 'middle', class: 'tick' }, r.short || r.label));
  });
  svg.append(s('text', { x: 0, y: 12, class: 'tick' }, fmtNumber(max, 0)));
  return h('figure', {}, h('figcaption', {}, title), svg);
}

// The share is shown as it is (101.8 % when the goal is passed); only the bar stops at full.
function progressBar(label, value, goal, testid) {
  const pct = goal > 0 ? (100 * value) / goal : 0;
  const bar = h('div', { class: 'bar-fill' });
  bar.style.width = `${Math.min(100, pct)}%`;  // CSSOM, which the CSP allows (no style attribute)
  return h('div', { class: 'progress', 'data-testid': testid },
    h('div', { class: 'progress-label' }, t('reports.progress_line', { label, value: fmtNumber(value, 0), goal: fmtNumber(goal, 0), pct: fmtNumber(pct, 1) })),
    h('div', { class: 'bar-track' }, bar));
}

// The year's progress toward the goals, from GET /api/v1/reports/totals.
// One compact line: the title, the period, rides and km against their goals, the projection.
export function goalProgress(ctx) {
  const box = h('section', { class: 'goal goal-line', 'data-testid': 'goal' }, h('strong', {}, t('reports.goal_title')));
  const g = ctx.settings && ctx.settings.goals;
  const from = g && g.from ? g.from.slice(0, 7) : `${todayInZone().slice(0, 4)}-01`;
  const to = g && g.to ? g.to.slice(0, 7) : `${todayInZone().slice(0, 4)}-12`;
  ctx.api.get('/api/v1/reports/totals', { query: { from, to } }).then(({ goals }) => {
    box.append(h('span', { class: 'hint' }, t('reports.goal_period', { from, to })));
    box.append(progressBar(t('reports.rides'), goals.rides_to_date, goals.rides, 'goal-rides'));
    box.append(progressBar(t('reports.km'), goals.km_to_date, goals.km, 'goal-km'));
    if (goals.projected_rides !== null && goals.projected_km !== null) {
      box.append(h('span', { class: 'hint' }, t('reports.projection', { rides: fmtNumber(goals.projected_rides, 0), km: fmtNumber(goals.projected_km, 0) })));
    }
  }).catch((err) => {
    box.append(h('p', { class: 'notice unavailable' }, err.unavailable ? t('reports.unavailable') : err.message));
  });
  return box;
}

async function download(api, path, query, filename) {
  const res = await api.call('GET', path, { query, raw: true });
  saveBlob(await res.blob(), filename);
}

function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// A shown table as CSV, as it reads on the page (headings, then rows; a cell's buttons and
// messages left out), with a byte-order mark so that spreadsheets read the Chinese right.
function tableCsv(tableEl) {
  const cell = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('button, .error, .notice').forEach((x) => x.remove());
    const text = copy.textContent.trim().replace(/\s+/g, ' ');
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [...tableEl.querySelectorAll('tr')].map((tr) => [...tr.children].map(cell).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

// Puts a "CSV" button above every table of `root`.
function addTableDownloads(root, month) {
  for (const tableEl of root.querySelectorAll('table')) {
    const name = tableEl.dataset.testid || 'table';
    const button = h('button', { type: 'button', class: 'small', 'data-testid': `csv-${name}` }, t('reports.table_csv'));
    button.addEventListener('click', () => saveBlob(new Blob([tableCsv(tableEl)], { type: 'text/csv' }), `lifeline-${month}-${name}.csv`));
    // Before a folded list, so that it downloads without unfolding.
    const wrap = tableEl.closest('details') || tableEl.closest('.table-wrap') || tableEl;
    wrap.before(h('div', { class: 'table-tools' }, button));
  }
}

// ---- formatting ----------------------------------------------------------------------

function locale() { return lang === 'zh-CN' ? 'zh-CN' : 'en-GB'; }

function fmtDate(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

function fmtMoney(amount, currency) {
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(amount);
  } catch {
    return `${fmtNumber(amount, 2)} ${currency || ''}`.trim();
  }
}

const int = (v) => fmtNumber(v, 0);
const km = (v) => fmtNumber(v, 1);
const hours = (v) => fmtNumber(v, 1);

// A table of `rows` with the given columns: {key, label, value(row) → text or node, num}.
function table(rows, columns, testid, rowAttrs) {
  if (!rows.length) return h('p', { class: 'empty' }, t('common.none'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list compact', 'data-testid': testid },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, t(c.label))))),
    h('tbody', {}, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : {}, columns.map((c) =>
      h('td', { class: c.num ? 'num' : '', 'data-col': c.key }, c.value(r))))))));
}

// ---- the month's report --------------------------------------------------------------

function totalsCards(totals) {
  const cards = [
    ['rides', int(totals.rides)],
    ['trips', int(totals.trips)],
    ['km', km(totals.km)],
    ['volunteer_hours', hours(totals.volunteer_hours)],
    ['patients_served', int(totals.patients_served)],
    ['drivers_active', int(totals.drivers_active)],
    ['vehicles_active', int(totals.vehicles_active)],
    ['no_shows', int(totals.no_shows)],
    ['rides_cancelled', int(totals.rides_cancelled)],
    ['cancellations', int(totals.cancellations.total)],
    ['open_trips', int(totals.open_trips)],
  ];
  const reasons = Object.entries(totals.cancellations.by_reason).filter(([, n]) => n > 0)
    .map(([reason, n]) => `${tv('cancel', reason)} ${int(n)}`).join(' · ');
  return h('div', { class: 'cards', 'data-testid': 'totals' }, cards.map(([key, text]) =>
    h('div', { class: 'stat', 'data-testid': `total-${key}` },
      h('div', { class: 'stat-value' }, text),
      h('div', { class: 'stat-label' }, t(`col.${key}`)),
      key === 'cancellations' && reasons ? h('div', { class: 'stat-note' }, reasons) : null)));
}

// Km with a patient aboard against km without, and how much of it is estimated.
function occupancySection(occ) {
  const total = occ.occupied_km + occ.empty_km;
  const pct = total > 0 ? (100 * occ.occupied_km) / total : 0;
  const bar = h('div', { class: 'bar-fill' });
  bar.style.width = `${pct}%`;
  const trips = occ.measured_trips + occ.estimated_trips;
  return h('section', { class: 'occupancy', 'data-testid': 'occupancy' },
    h('h3', {}, t('reports.occupancy')),
    h('p', { 'data-testid': 'occupancy-line' }, t('reports.occupancy_line', {
      occupied: km(occ.occupied_km), empty: km(occ.empty_km), pct: fmtNumber(pct, 0),
    })),
    h('div', { class: 'bar-track occupancy-bar' }, bar),
    occ.estimated
      ? h('p', { class: 'notice', 'data-testid': 'occupancy-estimated' }, t('reports.occupancy_estimated', {
        n: int(occ.estimated_trips), km: km(occ.estimated_occupied_km), measured: km(occ.measured_occupied_km),
      }))
      : h('p', { class: 'hint', 'data-testid': 'occupancy-measured' }, t('reports.occupancy_measured', { n: int(trips) })));
}

// The odometer check: gaps between a trip's start reading and the vehicle's trip before.
function odometerSection(gaps) {
  const section = h('section', { class: 'odometer', 'data-testid': 'odometer' }, h('h3', {}, t('reports.anomalies')));
  if (!gaps.length) {
    section.append(h('p', { class: 'hint', 'data-testid': 'odometer-summary' }, t('reports.odometer_ok')));
    return section;
  }
  const backwards = gaps.filter((a) => a.issue === 'backwards');
  const unlogged = gaps.filter((a) => a.issue === 'unlogged');
  const sum = (list) => list.reduce((acc, a) => acc + Math.abs(a.gap_km), 0);
  section.append(h('p', { class: backwards.length ? 'notice' : '', 'data-testid': 'odometer-summary' },
    t('reports.odometer_summary', {
      n: int(gaps.length),
      backwards: int(backwards.length), backwards_km: km(sum(backwards)),
      unlogged: int(unlogged.length), unlogged_km: km(sum(unlogged)),
    })));

  const perVehicle = new Map();
  for (const a of gaps) {
    const v = perVehicle.get(a.vehicle_id) || { plate: a.plate, backwards: 0, unlogged: 0, km: 0 };
    v[a.issue === 'backwards' ? 'backwards' : 'unlogged'] += 1;
    v.km += Math.abs(a.gap_km);
    perVehicle.set(a.vehicle_id, v);
  }
  const vehicles = [...perVehicle.values()].sort((a, b) => b.backwards - a.backwards || (b.backwards + b.unlogged) - (a.backwards + a.unlogged));
  section.append(h('p', { class: 'hint', 'data-testid': 'odometer-vehicles' }, t('reports.odometer_per_vehicle'), ' ',
    vehicles.map((v) => t(v.backwards ? 'reports.odometer_vehicle_backwards' : 'reports.odometer_vehicle', {
      plate: v.plate, n: int(v.backwards + v.unlogged), backwards: int(v.backwards), km: km(v.km),
    })).join(' · ')));

  // Backwards readings first (a typing error to correct), then by start.
  const rows = [...backwards, ...unlogged];
  const details = h('details', { class: 'odometer-list', 'data-testid': 'odometer-details', open: rows.length <= 20 },
    h('summary', {}, t('reports.odometer_show', { n: int(rows.length) })),
    table(rows, [
      { key: 'plate', label: 'col.plate', value: (a) => a.plate },
      { key: 'issue', label: 'col.issue', value: (a) => tv('odometer', a.issue) },
      { key: 'previous_trip', label: 'col.previous_trip', value: (a) => `#${a.previous_trip_id} · ${fmtDateTime(a.previous_started_at)}` },
      { key: 'previous_reading', label: 'col.previous_reading', num: true, value: (a) => km(a.previous_reading) },
      { key: 'trip', label: 'col.trip', value: (a) => `#${a.trip_id}` },
      { key: 'started_at', label: 'col.started_at', value: (a) => fmtDateTime(a.started_at) },
      { key: 'odometer_start', label: 'col.odometer_start', num: true, value: (a) => km(a.odometer_start) },
      { key: 'gap_km', label: 'col.gap_km', num: true, value: (a) => km(a.gap_km) },
    ], 'odometer-table', (a) => ({ class: a.issue === 'backwards' ? 'backwards' : '', 'data-trip': a.trip_id })));
  section.append(details);
  return section;
}

// ---- mileage statements --------------------------------------------------------------

function approvalCell(ctx, st, month, onApproved, refusal) {
  const cell = h('td', { class: 'approval', 'data-testid': `approval-${st.driver_id}` });
  if (st.approval) {
    const a = st.approval;
    cell.append(h('span', { class: 'approved', 'data-testid': `approved-${st.driver_id}` },
      t('reports.approved_by', { name: a.approved_by_name, date: fmtDate(a.approved_at) })));
    if (st.changed_since_approval) {
      cell.append(h('div', { class: 'notice changed', 'data-testid': `changed-${st.driver_id}` },
        t('reports.changed_since_approval', { km: km(a.km), amount: fmtMoney(a.amount, st.currency) })));
    }
    if (refusal) cell.append(refusal);
    return cell;
  }
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': `approve-error-${st.driver_id}` });
  const button = h('button', { type: 'button', class: 'small primary', 'data-testid': `approve-${st.driver_id}` }, t('reports.approve'));
  button.addEventListener('click', async () => {
    const key = uuid();  // one key for this click, so a lost answer is not approved twice
    button.disabled = true;
    showError(null, box);
    try {
      const answer = await ctx.api.post('/api/v1/reports/statements/approve', { driver_id: st.driver_id, month }, { key });
      onApproved(answer);
    } catch (err) {
      button.disabled = false;
      showError(err, box);
      if (err.status !== 409) return;
      // Approved meanwhile (another dispatcher or tab): show by whom, keeping the reason.
      try {
        const fresh = await ctx.api.get('/api/v1/reports/statements', { query: { month, driver_id: st.driver_id } });
        onApproved(fresh.statements[0], box);
      } catch { /* the refusal stays shown with the button */ }
    }
  });
  cell.append(button, box);
  return cell;
}

function statementRow(ctx, st, month, refusal) {
  const row = h('tr', { 'data-testid': `statement-${st.driver_id}`, class: st.approval ? 'is-approved' : '' },
    h('td', { 'data-col': 'name' }, st.driver_name),
    h('td', { 'data-col': 'group' }, st.group),
    h('td', { class: 'num', 'data-col': 'trips' }, int(st.trips.length)),
    h('td', { class: 'num', 'data-col': 'km' }, km(st.km)),
    h('td', { class: 'num', 'data-col': 'amount' }, fmtMoney(st.amount, st.currency)));
  row.append(approvalCell(ctx, st, month, (answer, box) => row.replaceWith(statementRow(ctx, answer, month, box)), refusal));
  return row;
}

async function statementsSection(ctx, month, onError) {
  const section = h('section', { class: 'statements', 'data-testid': 'statements' }, h('h3', {}, t('reports.statements')));
  const dl = async () => {
    // Printed in the language the user reads the page in.
    try { await download(ctx.api, '/api/v1/reports/statements', { month, format: 'html', lang }, `lifeline-statements-${month}.html`); } catch (err) { onError(err); }
  };
  section.append(h('div', { class: 'toolbar' },
    h('button', { type: 'button', onclick: dl, 'data-testid': 'dl-statements' }, t('reports.statements_html'))));
  let report;
  try {
    report = await ctx.api.get('/api/v1/reports/statements', { query: { month } });
  } catch (err) {
    section.append(h('p', { class: 'notice unavailable', 'data-testid': 'statements-unavailable' }, err.unavailable ? t('reports.unavailable') : err.message));
    return section;
  }
  const list = report.statements;
  if (!list.length) {
    section.append(h('p', { class: 'empty' }, t('reports.no_statements')));
    return section;
  }
  const first = list[0];
  section.append(h('p', { class: 'hint' }, t('reports.statements_hint', { rate: fmtMoney(first.per_km_rate, first.currency) })));
  const cols = ['col.name', 'col.group', 'col.trips', 'col.km', 'col.amount', 'col.approval'];
  section.append(h('div', { class: 'table-wrap' }, h('table', { class: 'list compact', 'data-testid': 'statements-table' },
    h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { class: i >= 2 && i <= 4 ? 'num' : '' }, t(c))))),
    h('tbody', {}, list.map((st) => statementRow(ctx, st, month))))));
  return section;
}

// ---- the page ------------------------------------------------------------------------

export async function reportsView(ctx, root) {
  const { api } = ctx;
  const month = ctx.route().params.get('month') || todayInZone().slice(0, 7);
  const picker = h('input', { type: 'month', value: month, 'data-testid': 'month' });
  picker.addEventListener('change', () => { ctx.setParams('reports', { month: picker.value }); ctx.rerender(); });
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const body = h('div', { class: 'report', 'data-testid': 'report' });
  const dl = (format, ext) => async () => {
    const query = format === 'html' ? { month, format, lang } : { month, format };  // printed in the page's language
    try { await download(api, '/api/v1/reports/monthly', query, `lifeline-${month}.${ext}`); } catch (err) { showError(err, box); }
  };
  root.append(h('h2', {}, t('nav.reports')),
    h('div', { class: 'toolbar' }, h('label', { class: 'inline' }, t('reports.month'), picker),
      h('button', { type: 'button', onclick: dl('csv', 'csv'), 'data-testid': 'dl-csv' }, t('reports.csv')),
      h('button', { type: 'button', onclick: dl('html', 'html'), 'data-testid': 'dl-html' }, t('reports.html'))),
    box, goalProgress(ctx), body);
  const statements = statementsSection(ctx, month, (err) => showError(err, box));
  let report;
  try {
    report = await api.get('/api/v1/reports/monthly', { query: { month } });
  } catch (err) {
    body.append(h('p', { class: 'notice unavailable', 'data-testid': 'report-unavailable' }, err.unavailable ? t('reports.unavailable') : err.message));
    body.append(await statements);
    addTableDownloads(body, month);
    return;
  }
  const { totals, occupancy, drivers, vehicles, days, odometer } = report;
  body.append(totalsCards(totals), occupancySection(occupancy));

  const charts = h('div', { class: 'charts' });
  if (days.length) {
    charts.append(
      barChart(days.map((d) => ({ label: d.date, short: d.date.slice(8), value: d.km })), t('reports.km_per_day')),
      barChart(days.map((d) => ({ label: d.date, short: d.date.slice(8), value: d.rides })), t('reports.rides_per_day')));
  }
  if (drivers.length) charts.append(barChart(drivers.map((d) => ({ label: d.name, short: '', value: d.km })), t('reports.km_per_driver')));
  if (charts.firstChild) body.append(charts);

  body.append(h('h3', {}, t('reports.per_driver')), table(drivers, [
    { key: 'name', label: 'col.name', value: (d) => d.name },
    { key: 'group', label: 'col.group', value: (d) => d.group },
    { key: 'trips', label: 'col.trips', num: true, value: (d) => int(d.trips) },
    { key: 'rides', label: 'col.rides', num: true, value: (d) => int(d.rides) },
    { key: 'km', label: 'col.km', num: true, value: (d) => km(d.km) },
    { key: 'hours', label: 'col.hours', num: true, value: (d) => hours(d.hours) },
  ], 'per-driver'));
  body.append(h('h3', {}, t('reports.per_vehicle')), table(vehicles, [
    { key: 'plate', label: 'col.plate', value: (v) => v.plate },
    { key: 'trips', label: 'col.trips', num: true, value: (v) => int(v.trips) },
    { key: 'km', label: 'col.km', num: true, value: (v) => km(v.km) },
    { key: 'first_odometer', label: 'col.first_odometer', num: true, value: (v) => km(v.first_odometer) },
    { key: 'last_odometer', label: 'col.last_odometer', num: true, value: (v) => km(v.last_odometer) },
  ], 'per-vehicle'));
  body.append(h('h3', {}, t('reports.per_day')), table(days, [
    { key: 'date', label: 'col.date', value: (d) => d.date },
    { key: 'trips', label: 'col.trips', num: true, value: (d) => int(d.trips) },
    { key: 'rides', label: 'col.rides', num: true, value: (d) => int(d.rides) },
    { key: 'km', label: 'col.km', num: true, value: (d) => km(d.km) },
  ], 'per-day'));
  body.append(odometerSection(odometer), await statements);
  addTableDownloads(body, month);
}
