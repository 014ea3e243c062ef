// A dispatcher's whole day at 1366 px with two drivers on phones (two browsers at 360 px):
// a patient added with a schedule for today shows on the board at once; one of their
// rides assigned by hand stays on its vehicle through *Plan the day*; driver A's start,
// pickup and drop-off each show on the board within 2 s without a reload; the afternoon
// is cancelled for snow after its count and one ride restored; driver B's trip, left
// open with a patient aboard when the phone went dark, is closed on the trips screen,
// the patient delivered. Then no ride is stranded, every request of the day has an end
// or a reason, and the month's report grew by exactly the two trips, their two rides and
// their km.
import path from 'node:path';
import { run, check, equal, artifacts, launch, watchPage, signInDispatcher, apiClient, ADMIN_PASSWORD } from './harness.mjs';
import { ALL_DAY, driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf, checkNoneStranded } from './driver_common.mjs';
import { addPatientWithSchedule } from './plan_common.mjs';

const DRIVER_B_PASSWORD = 'Songhua-river-ferry-47';

// A second driver with a vehicle of their own, on shift all day, with an account: a new
// one when the driver has none, else their own with a password the test sets.
async function secondDriver(server, day) {
  const admin = await apiClient(server.url, 'admin', ADMIN_PASSWORD);
  const vehicles = (await day.dispatcher.get('/api/v1/vehicles?active=true&limit=500')).json.items;
  const drivers = (await day.dispatcher.get('/api/v1/drivers?active=true&limit=500')).json.items;
  const users = (await admin.get('/api/v1/users?limit=500')).json.items;
  const candidates = vehicles.filter((v) => v.driver_id && v.driver_id !== day.me.driver_id && v.wheelchair_spaces === 0
    && drivers.some((d) => d.id === v.driver_id));
  const vehicle = candidates.find((v) => !users.some((u) => u.driver_id === v.driver_id)) || candidates[0];
  check(vehicle, 'another driver has a vehicle');
  equal((await day.dispatcher.patch(`/api/v1/drivers/${vehicle.driver_id}`, { shifts: ALL_DAY })).status, 200, 'driver B works today');
  const account = users.find((u) => u.driver_id === vehicle.driver_id);
  if (account) {
    const changed = await admin.patch(`/api/v1/users/${account.id}`, { password: DRIVER_B_PASSWORD, active: true });
    equal(changed.status, 200, `driver B's account gets a known password (${changed.text})`);
    return { ...day, vehicle, username: account.username };
  }
  const user = await admin.post('/api/v1/users', { username: 'driver_b', password: DRIVER_B_PASSWORD, role: 'driver', driver_id: vehicle.driver_id });
  equal(user.status, 201, `driver B gets an account (${user.text})`);
  return { ...day, vehicle, username: 'driver_b' };
}

// Waits until the board's progress of `routeId` reads `text`; the milliseconds since `t0`.
async function progressShown(board, routeId, text, t0) {
  await board.waitForFunction(([id, want]) => {
    const el = document.querySelector(`[data-testid=progress-${id}] [data-testid=progress-done]`);
    return el && el.textContent === want;
  }, [routeId, text], { timeout: 2000, polling: 50 });
  return Date.now() - t0;
}

async function progressOf(board, routeId) {
  const text = await board.getByTestId(`progress-${routeId}`).locator('[data-testid=progress-done]').textContent();
  const m = /^(\d+) of (\d+) stops done$/.exec(text);
  check(m, `the progress reads "N of M stops done": ${text}`);
  return { done: Number(m[1]), total: Number(m[2]) };
}

const hhmm = (zone, at) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

