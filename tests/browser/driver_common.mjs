// Shared by the driver-day scenarios: a driver who works all day, rides put on their
// vehicle by the dispatcher, and the phone page signed in at 360 px.
import { check, equal, apiClient, watchPage, todayIn, DEMO_PASSWORD } from './harness.mjs';

// Shifts from 00:00 to 23:59 every day of the week.
export const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:59' }));

// The demo driver, their vehicle, patients who can ride in it, and today's date, with
// the driver on shift all day.
export async function driverDay(server) {
  const dispatcher = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const driverApi = await apiClient(server.url, 'driver', DEMO_PASSWORD);
  const me = (await driverApi.get('/api/v1/auth/me')).json;
  check(me.driver_id, 'the demo driver account is linked to a driver');
  const zone = (await dispatcher.get('/api/v1/settings')).json.time_zone;
  equal(zone, 'Asia/Shanghai', 'the demo runs in Jilin time');
  equal((await dispatcher.patch(`/api/v1/drivers/${me.driver_id}`, { shifts: ALL_DAY })).status, 200, 'the driver works today');
  const vehicle = (await dispatcher.get('/api/v1/vehicles?active=true&limit=500')).json.items.find((v) => v.driver_id === me.driver_id);
  check(vehicle, 'the driver has a vehicle');
  const patients = (await dispatcher.get('/api/v1/patients?active=true&limit=500')).json.items.filter((p) => p.mobility === 'ambulatory');
  check(patients.length >= 4, 'the demo has ambulatory patients');
  const today = todayIn(zone, server.now());
  return { dispatcher, driverApi, me, vehicle, patients, zone, today };
}

// A ride for `patient` ready `minutes` after now, put on the driver's vehicle.
export async function rideOnVehicle(server, day, patient, minutes) {
  const created = await day.dispatcher.post('/api/v1/requests', {
    patient_id: patient.id, direction: 'to_center', service_date: day.today,
    ready_at: new Date(server.now().getTime() + minutes * 60000).toISOString(),
  });
  equal(created.status, 201, `a ride today (${created.text})`);
  const assigned = await day.dispatcher.post(`/api/v1/requests/${created.json.id}/assign`, { vehicle_id: day.vehicle.id });
  equal(assigned.status, 200, `the ride is on the driver's route (${assigned.text})`);
  return { id: created.json.id, route: assigned.json.route };
}

export async function tripsOf(day) {
  return (await day.dispatcher.get(`/api/v1/trips?vehicle_id=${day.vehicle.id}&limit=500`)).json.items;
}

// The phone page, signed in as the demo driver (or `username`), in English, at 360 px.
export async function openDriverPage(server, browser, problems, username = 'driver', password = DEMO_PASSWORD) {
  const page = await browser.context.newPage();
  watchPage(page, problems);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${server.url}/driver`);
  await page.getByTestId('lang').selectOption('en');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByTestId('outbox-empty').waitFor();
  await page.locator('[data-testid=manifest] li.stop').first().waitFor();
  return page;
}

// The input the driver is typing in: its value, whether it has the focus, and whether it
// is still the very node they started typing in (marked by `markTyping` with a property,
// not an attribute, so that the page's markup is as the page made it).
export async function markTyping(page, testid) {
  await page.getByTestId(testid).evaluate((el) => { el.typingMark = 'kept'; });
}
export async function typingState(page, testid) {
  return page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return {
      value: el ? el.value : null,
      focused: !!el && document.activeElement === el,
      same: !!el && el.typingMark === 'kept',
    };
  }, testid);
}

// Starts a trip on the phone with the vehicle of the day and `km` on the odometer.
export async function startOnPhone(page, vehicleId, km) {
  const vehicleInput = page.getByTestId('vehicle');
  if (await vehicleInput.evaluate((el) => el.tagName === 'SELECT')) await vehicleInput.selectOption(String(vehicleId));
  else await vehicleInput.fill(String(vehicleId));
  await page.getByTestId('odometer_start').fill(String(km));
  await page.getByTestId('start').click();
  await page.getByTestId('trip-info').waitFor();
}

// Waits until the outbox is empty and nothing was refused.
export async function allSent(page) {
  await page.getByTestId('outbox-empty').waitFor({ timeout: 30000 });
  equal(await page.getByTestId('refused').count(), 0, 'no action was refused');
}

// Every request of `date`, by id, through the API's pages.
export async function requestsOfDay(api, date) {
  const requests = new Map();
  for (let cursor = null, first = true; first || cursor; first = false) {
    const pageOf = (await api.get(`/api/v1/requests?date=${date}&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json;
    for (const r of pageOf.items) requests.set(r.id, r);
    cursor = pageOf.next_cursor;
  }
  return requests;
}

// No ride stranded on `date`: nothing scheduled or aboard on a finished route, every
// unserved request says why, every scheduled one is on a route still to drive.
export async function checkNoneStranded(api, date) {
  const routes = (await api.get(`/api/v1/days/${date}/routes`)).json.routes;
  const requests = await requestsOfDay(api, date);
  for (const route of routes.filter((r) => r.status === 'finished')) {
    for (const stop of route.stops) {
      const status = requests.get(stop.request_id).status;
      check(!['scheduled', 'in_progress'].includes(status), `request ${stop.request_id} is ${status} on finished route ${route.id}`);
    }
  }
  for (const r of requests.values()) {
    if (r.status === 'unserved') check(r.unserved_reason, `unserved request ${r.id} says why`);
    if (r.status === 'scheduled') check(routes.some((x) => x.status !== 'finished' && x.stops.some((s) => s.request_id === r.id)), `scheduled request ${r.id} is on a route still to drive`);
  }
  return { routes, requests };
}
