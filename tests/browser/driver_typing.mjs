// What the driver types survives the page's background work: the outbox timer runs every
// 15 s, and an answer from the server re-reads the manifest. Neither may replace the
// input being typed in, clear it, or take the focus (which closes a phone's keyboard).
// Playwright's clock runs the page's timers past two outbox periods without waiting.
import { run, equal, artifacts } from './harness.mjs';
import path from 'node:path';
import { driverDay, rideOnVehicle, openDriverPage, markTyping, typingState } from './driver_common.mjs';

const twoOutboxPeriods = 2 * 15000 + 1000;

await run('driver typing survives refreshes', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  await rideOnVehicle(server, day, day.patients[0], 30);
  const page = await openDriverPage(server, browser, problems);
  const odoStart = Math.ceil(day.vehicle.odometer_km) + 1;

  // Half a reading typed, nothing to send: the timer fires twice.
  await page.getByTestId('odometer_start').click();
  await page.getByTestId('odometer_start').pressSequentially(String(odoStart).slice(0, 3));
  await markTyping(page, 'odometer_start');
  await page.clock.runFor(twoOutboxPeriods);
  equal(await typingState(page, 'odometer_start'), { value: String(odoStart).slice(0, 3), focused: true, same: true },
    'after two outbox periods the half-typed start reading, its focus and its input are kept');
  await page.keyboard.type(String(odoStart).slice(3));
  equal((await typingState(page, 'odometer_start')).value, String(odoStart), 'typing goes on in the same input');

  // Offline, the trip is started; the end reading is being typed when the network comes
  // back, the start is sent and the manifest is read again.
  await browser.context.setOffline(true);
  await page.getByTestId('start').click();
  await page.getByTestId('trip-info').waitFor();
  await page.getByTestId('outbox-count').waitFor();
  await page.getByTestId('odometer_end').click();
  await page.getByTestId('odometer_end').pressSequentially('12');
  await markTyping(page, 'odometer_end');
  await browser.context.setOffline(false);
  await page.getByTestId('outbox-empty').waitFor({ timeout: 30000 });
  equal(await typingState(page, 'odometer_end'), { value: '12', focused: true, same: true },
    'the start was sent and the manifest read again: the end reading being typed is kept');
  await page.clock.runFor(twoOutboxPeriods);
  equal(await typingState(page, 'odometer_end'), { value: '12', focused: true, same: true },
    'and two outbox periods later');
  await page.screenshot({ path: path.join(artifacts, 'driver-typing.png'), fullPage: true });
});