await run("a dispatcher's day with two drivers on phones", async ({ server, browser, problems }) => {
  const dayA = await driverDay(server);
  const dayB = await secondDriver(server, dayA);
  const api = dayA.dispatcher;
  const today = dayA.today;
  const report = async () => (await api.get(`/api/v1/reports/monthly?month=${today.slice(0, 7)}`)).json.totals;
  const before = await report();

  // 1. Rides on both drivers' routes today; the dispatcher on today's board.
  const rideA = await rideOnVehicle(server, dayA, dayA.patients[0], 20);
  const rideB = await rideOnVehicle(server, dayB, dayA.patients[1], 30);
  const board = await browser.context.newPage();
  watchPage(board, problems);
  await board.setViewportSize({ width: 1366, height: 768 });
  await signInDispatcher(board, server);

  // 2. A new patient with a schedule on today's weekday: their rides are on the board at once.
  const like = dayA.patients.find((p) => p.center_id);
  check(like, 'a demo patient with a dialysis center');
  const weekday = new Date(`${today}T12:00:00Z`).getUTCDay() || 7;
  const name = '测试 林秀英';
  const center = (await api.get(`/api/v1/places/${like.center_id}`)).json;
  await addPatientWithSchedule(board, server, { like, center, weekday, name });
  const patient = (await api.get('/api/v1/patients?active=true&limit=500')).json.items.find((p) => p.name === name);
  check(patient && patient.schedule && patient.schedule.weekdays.includes(weekday), 'the patient is saved with the schedule');
  const theirs = [...(await checkNoneStranded(api, today)).requests.values()].filter((r) => r.patient_id === patient.id);
  equal(theirs.map((r) => r.direction).sort(), ['home', 'to_center'], 'the schedule made today\'s two rides at once');
  await board.goto(`${server.url}/#board?date=${today}`);
  for (const r of theirs) {
    const row = board.locator(`tr[data-request="${r.id}"]`);
    await row.waitFor();
    check((await row.textContent()).includes(name), `the board lists request ${r.id} with the patient's name`);
  }
  await board.screenshot({ path: path.join(artifacts, 'dispatcher-day-new-patient.png'), fullPage: true });

  // Assigned by hand to driver B's vehicle: pinned, and kept there by *Plan the day*.
  const there = theirs.find((r) => r.direction === 'to_center');
  await board.getByTestId(`assign-${there.id}`).click();
  await board.getByTestId('assign-vehicle').selectOption(String(dayB.vehicle.id));
  await board.getByTestId('assign-send').click();
  await board.getByTestId(`pinned-${there.id}`).waitFor();
  await board.getByTestId('plan').click();
  await board.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
  const routes = (await api.get(`/api/v1/days/${today}/routes`)).json.routes;
  const routeOf = (id) => routes.find((r) => r.stops.some((s) => s.request_id === id));
  equal(routeOf(there.id).vehicle_id, dayB.vehicle.id, 'the pinned ride stays on its vehicle');
  equal((await api.get(`/api/v1/requests/${there.id}`)).json.pinned, true, 'and stays pinned');
  equal([routeOf(rideA.id).vehicle_id, routeOf(rideB.id).vehicle_id], [dayA.vehicle.id, dayB.vehicle.id], 'the drivers\' rides stay on their vehicles');
  const routeA = routeOf(rideA.id).id;
  await board.getByTestId(`progress-${routeA}`).waitFor();
  await board.locator('[data-testid=live][data-state=live]').waitFor({ timeout: 10000 });
  await board.evaluate(() => { window.notReloaded = true; });

  // 3. Driver A: start, pickup, drop-off; the board follows each tap within 2 s.
  const phoneA = await launch(server);
  const phoneB = await launch(server);
  const oA = Math.ceil(dayA.vehicle.odometer_km) + 1;
  const oB = Math.ceil(dayB.vehicle.odometer_km) + 1;
  let tripB;
  try {
    const pageA = await openDriverPage(server, phoneA, problems);
    const { done, total } = await progressOf(board, routeA);
    let t0 = Date.now();
    await startOnPhone(pageA, dayA.vehicle.id, oA);
    await board.locator(`[data-testid=route-${routeA}] .route-head .badge:not(.planned)`).waitFor({ timeout: 2000 });
    const tookStart = Date.now() - t0;
    await pageA.getByTestId(`pickup-${rideA.id}`).click();
    t0 = Date.now();
    const tookPickup = await progressShown(board, routeA, `${done + 1} of ${total} stops done`, t0);
    await pageA.getByTestId(`dropoff-${rideA.id}`).click();
    t0 = Date.now();
    const tookDropoff = await progressShown(board, routeA, `${done + 2} of ${total} stops done`, t0);
    console.log(`board followed driver A: start ${tookStart} ms, pickup ${tookPickup} ms, drop-off ${tookDropoff} ms`);
    for (const took of [tookStart, tookPickup, tookDropoff]) check(took <= 2000, `the board showed a tap within 2 s (${took} ms)`);
    check(await board.evaluate(() => window.notReloaded === true), 'the board was not reloaded');
    await board.screenshot({ path: path.join(artifacts, 'dispatcher-day-progress.png'), fullPage: true });
    await pageA.screenshot({ path: path.join(artifacts, 'dispatcher-day-driver-a.png'), fullPage: true });
    // A finishes the trip; any stop still ahead is kept on the route.
    for (const left of await pageA.locator('select[data-testid^=left-]').all()) await left.selectOption('kept');
    await pageA.getByTestId('odometer_end').fill(String(oA + 12));
    await pageA.getByTestId('finish').click();
    await allSent(pageA);

    // 5 (first half). Driver B starts a trip and picks a patient up, then the phone goes dark.
    const pageB = await openDriverPage(server, phoneB, problems, dayB.username, DRIVER_B_PASSWORD);
    await startOnPhone(pageB, dayB.vehicle.id, oB);
    await pageB.getByTestId(`pickup-${rideB.id}`).click();
    await allSent(pageB);
    await pageB.screenshot({ path: path.join(artifacts, 'dispatcher-day-driver-b.png'), fullPage: true });
  } finally {
    await phoneA.close();
    await phoneB.close();
  }
  tripB = (await tripsOf(dayB)).find((x) => x.status === 'open');
  check(tripB && tripB.odometer_start === oB, 'driver B\'s trip is open');
  equal(tripB.rides.map((r) => [r.request_id, r.outcome]), [[rideB.id, 'aboard']], 'with B\'s patient aboard');

  // 4. Snow: the afternoon cancelled after its count; one ride restored.
  await board.getByTestId('cancel-period').click();
  const form = board.getByTestId('period-form');
  await form.getByTestId('period-from').fill('13:00');
  await form.getByTestId('period-to').fill('18:00');
  await form.getByTestId('period-reason').selectOption('weather');
  await form.getByTestId('period-note').fill('大雪封路');
  await form.getByTestId('period-count').click();
  await form.getByTestId('period-count-text').waitFor();
  await form.getByTestId('period-confirm').waitFor();
  const n = Number(/(\d+)/.exec(await form.getByTestId('period-confirm').textContent())[1]);
  check(n > 0, `the afternoon has rides to cancel (${n})`);
  await form.getByTestId('period-confirm').click();
  await board.getByTestId('board-status').filter({ hasText: `Cancelled ${n} rides` }).waitFor();
  const cancelled = [...(await checkNoneStranded(api, today)).requests.values()].filter((r) => r.status === 'cancelled' && r.cancel_batch_id);
  equal(cancelled.length, n, 'the counted rides are cancelled');
  const back = cancelled[0];
  await board.locator(`li[data-batch="${back.cancel_batch_id}"]`).waitFor();
  await board.getByTestId(`restore-${back.id}`).click();
  await board.getByTestId('board-status').filter({ hasText: `#${back.id}` }).waitFor();
  const restored = (await api.get(`/api/v1/requests/${back.id}`)).json;
  equal(restored.status, 'pending', `request ${back.id} is restored, to be planned`);
  // Restored rides wait to be planned: *Plan the day* again, the pin still holding.
  await board.getByTestId('plan').click();
  await board.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
  const replanned = (await api.get(`/api/v1/requests/${back.id}`)).json;
  check(replanned.status === 'scheduled' || (replanned.status === 'unserved' && replanned.unserved_reason), `the restored ride is planned or says why not (${replanned.status})`);
  equal((await api.get(`/api/v1/days/${today}/routes`)).json.routes.find((r) => r.stops.some((x) => x.request_id === there.id)).vehicle_id,
    dayB.vehicle.id, 'the pinned ride is still on its vehicle');
  await board.screenshot({ path: path.join(artifacts, 'dispatcher-day-snow.png'), fullPage: true });

  // 5 (second half). The dispatcher closes B's trip with a reading and a reason, the
  // patient still aboard delivered at the close time. The close time is typed to the
  // minute: it must come after the pickup's.
  const pickupMinute = hhmm(dayA.zone, new Date(tripB.rides[0].picked_up_at));
  while (hhmm(dayA.zone, server.now()) === pickupMinute) await board.waitForTimeout(1000);
  await board.getByTestId('nav-trips').click();
  await board.getByTestId('view-trips').waitFor();
  await board.getByTestId('trips-vehicle').selectOption({ label: dayB.vehicle.plate });
  await board.getByTestId(`trip-close-${tripB.id}`).click();
  const close = board.getByTestId(`trip-form-${tripB.id}`);
  await close.getByTestId('trip-ended_at').fill(hhmm(dayA.zone, server.now()));
  await close.getByTestId('trip-odometer_end').fill(String(oB + 7));
  const aboard = tripB.rides[0].id;
  await close.getByTestId(`aboard-name-${aboard}`).filter({ hasText: dayA.patients[1].name }).waitFor();
  equal(await close.getByTestId(`aboard-outcome-${aboard}`).inputValue(), 'completed', 'the patient aboard is delivered by default');
  await close.getByTestId('trip-reason').fill('司机手机没电；里程按纸质记录；病人已送达');
  await close.getByTestId('trip-save').click();
  await board.getByTestId('trips-status').filter({ hasText: `Trip #${tripB.id} closed.` }).waitFor();
  await board.screenshot({ path: path.join(artifacts, 'dispatcher-day-trips.png'), fullPage: true });

  // 6. No ride stranded; every request of the day ended or has a reason; the report adds up.
  const { routes: endRoutes, requests } = await checkNoneStranded(api, today);
  const closedTrips = (await api.get(`/api/v1/trips?limit=500`)).json.items.filter((x) => x.status === 'finished');
  for (const r of requests.values()) {
    const onClosedTrip = r.status === 'in_progress' && closedTrips.some((x) => x.rides.some((ride) => ride.request_id === r.id));
    check(!onClosedTrip, `request ${r.id} is in progress on a closed trip`);
    const ok = r.status === 'completed' || (r.status === 'cancelled' && r.cancel_reason) || (r.status === 'unserved' && r.unserved_reason)
      || (r.status === 'scheduled' && endRoutes.some((x) => x.status !== 'finished' && x.stops.some((s) => s.request_id === r.id)));
    check(ok, `request ${r.id} is ${r.status} (${r.cancel_reason || r.unserved_reason || 'no reason'})`);
  }
  equal([requests.get(rideA.id).status, requests.get(rideB.id).status, requests.get(there.id).status], ['completed', 'completed', 'scheduled'],
    'A\'s ride and the ride B\'s trip was closed with are done, the pinned ride still to drive');
  const after = await report();
  equal([after.trips - before.trips, after.rides - before.rides, Math.round((after.km - before.km) * 10) / 10],
    [2, 2, 12 + 7], "the month's report: two trips, two rides, 19 km");
});
