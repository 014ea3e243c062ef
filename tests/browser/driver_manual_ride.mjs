// The driver's manual ride picks the patient by name or phone, never by number, and only
// among the patients dispatch has on the driver's routes: one on the route is found by
// the last digits of the phone and by the name, another patient is not ("call
// dispatch"); a press without a pick is caught on the phone; what was typed survives the
// page's redraws; the ride logged names the patient and reaches the ledger.
import path from 'node:path';
import { check, equal, run, artifacts } from './harness.mjs';
import { driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf, markTyping, typingState } from './driver_common.mjs';

await run('driver manual ride: a picker over the driver\'s own patients', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const withPhone = day.patients.filter((p) => (p.phone || '').replace(/\D/g, '').length >= 7);
  check(withPhone.length >= 2, 'two demo patients with phones');
  const [mine, other] = withPhone;
  await rideOnVehicle(server, day, mine, 60);
  const page = await openDriverPage(server, browser, problems);
  const odo = Math.ceil(day.vehicle.odometer_km) + 1;
  await startOnPhone(page, day.vehicle.id, odo);

  await page.locator('details.manual summary').click();
  const box = page.getByTestId('manual-patient');
  const list = page.locator('#manual-patient-list');

  // Another patient's phone finds nobody: the driver is told to call dispatch.
  const otherDigits = other.phone.replace(/\D/g, '').slice(-4);
  const mineDigits = mine.phone.replace(/\D/g, '').slice(-4);
  if (otherDigits !== mineDigits) {
    await box.fill(otherDigits);
    await list.locator('.picker-none').filter({ hasText: 'call dispatch' }).waitFor();
  }
  await box.fill(other.name);
  await list.locator('.picker-none').waitFor();
  equal(await list.locator(`li[data-id="${other.id}"]`).count(), 0, 'a patient not on the routes is not found');

  // A press without a pick is caught on the phone; nothing is queued.
  await page.getByTestId('manual-pickup').click();
  await page.getByTestId('manual-missing').waitFor();
  equal(await page.evaluate(() => JSON.parse(localStorage.getItem('lifeline.driver.queue') || '[]').length), 0, 'nothing queued');

  // The driver's own patient: found by the phone's last digits, then by the name.
  await box.fill(mineDigits);
  await list.locator(`li[data-id="${mine.id}"]`).waitFor();
  await box.fill('');
  await box.pressSequentially(mine.name.slice(0, 1));
  await markTyping(page, 'manual-patient');
  await page.clock.runFor(2 * 15000 + 1000);  // two outbox periods: the page redraws
  equal(await typingState(page, 'manual-patient'), { value: mine.name.slice(0, 1), focused: true, same: true },
    'what is typed in the picker survives the redraws');
  await box.pressSequentially(mine.name.slice(1));
  await list.locator(`li[data-id="${mine.id}"]`).click();
  equal(await box.inputValue(), mine.name, 'the name picked shows in the box');
  equal(await page.getByTestId('manual-missing').count(), 0, 'and the reminder to pick is gone');
  await page.screenshot({ path: path.join(artifacts, 'driver-manual-ride.png'), fullPage: true });
  await page.getByTestId('manual-pickup').click();
  await allSent(page);

  const [trip] = (await tripsOf(day)).filter((x) => x.status === 'open');
  check(trip, 'the trip is open');
  equal(trip.rides.map((r) => [r.patient_id, r.outcome]), [[mine.id, 'aboard']], 'the manual pickup is in the ledger');
});
