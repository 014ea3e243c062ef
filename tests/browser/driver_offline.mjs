// A driver goes offline, logs a whole trip (start, pickup, drop-off, finish; the patient
// picked by name from the manifest kept on the phone), comes back online, and the ledger
// holds exactly one trip with the right odometer readings. The first answer to the start
// is lost on the way back, so the page must retry with the same Idempotency-Key and the
// server must not log it twice.
import { run, check, equal, apiClient, watchPage, artifacts, todayIn, DEMO_PASSWORD } from './harness.mjs';
import path from 'node:path';

await run('driver logs a whole trip offline', async ({ server, browser, problems }) => {
  const dispatcher = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const driverApi = await apiClient(server.url, 'driver', DEMO_PASSWORD);
  const me = (await driverApi.get('/api/v1/auth/me')).json;
  check(me.driver_id, 'the demo driver account is linked to a driver');
  const vehicles = (await dispatcher.get('/api/v1/vehicles?active=true&limit=500')).json.items;
  const vehicle = vehicles.find((v) => v.driver_id === me.driver_id);
  check(vehicle, 'the driver has a vehicle');
  const patients = (await dispatcher.get('/api/v1/patients?active=true&limit=500')).json.items;
  const patient = patients.find((p) => p.mobility === 'ambulatory');
  // A driver logs rides only for patients dispatch put on their routes: the dispatcher
  // gives the driver a ride with this patient today, at noon in the demo's zone.
  const zone = (await dispatcher.get('/api/v1/settings')).json.time_zone;
  equal(zone, 'Asia/Shanghai', 'the demo runs in Jilin time');
  const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:59' }));
  equal((await dispatcher.patch(`/api/v1/drivers/${me.driver_id}`, { shifts: allDay })).status, 200, 'the driver works today');
  const ride = await dispatcher.post('/api/v1/requests', { patient_id: patient.id, direction: 'to_center', arrive_by: `${todayIn(zone, server.now())}T12:00:00+08:00` });
  equal(ride.status, 201, `a ride today (${ride.text})`);
  const assigned = await dispatcher.post(`/api/v1/requests/${ride.json.id}/assign`, { vehicle_id: vehicle.id });
  equal(assigned.status, 200, `the ride is on the driver's route (${assigned.text})`);
  const before = (await dispatcher.get(`/api/v1/trips?vehicle_id=${vehicle.id}&limit=500`)).json.items.length;
  const odoStart = Math.ceil(vehicle.odometer_km) + 3;
  const odoEnd = odoStart + 27;

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${server.url}/driver`);
  await page.getByTestId('lang').selectOption('en');
  await page.fill('input[name=username]', 'driver');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.getByTestId('outbox-empty').waitFor();
  await page.getByTestId('manifest').waitFor();

  // Lose the first answer to POST /api/v1/trips after the server has handled it.
  // (A routed request bypasses the offline emulation, so the handler keeps it offline.)
  let startsSeen = 0;
  let online = false;
  await page.route('**/api/v1/trips', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    if (!online) return route.abort('internetdisconnected');
    startsSeen += 1;
    if (startsSeen === 1) {
      await route.fetch();  // reaches the server, which logs the trip
      return route.abort('connectionreset');
    }
    return route.continue();
  });

  await browser.context.setOffline(true);
  await page.getByText('Offline', { exact: true }).waitFor();
  const vehicleInput = page.getByTestId('vehicle');
  if (await vehicleInput.evaluate((el) => el.tagName === 'SELECT')) await vehicleInput.selectOption(String(vehicle.id));
  else await vehicleInput.fill(String(vehicle.id));
  await page.getByTestId('odometer_start').fill(String(odoStart));
  await page.getByTestId('start').click();
  await page.getByTestId('trip-info').waitFor();
  // With no network the manual ride's picker finds the patient among the manifest's.
  for (const type of ['pickup', 'dropoff']) {
    await page.locator('details.manual summary').click();
    await page.getByTestId('manual-patient').fill(patient.name);
    await page.locator(`#manual-patient-list li[data-id="${patient.id}"]`).click();
    await page.getByTestId(`manual-${type}`).click();
  }
  await page.getByTestId('odometer_end').fill(String(odoEnd));
  await page.getByTestId('finish').click();
  await page.getByTestId('outbox-count').waitFor();
  equal(await page.getByTestId('outbox-count').textContent(), '4 waiting to be sent', 'the page shows what waits');
  await page.screenshot({ path: path.join(artifacts, 'driver-offline.png'), fullPage: true });

  // Nothing reached the server while offline.
  equal((await dispatcher.get(`/api/v1/trips?vehicle_id=${vehicle.id}&limit=500`)).json.items.length, before, 'no trip while offline');

  // The outbox is on the phone, not in the page's memory.
  equal(await page.evaluate(() => JSON.parse(localStorage.getItem('lifeline.driver.queue')).length), 4, 'the outbox is stored');

  online = true;
  await browser.context.setOffline(false);
  await page.getByTestId('outbox-empty').waitFor({ timeout: 30000 });
  // The lost answer made the page send the start again (same key).
  check(startsSeen >= 2, `the start was sent again after its answer was lost (${startsSeen})`);
  await page.screenshot({ path: path.join(artifacts, 'driver.png'), fullPage: true });

  const trips = (await dispatcher.get(`/api/v1/trips?vehicle_id=${vehicle.id}&limit=500`)).json.items;
  equal(trips.length, before + 1, 'exactly one new trip in the ledger');
  const trip = trips.reduce((a, b) => (a.id > b.id ? a : b));
  equal([trip.status, trip.driver_id, trip.odometer_start, trip.odometer_end], ['finished', me.driver_id, odoStart, odoEnd], 'the trip as logged');
  equal(trip.rides.length, 1, 'one ride');
  equal([trip.rides[0].patient_id, trip.rides[0].outcome], [patient.id, 'completed'], 'the ride');
  const refused = await page.getByTestId('refused').count();
  equal(refused, 0, 'no action was refused');
});
