// A driver's whole day on the phone, mistakes included, and what it leaves behind: typing
// kept through background refreshes; part of the first trip offline; a finish typed with
// an extra digit, refused and corrected, that also leaves stops (a no-show, one kept); a
// new trip for the kept stop; a second route of the vehicle, finished with a stop handed
// back. Then no ride is stranded and the month's report counts the right rides and km.
import { run, check, equal, artifacts } from './harness.mjs';
import path from 'node:path';
import { driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf, markTyping, typingState, checkNoneStranded } from './driver_common.mjs';

async function pickupAndDropoff(page, ride) {
  await page.getByTestId(`pickup-${ride.id}`).click();
  await page.getByTestId(`dropoff-${ride.id}`).click();
}

await run("a driver's day holds up", async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const month = day.today.slice(0, 7);
  const report = async () => (await day.dispatcher.get(`/api/v1/reports/monthly?month=${month}`)).json.totals;
  const before = await report();
  const [r1, r2, r3] = [await rideOnVehicle(server, day, day.patients[0], 20), await rideOnVehicle(server, day, day.patients[1], 60),
    await rideOnVehicle(server, day, day.patients[2], 100)];
  const route1 = r1.route.id;
  const page = await openDriverPage(server, browser, problems);
  const o = Math.ceil(day.vehicle.odometer_km) + 1;

  // Typing the start reading while the outbox timer runs twice.
  await page.getByTestId('odometer_start').click();
  await page.getByTestId('odometer_start').pressSequentially(String(o).slice(0, 2));
  await markTyping(page, 'odometer_start');
  await page.clock.runFor(31000);
  equal(await typingState(page, 'odometer_start'), { value: String(o).slice(0, 2), focused: true, same: true }, 'typing kept');
  await startOnPhone(page, day.vehicle.id, o);
  await allSent(page);

  // The first ride in a dead zone.
  await browser.context.setOffline(true);
  await pickupAndDropoff(page, r1);
  await page.getByTestId('outbox-count').waitFor();
  await browser.context.setOffline(false);
  await allSent(page);

  // Finishing early: r2 did not come, r3 is kept; the reading has an extra digit.
  await page.getByTestId(`left-${r2.id}`).selectOption('no_show');
  await page.getByTestId(`left-${r3.id}`).selectOption('kept');
  await page.getByTestId('odometer_end').fill(`${o + 9}0`);
  await page.getByTestId('finish').click();
  await page.locator('[data-error-for=odometer_end]').waitFor({ timeout: 30000 });
  equal(await page.getByTestId('outbox-empty').count(), 0, 'nothing claims to be sent while the finish is refused');
  equal(await page.getByTestId(`left-${r3.id}`).inputValue(), 'kept', 'the answers are kept with the reading');
  await page.getByTestId('odometer_end').fill(String(o + 9));
  await page.getByTestId('finish').click();
  await allSent(page);

  // A new trip for the kept stop finishes the first route.
  await startOnPhone(page, day.vehicle.id, o + 9);
  await pickupAndDropoff(page, r3);
  await page.getByTestId('odometer_end').fill(String(o + 20));
  await page.getByTestId('finish').click();
  await allSent(page);

  // Two more rides for the vehicle: a second route.
  const r4 = await rideOnVehicle(server, day, day.patients[0], 240);
  const r5 = await rideOnVehicle(server, day, day.patients[3], 300);
  check(r4.route.id !== route1 && r5.route.id === r4.route.id, 'a second route for the vehicle');
  await page.reload();
  await page.locator(`[data-testid=route-${r4.route.id}]`).waitFor();
  equal(await page.getByTestId('next-route').getAttribute('data-route'), String(r4.route.id), 'the second route is next');
  await startOnPhone(page, day.vehicle.id, o + 25);
  await pickupAndDropoff(page, r4);
  await page.getByTestId(`left-${r5.id}`).selectOption('handed_back');
  await page.getByTestId('odometer_end').fill(String(o + 40));
  await page.getByTestId('finish').click();
  await allSent(page);
  await page.screenshot({ path: path.join(artifacts, 'driver-day.png'), fullPage: true });

  // The ledger: one trip per drive, with the corrected readings.
  const trips = (await tripsOf(day)).filter((x) => x.odometer_start >= o).sort((a, b) => a.id - b.id);
  equal(trips.map((x) => [x.route_id, x.status, x.odometer_start, x.odometer_end]),
    [[route1, 'finished', o, o + 9], [route1, 'finished', o + 9, o + 20], [r4.route.id, 'finished', o + 25, o + 40]], 'three trips');

  // No ride stranded: nothing scheduled or aboard on a finished route, and the day's rides
  // each done, a no-show, or unassigned with the reason.
  const { requests } = await checkNoneStranded(day.dispatcher, day.today);
  equal([r1, r2, r3, r4, r5].map((r) => requests.get(r.id).status), ['completed', 'no_show', 'completed', 'completed', 'unserved'], "the day's rides");
  check(/^left by .+ at \d\d:\d\d$/.test(requests.get(r5.id).unserved_reason), `the handed-back ride says who left it and when (${requests.get(r5.id).unserved_reason})`);

  // The month's report counts them.
  const after = await report();
  equal([after.trips - before.trips, after.rides - before.rides, after.no_shows - before.no_shows, Math.round((after.km - before.km) * 10) / 10],
    [3, 3, 1, 9 + 11 + 15], "the month's report: three trips, three rides, one no-show, 35 km");
});
