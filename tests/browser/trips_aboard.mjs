// A trip left open with a patient aboard: the driver picks the patient up and the phone
// dies. On the trips screen the dispatcher closes the trip; the form names the patient
// still aboard and asks what became of them (delivered, at the close time unless
// changed). The ride is completed, its request done, and the month's report counts the
// ride and the trip's kilometres.
import path from 'node:path';
import { run, check, equal, artifacts, watchPage, signInDispatcher } from './harness.mjs';
import { driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf } from './driver_common.mjs';

// HH:MM of `at` in Jilin (UTC+8, no DST).
function jilinClock(at) {
  return new Date(at.getTime() + 8 * 3600000).toISOString().slice(11, 16);
}

await run('trips: close a trip with a patient aboard, delivered', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const patient = day.patients[0];
  const ride = await rideOnVehicle(server, day, patient, 10);
  const month = day.today.slice(0, 7);
  const totals = async () => (await day.dispatcher.get(`/api/v1/reports/monthly?month=${month}`)).json.totals;
  const before = await totals();

  // The driver starts, picks the patient up, and the phone dies.
  const phone = await openDriverPage(server, browser, problems);
  const odo = Math.ceil(day.vehicle.odometer_km) + 1;
  await startOnPhone(phone, day.vehicle.id, odo);
  await phone.getByTestId(`pickup-${ride.id}`).click();
  await allSent(phone);
  await phone.close();
  const [trip] = (await tripsOf(day)).filter((x) => x.status === 'open');
  check(trip, 'the trip is left open');
  equal(trip.rides.map((r) => r.outcome), ['aboard'], 'with the patient aboard');

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.getByTestId('nav-trips').click();
  await page.getByTestId('view-trips').waitFor();
  await page.getByTestId('trips-vehicle').selectOption({ label: day.vehicle.plate });
  await page.getByTestId(`trip-close-${trip.id}`).click();
  const form = page.getByTestId(`trip-form-${trip.id}`);
  const rideId = trip.rides[0].id;

  // The patient still aboard is named, delivered by default, at the close time.
  await form.getByTestId('trip-aboard').waitFor();
  await form.getByTestId(`aboard-name-${rideId}`).filter({ hasText: patient.name }).waitFor();
  equal(await form.getByTestId(`aboard-outcome-${rideId}`).inputValue(), 'completed', 'delivered by default');
  const end = jilinClock(new Date(server.now().getTime() + 2 * 60000));
  await form.getByTestId('trip-ended_at').fill(end);
  equal(await form.getByTestId(`aboard-at-${rideId}`).inputValue(), end, 'the drop-off follows the close time');
  await form.getByTestId('trip-odometer_end').fill(String(odo + 12));

  // Without a reason: refused next to it, the answer for the patient kept.
  await form.getByTestId(`aboard-outcome-${rideId}`).selectOption('cancelled');
  await form.getByTestId('trip-save').click();
  await form.locator('[data-error-for="reason"]').waitFor();
  equal(await form.getByTestId(`aboard-outcome-${rideId}`).inputValue(), 'cancelled', 'the answer typed is kept');
  equal((await day.dispatcher.get(`/api/v1/trips/${trip.id}`)).json.status, 'open', 'nothing was written');

  await form.getByTestId(`aboard-outcome-${rideId}`).selectOption('completed');
  await form.getByTestId('trip-reason').fill('the phone died after the pickup; the patient was delivered');
  await page.screenshot({ path: path.join(artifacts, 'trips-aboard.png'), fullPage: true });
  await form.getByTestId('trip-save').click();
  await page.getByTestId('trips-status').filter({ hasText: `Trip #${trip.id} closed.` }).waitFor();
  await page.locator(`tr[data-trip="${trip.id}"][data-status="finished"]`).waitFor();

  const closed = (await day.dispatcher.get(`/api/v1/trips/${trip.id}`)).json;
  equal([closed.status, closed.km, closed.rides[0].outcome], ['finished', 12, 'completed'], 'the trip is closed, the ride completed');
  equal(closed.rides[0].dropped_off_at, closed.ended_at, 'delivered at the close time');
  equal((await day.dispatcher.get(`/api/v1/requests/${ride.id}`)).json.status, 'completed', 'the request is done');
  const after = await totals();
  equal([after.rides - before.rides, Math.round((after.km - before.km) * 10) / 10], [1, 12], "the month's report counts the ride and its km");
});
