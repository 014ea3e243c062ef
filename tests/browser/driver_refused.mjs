// A finish the server refuses does not lock the car. The driver types the end reading
// with an extra digit (a trip over the 2,000 km rule); the server refuses it, and the
// phone keeps the trip open as the server does, shows the reason next to the reading,
// keeps the typed value for correcting, and never says everything is sent. The
// corrected finish is accepted: one trip, the corrected readings, no trip left open.
import { run, check, equal, artifacts } from './harness.mjs';
import path from 'node:path';
import { driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf } from './driver_common.mjs';

await run('a refused finish is corrected on the phone', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const ride = await rideOnVehicle(server, day, day.patients[0], 30);
  const before = (await tripsOf(day)).length;
  const page = await openDriverPage(server, browser, problems);
  const odoStart = Math.ceil(day.vehicle.odometer_km) + 1;
  const odoEnd = odoStart + 27;
  const typo = `${odoEnd}0`;  // an extra digit
  check(Number(typo) - odoStart > 2000, `the typo makes a trip over 2,000 km (${typo} after ${odoStart})`);

  await startOnPhone(page, day.vehicle.id, odoStart);
  await page.getByTestId(`pickup-${ride.id}`).click();
  await page.getByTestId(`dropoff-${ride.id}`).click();
  await allSent(page);

  await page.getByTestId('odometer_end').fill(typo);
  await page.getByTestId('finish').click();
  const note = page.locator('[data-error-for=odometer_end]');
  await note.waitFor({ timeout: 30000 });
  check(/2000/.test(await note.textContent()), `the server's reason is next to the reading (${await note.textContent()})`);
  equal(await page.getByTestId('odometer_end').inputValue(), typo, 'the typed reading is kept for correcting');
  equal(await page.getByTestId('outbox-empty').count(), 0, '"everything is sent" is not shown while a finish is refused');
  await page.getByTestId('refused').waitFor();
  await page.getByTestId('trip-info').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'driver-refused-finish.png'), fullPage: true });
  let trips = await tripsOf(day);
  equal(trips.length, before + 1, 'one trip on the server');
  equal(trips.find((x) => x.route_id === ride.route.id).status, 'open', 'which the refusal left open, as the phone shows it');

  // The refusal stays until the driver corrects it, also across two outbox periods.
  await page.clock.runFor(31000);
  equal(await page.getByTestId('odometer_end').inputValue(), typo, 'the typed reading is still there');
  await page.getByTestId('refused').waitFor();

  await page.getByTestId('odometer_end').fill(String(odoEnd));
  await page.getByTestId('finish').click();
  await allSent(page);
  await page.getByTestId('start').waitFor();
  equal(await page.getByTestId('trip-info').count(), 0, 'no trip is shown under way');

  trips = await tripsOf(day);
  equal(trips.length, before + 1, 'exactly one new trip in the ledger');
  const trip = trips.find((x) => x.route_id === ride.route.id);
  equal([trip.status, trip.odometer_start, trip.odometer_end], ['finished', odoStart, odoEnd], 'the trip with the corrected reading');
  equal(trips.filter((x) => x.status === 'open').length, 0, 'no trip is left open on the server');
  const request = (await day.dispatcher.get(`/api/v1/requests/${ride.id}`)).json;
  equal(request.status, 'completed', 'the ride is completed');
});
