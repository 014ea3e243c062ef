// Reports: the month's totals, charts and tables, CSV and printable downloads, and
// the year's progress toward the goals (also on the board).
import { t, h, clear, showError, fmtNumber, todayInZone } from './common.js';

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

function progressBar(label, value, goal, testid) {
  const pct = goal > 0 ? Math.min(100, (100 * value) / goal) : 0;
  const bar = h('div', { class: 'bar-fill' });
  bar.style.width = `${pct}%`;  // CSSOM, which the CSP allows (no style attribute)
  return h('div', { class: 'progress', 'data-testid': testid },
    h('div', { class: 'progress-label' }, t('reports.progress_line', { label, value: fmtNumber(value, 0), goal: fmtNumber(goal, 0), pct: fmtNumber(pct, 1) })),
    h('div', { class: 'bar-track' }, bar));
}

function pick(obj, ...keys) {
  for (const k of keys) if (obj && obj[k] !== undefined && obj[k] !== null) return obj[k];
  return undefined;
}

// The year's progress toward the goals, from GET /api/v1/reports/totals.
export function goalProgress(ctx) {
  const box = h('section', { class: 'goal card', 'data-testid': 'goal' }, h('h3', {}, t('reports.goal_title')));
  const g = ctx.settings && ctx.settings.goals;
  const from = g && g.from ? g.from.slice(0, 7) : `${todayInZone().slice(0, 4)}-01`;
  const to = g && g.to ? g.to.slice(0, 7) : `${todayInZone().slice(0, 4)}-12`;
  ctx.api.get('/api/v1/reports/totals', { query: { from, to } }).then((totals) => {
    const goals = totals.goals || g || {};
    const sum = totals.totals || {};
    box.append(h('p', { class: 'hint' }, t('reports.goal_period', { from, to })));
    box.append(progressBar(t('reports.rides'), goals.rides_to_date ?? sum.rides ?? 0, goals.rides || 0, 'goal-rides'));
    box.append(progressBar(t('reports.km'), goals.km_to_date ?? sum.km ?? 0, goals.km || 0, 'goal-km'));
    if (goals.projected_rides !== undefined) {
      box.append(h('p', { class: 'hint' }, t('reports.projection', { rides: fmtNumber(goals.projected_rides, 0), km: fmtNumber(goals.projected_km, 0) })));
    }
  }).catch((err) => {
    box.append(h('p', { class: 'notice unavailable' }, err.unavailable ? t('reports.unavailable') : err.message));
  });
  return box;
}

async function download(api, path, query, filename) {
  const res = await api.call('GET', path, { query, raw: true });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function table(rows, testid) {
  if (!Array.isArray(rows) || !rows.length) return h('p', { class: 'empty' }, t('common.none'));
  const cols = Object.keys(rows[0]).filter((k) => typeof rows[0][k] !== 'object' || rows[0][k] === null);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list compact', 'data-testid': testid },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, t(`col.${c}`))))),
    h('tbody', {}, rows.map((r) => h('tr', {}, cols.map((c) => h('td', { class: typeof r[c] === 'number' ? 'num' : '' }, typeof r[c] === 'number' ? fmtNumber(r[c], 1) : (r[c] ?? ''))))))));
}

export async function reportsView(ctx, root) {
  const { api } = ctx;
  const month = ctx.route().params.get('month') || todayInZone().slice(0, 7);
  const picker = h('input', { type: 'month', value: month, 'data-testid': 'month' });
  picker.addEventListener('change', () => { ctx.setParams('reports', { month: picker.value }); ctx.rerender(); });
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const body = h('div', { class: 'report', 'data-testid': 'report' });
  const dl = (format, ext) => async () => {
    try { await download(api, '/api/v1/reports/monthly', { month, format }, `lifeline-${month}.${ext}`); } catch (err) { showError(err, box); }
  };
  root.append(h('h2', {}, t('nav.reports')),
    h('div', { class: 'toolbar' }, h('label', { class: 'inline' }, t('reports.month'), picker),
      h('button', { type: 'button', onclick: dl('csv', 'csv'), 'data-testid': 'dl-csv' }, t('reports.csv')),
      h('button', { type: 'button', onclick: dl('html', 'html'), 'data-testid': 'dl-html' }, t('reports.html'))),
    box, goalProgress(ctx), body);
  let report;
  try {
    report = await api.get('/api/v1/reports/monthly', { query: { month } });
  } catch (err) {
    body.append(h('p', { class: 'notice unavailable', 'data-testid': 'report-unavailable' }, err.unavailable ? t('reports.unavailable') : err.message));
    return;
  }
  const totals = report.totals || {};
  body.append(h('div', { class: 'cards' }, Object.entries(totals).filter(([, v]) => typeof v === 'number').map(([k, v]) =>
    h('div', { class: 'stat' }, h('div', { class: 'stat-value' }, fmtNumber(v, 1)), h('div', { class: 'stat-label' }, t(`col.${k}`))))));
  const days = report.per_day || report.days || [];
  if (days.length) {
    const kmOf = (d) => pick(d, 'km') ?? 0;
    body.append(h('div', { class: 'charts' },
      barChart(days.map((d) => ({ label: d.date, short: String(d.date || '').slice(8), value: kmOf(d) })), t('reports.km_per_day')),
      barChart(days.map((d) => ({ label: d.date, short: String(d.date || '').slice(8), value: pick(d, 'rides') ?? 0 })), t('reports.rides_per_day'))));
  }
  const drivers = report.per_driver || report.drivers || [];
  if (drivers.length) body.querySelector('.charts')?.append(barChart(drivers.map((d) => ({ label: d.name || `#${d.driver_id}`, short: '', value: pick(d, 'km') ?? 0 })), t('reports.km_per_driver')));
  body.append(h('h3', {}, t('reports.per_driver')), table(drivers, 'per-driver'));
  body.append(h('h3', {}, t('reports.per_vehicle')), table(report.per_vehicle || report.vehicles || [], 'per-vehicle'));
  body.append(h('h3', {}, t('reports.per_day')), table(days, 'per-day'));
  const anomalies = report.odometer_anomalies || report.anomalies || (report.odometer && report.odometer.anomalies);
  if (anomalies) body.append(h('h3', {}, t('reports.anomalies')), table(anomalies, 'anomalies'));
}
