// While a trip is open the driver's phone (360 px) sends its position: a point when the
// trip starts and after each 200 m moved, batched through the outbox, and read back by
// the dispatcher from the server. Before the trip and after its finish the phone moves
// and nothing is sent. The page says so, in English and in Chinese.
import { run, check, equal, artifacts } from './harness.mjs';
import path from 'node:path';
import { driverDay, rideOnVehicle, openDriverPage, startOnPhone, allSent, tripsOf } from './driver_common.mjs';

const HOME = { latitude: 43.8300, longitude: 126.5400 };
// About 330 m north each step.
const step = (n) => ({ latitude: HOME.latitude + 0.003 * n, longitude: HOME.longitude, accuracy: 8 });

async function waitFor(what, fn, ms = 15000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

await run('driver phone shares its position during a trip only', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const ride = await rideOnVehicle(server, day, day.patients[0], 20);
  await browser.context.grantPermissions(['geolocation'], { origin: server.url });
  await browser.context.setGeolocation(step(0));
  const page = await openDriverPage(server, browser, problems);

  const note = page.getByTestId('positions-note');
  check((await note.textContent()).includes('only while a trip is open'), 'the page says positions are shared during trips only');
  await page.getByTestId('lang').selectOption('zh-CN');
  check((await note.textContent()).includes('仅在行程进行中'), 'and says it in Chinese');
  await page.getByTestId('lang').selectOption('en');

  // Moving before the trip sends nothing: no trip, no positions action.
  await browser.context.setGeolocation(step(1));
  await page.waitForTimeout(1500);
  await page.getByTestId('outbox-empty').waitFor();
  equal((await tripsOf(day)).filter((t) => t.status === 'open').length, 0, 'no trip is open yet');

  const odo = Math.ceil(day.vehicle.odometer_km) + 1;
  await startOnPhone(page, day.vehicle.id, odo);
  check((await note.textContent()).includes('Sharing your position'), 'the page says it is sharing during the trip');
  const trip = await waitFor('the open trip', async () => (await tripsOf(day)).find((t) => t.status === 'open'));
  const positions = async () => (await day.dispatcher.get(`/api/v1/trips/${trip.id}/positions`)).json.items;

  await waitFor('the first position', async () => (await positions()).length >= 1);
  // A phone keeps one position per second: the next moves come a little later.
  await page.waitForTimeout(1100);
  await browser.context.setGeolocation(step(2));
  await waitFor('a position after 200 m', async () => (await positions()).length >= 2);
  await page.waitForTimeout(1100);
  await browser.context.setGeolocation(step(3));
  const during = await waitFor('a third position', async () => { const p = await positions(); return p.length >= 3 ? p : null; });
  check(Math.abs(during[during.length - 1].lat - step(3).latitude) < 1e-6, 'the last position is where the phone is');
  equal(during[0].accuracy_m, 8, 'with the phone\'s accuracy');
  await page.screenshot({ path: path.join(artifacts, 'driver-positions.png'), fullPage: true });

  await page.getByTestId(`pickup-${ride.id}`).click();
  await page.getByTestId(`dropoff-${ride.id}`).click();
  await page.getByTestId('odometer_end').fill(String(odo + 7));
  await page.getByTestId('finish').click();
  await allSent(page);
  const atFinish = (await positions()).length;

  // After the finish the phone moves on, and nothing more is sent.
  await browser.context.setGeolocation(step(5));
  await page.waitForTimeout(1500);
  await browser.context.setGeolocation(step(7));
  await page.waitForTimeout(1500);
  await page.getByTestId('outbox-empty').waitFor();
  equal((await positions()).length, atFinish, 'no position after the trip ended');
  check((await note.textContent()).includes('only while a trip is open'), 'the page says sharing stopped');
  const latest = (await day.dispatcher.get('/api/v1/vehicles/positions/latest')).json.items;
  const mine = latest.find((v) => v.vehicle_id === day.vehicle.id);
  check(mine && !mine.trip_open, 'the dispatcher sees the vehicle\'s last position, of a finished trip');
});
