// A vehicle with two routes in a day: after its first route is finished, the dispatcher
// gives it another ride, which makes a second route. The phone lists the day's routes in
// time order and drives the next unfinished one.
import { run, check, equal, artifacts } from './harness.mjs';
import path from 'node:path';
import { driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf } from './driver_common.mjs';

async function driveRide(page, ride, odoStart, odoEnd, vehicleId) {
  await startOnPhone(page, vehicleId, odoStart);
  await page.getByTestId(`pickup-${ride.id}`).click();
  await page.getByTestId(`dropoff-${ride.id}`).click();
  await page.getByTestId('odometer_end').fill(String(odoEnd));
  await page.getByTestId('finish').click();
  await allSent(page);
}

await run('driver drives the second route of the vehicle', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const first = await rideOnVehicle(server, day, day.patients[0], 20);
  const before = (await tripsOf(day)).length;
  const page = await openDriverPage(server, browser, problems);
  const odo = Math.ceil(day.vehicle.odometer_km) + 1;
  equal(await page.getByTestId('next-route').getAttribute('data-route'), String(first.route.id), 'the first route is next');
  await driveRide(page, first, odo, odo + 12, day.vehicle.id);

  const second = await rideOnVehicle(server, day, day.patients[1], 90);
  check(second.route.id !== first.route.id, `the finished route's vehicle gets a second route (${first.route.id}, ${second.route.id})`);
  await page.reload();
  await page.locator(`[data-testid=route-${second.route.id}]`).waitFor();
  const headings = await page.locator('[data-testid=manifest] h3').evaluateAll((els) => els.map((e) => e.dataset.testid));
  equal(headings, [`route-${first.route.id}`, `route-${second.route.id}`], 'the routes in time order');
  check(/Finished/.test(await page.getByTestId(`route-${first.route.id}`).textContent()), 'the first route shows as finished');
  equal(await page.getByTestId('next-route').getAttribute('data-route'), String(second.route.id), 'the second route is next');
  await page.screenshot({ path: path.join(artifacts, 'driver-two-routes.png'), fullPage: true });
  await driveRide(page, second, odo + 20, odo + 41, day.vehicle.id);

  const trips = (await tripsOf(day)).sort((a, b) => a.id - b.id).slice(before);
  equal(trips.map((x) => [x.route_id, x.status, x.odometer_start, x.odometer_end]),
    [[first.route.id, 'finished', odo, odo + 12], [second.route.id, 'finished', odo + 20, odo + 41]], 'one trip per route');
  for (const r of [first, second]) equal((await day.dispatcher.get(`/api/v1/requests/${r.id}`)).json.status, 'completed', `ride ${r.id} completed`);
  const routes = (await day.dispatcher.get(`/api/v1/days/${day.today}/routes`)).json;
  const ours = (routes.routes || routes.items || routes).filter((r) => r.vehicle_id === day.vehicle.id);
  equal(ours.map((r) => r.status), ['finished', 'finished'], 'both routes finished');
});
