// The day board's per-request actions on a planned future day of the demo: *Add a
// request* (the local time in the organisation's zone becomes the right instant),
// *Ready now* for a will-call return (its ready time is on the board's day and it is
// inserted into a route or listed unassigned with the reason), *Cancel* with the reason
// "weather" (the request leaves its route and shows as cancelled). The cancel form offers
// only the documented reasons, so a cancel without a reason cannot be sent.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher } from './harness.mjs';

// "YYYY-MM-DD" of an instant in `zone`.
function dateIn(zone, ms) {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms))) p[type] = value;
  return `${p.year}-${p.month}-${p.day}`;
}

// A local date and "HH:MM" in `zone` as the UTC instant the API writes ("…Z").
function zonedInstant(zone, date, time) {
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wanted = Date.UTC(y, mo - 1, d, hh, mm);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const p = {};
    for (const { type, value } of new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    }).formatToParts(new Date(guess))) p[type] = value;
    guess += wanted - Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

const sameInstant = (a, b) => a !== null && b !== null && Date.parse(a) === Date.parse(b);

await run('day board: add a request, will-call ready, cancel with a reason', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const settings = await api.get('/api/v1/settings');
  equal(settings.status, 200, 'GET /settings');
  const zone = settings.json.time_zone;

  // A Monday at least two days ahead in the organisation's zone: the day has not started.
  const today = dateIn(zone, server.now().getTime());
  let date;
  for (let k = 2; k < 9 && !date; k++) {
    const d = new Date(`${today}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + k);
    if (d.getUTCDay() === 1) date = d.toISOString().slice(0, 10);
  }
  const generated = await api.post('/api/v1/schedule/generate', { from: date, to: date });
  equal(generated.status, 200, `generating ${date}`);

  const dayRequests = async () => {
    const r = await api.get(`/api/v1/requests?date=${date}&limit=500`);
    equal(r.status, 200, 'GET /requests?date=');
    check(!r.json.next_cursor, 'the day fits one page');
    return r.json.items;
  };
  const routeStops = async () => {
    const r = await api.get(`/api/v1/days/${date}/routes`);
    equal(r.status, 200, 'GET /days/{date}/routes');
    const routes = Array.isArray(r.json) ? r.json : (r.json.routes || r.json.items || []);
    return routes.flatMap((route) => route.stops.map((s) => ({ ...s, route_id: route.id })));
  };
  const before = await dayRequests();
  check(before.filter((r) => r.direction === 'to_center').length > 0, `${date} has dialysis sessions`);

  const patients = (await api.get('/api/v1/patients?limit=500')).json.items.filter((p) => p.active && p.center_id);
  const busy = new Set(before.map((r) => r.patient_id));
  // The will-call return: one of the day, or one made through the API for a patient of the day.
  let willCall = before.find((r) => r.direction === 'home' && !r.arrive_by && !r.ready_at && ['pending', 'unserved'].includes(r.status));
  if (!willCall) {
    const pid = before.find((r) => r.direction === 'to_center' && patients.some((p) => p.id === r.patient_id)).patient_id;
    const made = await api.post('/api/v1/requests', { patient_id: pid, direction: 'home', service_date: date, notes: 'will-call' });
    equal(made.status, 201, 'a will-call return is created');
    willCall = made.json;
  }
  equal(willCall.will_call, true, 'the return is a will-call');
  // The patient for *Add a request*: active, with a center, and no ride that day.
  const newcomer = patients.find((p) => !busy.has(p.id)) || patients[0];
  check(newcomer, 'an active patient with a center');

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();
  equal(await page.getByTestId('date').inputValue(), date, 'the board shows the chosen day');
  await page.getByTestId('plan').click();
  await page.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
  await page.locator('[data-testid^=route-]').first().waitFor();
  const wcRow = page.locator(`tr[data-request="${willCall.id}"]`);
  check((await wcRow.textContent()).includes('will-call'), 'the will-call return shows as will-call');
  const wcLi = await page.locator(`li[data-unassigned="${willCall.id}"]`).textContent();
  check(/ — will-call/.test(wcLi),
    `the board lists the will-call return as unassigned with the engine's will-call reason: ${wcLi}`);

  // 1. Add a request: to the center, arriving by 10:40 local time.
  const ids = new Set((await dayRequests()).map((r) => r.id));
  await page.getByTestId('add-request').click();
  const form = page.getByTestId('request-form');
  await form.getByTestId('request-patient').fill(`#${newcomer.id}`);
  await form.locator('[name=direction]').selectOption('to_center');
  await form.locator('[name=time_kind]').selectOption('arrive_by');
  await form.locator('[name=time]').fill('10:40');
  await form.locator('button[type=submit]').click();
  await form.waitFor({ state: 'detached' });
  const added = (await dayRequests()).filter((r) => !ids.has(r.id));
  equal(added.length, 1, 'one new request of the day');
  const fresh = added[0];
  equal([fresh.patient_id, fresh.direction, fresh.service_date, fresh.ready_at], [newcomer.id, 'to_center', date, null],
    'the new request\'s patient, direction, day and no ready time');
  check(sameInstant(fresh.arrive_by, zonedInstant(zone, date, '10:40')),
    `arrive_by ${fresh.arrive_by} is 10:40 of ${date} in ${zone} (${zonedInstant(zone, date, '10:40')})`);
  const freshRow = page.locator(`tr[data-request="${fresh.id}"]`);
  await freshRow.waitFor();
  const freshText = await freshRow.textContent();
  check(freshText.includes(newcomer.name) && freshText.includes('arrive by 10:40') && freshText.includes('To the center'),
    `the board lists the new request with its patient, direction and time: ${freshText}`);
  await page.locator(`li[data-unassigned="${fresh.id}"]`).waitFor();

  // 2. The clinic calls: the will-call return is ready at 13:10 of that day.
  await page.getByTestId(`ready-${willCall.id}`).click();
  const readyForm = page.getByTestId('ready-form');
  await readyForm.waitFor();
  await readyForm.getByTestId('ready-time').fill('13:10');
  await readyForm.getByTestId('ready-send').click();
  await page.getByTestId('board-status').filter({ hasText: `Request ${willCall.id} is ready` }).waitFor();
  await wcRow.filter({ hasText: 'ready at 13:10' }).waitFor();
  const ready = (await dayRequests()).find((r) => r.id === willCall.id);
  check(sameInstant(ready.ready_at, zonedInstant(zone, date, '13:10')),
    `ready_at ${ready.ready_at} is 13:10 of ${date} in ${zone}`);
  check(ready.arrive_by === null && ready.will_call === false, 'the return now has its ready time only');
  const readyStops = (await routeStops()).filter((s) => s.request_id === willCall.id);
  console.log(`note: the ready return is ${ready.status}${ready.unserved_reason ? ` (${ready.unserved_reason})` : ''}`);
  if (ready.status === 'scheduled') {
    equal(readyStops.map((s) => s.kind), ['pickup', 'dropoff'], 'the ready return is on one route');
    check(new Set(readyStops.map((s) => s.route_id)).size === 1, 'both stops on the same route');
    await page.getByTestId(`stop-${willCall.id}-pickup`).waitFor();
    await page.getByTestId(`stop-${willCall.id}-dropoff`).waitFor();
    equal(await page.locator(`li[data-unassigned="${willCall.id}"]`).count(), 0, 'the ready return is no longer unassigned');
    check((await wcRow.textContent()).includes('Scheduled'), 'the row shows it scheduled');
  } else {
    equal(ready.status, 'unserved', 'a ready return no route can take is unserved');
    check(ready.unserved_reason, 'with the reason');
    equal(readyStops.length, 0, 'and on no route');
    check((await page.locator(`li[data-unassigned="${willCall.id}"]`).textContent()).includes(ready.unserved_reason),
      'the board lists it unassigned with the reason');
  }
  check(!(await wcRow.textContent()).includes('Ready now') && await page.getByTestId(`ready-${willCall.id}`).count() === 0,
    'no second *Ready now*');

  // 3. Cancel a planned request for the weather.
  const stops = await routeStops();
  const victim = (await dayRequests()).find((r) => r.status === 'scheduled' && r.id !== willCall.id && r.id !== fresh.id
    && stops.some((s) => s.request_id === r.id));
  check(victim, 'a scheduled request on a route');
  await page.getByTestId(`stop-${victim.id}-pickup`).waitFor();
  await page.getByTestId(`cancel-${victim.id}`).click();
  const cancelForm = page.getByTestId('cancel-form');
  await cancelForm.waitFor();
  // 4. The form offers exactly the documented reasons: no empty choice to send.
  const reasons = await cancelForm.getByTestId('cancel-reason').locator('option').evaluateAll((os) => os.map((o) => o.value));
  equal(reasons, ['patient', 'late_cancel', 'holiday', 'weather', 'other'], 'the cancel reasons');
  await cancelForm.getByTestId('cancel-reason').selectOption('weather');
  await cancelForm.getByTestId('cancel-note').fill('snowstorm');
  await cancelForm.getByTestId('cancel-send').click();
  await cancelForm.waitFor({ state: 'detached' });
  const victimRow = page.locator(`tr[data-request="${victim.id}"].status-cancelled`);
  await victimRow.waitFor();
  const victimText = await victimRow.textContent();
  check(victimText.includes('Cancelled') && victimText.includes('(Weather)'), `the row shows cancelled for the weather: ${victimText}`);
  equal(await page.getByTestId(`cancel-${victim.id}`).count(), 0, 'a cancelled request has no *Cancel*');
  equal(await page.getByTestId(`stop-${victim.id}-pickup`).count() + await page.getByTestId(`stop-${victim.id}-dropoff`).count(), 0,
    'the cancelled request left the route timeline');
  const cancelled = (await dayRequests()).find((r) => r.id === victim.id);
  equal([cancelled.status, cancelled.cancel_reason], ['cancelled', 'weather'], 'the API holds the cancellation and its reason');
  equal((await routeStops()).filter((s) => s.request_id === victim.id).length, 0, 'the cancelled request is on no route');

  await page.screenshot({ path: path.join(artifacts, 'board-actions.png'), fullPage: true });
});
