// Shared by the cancelling scenarios (cancel_linked, cancel_period, suspension,
// holidays): a Monday ahead of the demo's "today" with its dialysis sessions generated.
import { check, equal } from './harness.mjs';

export const OPEN = ['pending', 'scheduled', 'unserved'];

// "YYYY-MM-DD" of an instant in `zone`.
export function dateIn(zone, ms) {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms))) p[type] = value;
  return `${p.year}-${p.month}-${p.day}`;
}

// The first Monday at least `ahead` days after the server's today, its sessions generated.
export async function sessionDay(api, server, ahead = 2) {
  const zone = (await api.get('/api/v1/settings')).json.time_zone;
  const today = dateIn(zone, server.now().getTime());
  let date;
  for (let k = ahead; k < ahead + 7 && !date; k++) {
    const d = new Date(`${today}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + k);
    if (d.getUTCDay() === 1) date = d.toISOString().slice(0, 10);
  }
  const generated = await api.post('/api/v1/schedule/generate', { from: date, to: date });
  equal(generated.status, 200, `generating ${date}`);
  return { date, zone, today };
}

export async function dayRequests(api, date) {
  const r = await api.get(`/api/v1/requests?date=${date}&limit=500`);
  equal(r.status, 200, 'GET /requests?date=');
  check(!r.json.next_cursor, 'the day fits one page');
  return r.json.items;
}

// Sessions of the day whose two legs are both open.
export function openSessions(requests) {
  const byId = new Map(requests.map((r) => [r.id, r]));
  return requests.filter((r) => r.direction === 'to_center' && OPEN.includes(r.status) && r.linked_request_id
    && byId.has(r.linked_request_id) && OPEN.includes(byId.get(r.linked_request_id).status))
    .map((r) => ({ there: r, back: byId.get(r.linked_request_id) }));
}
