// Finishing a trip with stops left strands nobody. After the first drop-off the driver
// finishes: the phone asks what happened at each stop not done; one goes back to
// dispatch and shows on the board as unassigned with who left it and when, one is kept
// and driven by a new trip on the same route, which then finishes the route.
import { run, check, equal, artifacts, signInDispatcher } from './harness.mjs';
import path from 'node:path';
import { driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf } from './driver_common.mjs';

await run('driver finishes early with stops left', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const first = await rideOnVehicle(server, day, day.patients[0], 20);
  const back = await rideOnVehicle(server, day, day.patients[1], 120);
  const kept = await rideOnVehicle(server, day, day.patients[2], 200);
  check(first.route.id === back.route.id && back.route.id === kept.route.id, 'the three rides are on one route');
  const routeId = first.route.id;
  const before = (await tripsOf(day)).length;
  const page = await openDriverPage(server, browser, problems);
  const odo = Math.ceil(day.vehicle.odometer_km) + 1;

  await startOnPhone(page, day.vehicle.id, odo);
  await page.getByTestId(`pickup-${first.id}`).click();
  await page.getByTestId(`dropoff-${first.id}`).click();
  await allSent(page);
  await page.getByTestId('odometer_end').fill(String(odo + 9));
  await page.getByTestId('stops-left').waitFor();
  // Not answering is caught on the phone.
  await page.getByTestId('finish').click();
  await page.locator('[data-error-for=stops_left]').waitFor();
  await page.getByTestId(`left-${back.id}`).selectOption('handed_back');
  await page.getByTestId(`left-${kept.id}`).selectOption('kept');
  await page.screenshot({ path: path.join(artifacts, 'driver-stops-left.png'), fullPage: true });
  await page.getByTestId('finish').click();
  await allSent(page);

  const handed = (await day.dispatcher.get(`/api/v1/requests/${back.id}`)).json;
  equal(handed.status, 'unserved', 'the stop handed back is unassigned');
  check(/^left by .+ at \d\d:\d\d$/.test(handed.unserved_reason), `with who left it and when (${handed.unserved_reason})`);
  equal((await day.dispatcher.get(`/api/v1/requests/${kept.id}`)).json.status, 'scheduled', 'the kept stop is still on the route');

  // The board lists it as needing action, with the reason.
  const board = await browser.context.newPage();
  await signInDispatcher(board, server);
  const row = board.locator(`li[data-unassigned="${back.id}"]`);
  await row.waitFor();
  check((await row.textContent()).includes(handed.unserved_reason), 'the board shows the reason');
  await board.screenshot({ path: path.join(artifacts, 'board-handed-back.png'), fullPage: true });
  await board.close();

  // A new trip on the same route serves the kept stop, and finishes the route.
  await page.getByTestId('start').waitFor();
  equal(await page.getByTestId('next-route').getAttribute('data-route'), String(routeId), 'the started route is driven on');
  await startOnPhone(page, day.vehicle.id, odo + 9);
  equal(await page.getByTestId(`pickup-${back.id}`).count(), 0, 'the stop handed back is no longer the driver\'s');
  await page.getByTestId(`pickup-${kept.id}`).click();
  await page.getByTestId(`dropoff-${kept.id}`).click();
  await page.getByTestId('odometer_end').fill(String(odo + 30));
  equal(await page.getByTestId('stops-left').count(), 0, 'nothing left to ask about');
  await page.getByTestId('finish').click();
  await allSent(page);

  const trips = (await tripsOf(day)).sort((a, b) => a.id - b.id).slice(before);
  equal(trips.map((x) => [x.route_id, x.status, x.odometer_start, x.odometer_end]),
    [[routeId, 'finished', odo, odo + 9], [routeId, 'finished', odo + 9, odo + 30]], 'two trips on the route');
  const routes = (await day.dispatcher.get(`/api/v1/days/${day.today}/routes`)).json.routes;
  equal(routes.find((r) => r.id === routeId).status, 'finished', 'the route is finished');
  for (const [r, status] of [[first, 'completed'], [back, 'unserved'], [kept, 'completed']]) {
    equal((await day.dispatcher.get(`/api/v1/requests/${r.id}`)).json.status, status, `ride ${r.id}`);
  }
});
