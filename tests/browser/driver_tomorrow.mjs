// The evening before, the driver reads tomorrow's manifest on the phone: *Tomorrow* shows
// tomorrow's stops, labelled with the date and to read only (no start form, no buttons),
// and *Today* brings back today's, with the start reading the driver was typing still in
// its input. The server gives a driver tomorrow's manifest, and refuses the day after.
import path from 'node:path';
import { check, equal, run, artifacts } from './harness.mjs';
import { driverDay, rideOnVehicle, openDriverPage, markTyping, typingState } from './driver_common.mjs';

const twoOutboxPeriods = 2 * 15000 + 1000;

function dayAfter(date, days = 1) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// A ride of `date` at 09:00 in Jilin (UTC+8), put on the driver's vehicle.
async function rideOn(day, patient, date) {
  const created = await day.dispatcher.post('/api/v1/requests', {
    patient_id: patient.id, direction: 'to_center', service_date: date, ready_at: `${date}T09:00:00+08:00`,
  });
  equal(created.status, 201, `a ride on ${date} (${created.text})`);
  const assigned = await day.dispatcher.post(`/api/v1/requests/${created.json.id}/assign`, { vehicle_id: day.vehicle.id });
  equal(assigned.status, 200, `the ride of ${date} is on the driver's route (${assigned.text})`);
}

await run('driver reads tomorrow', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const tomorrow = dayAfter(day.today);
  const [todays, tomorrows, later] = day.patients;
  await rideOnVehicle(server, day, todays, 30);
  await rideOn(day, tomorrows, tomorrow);
  await rideOn(day, later, dayAfter(day.today, 2));

  // The server: tomorrow's manifest for the driver, not the day after.
  const manifest = (date) => day.driverApi.get(`/api/v1/drivers/${day.me.driver_id}/manifest?date=${date}`);
  const tm = await manifest(tomorrow);
  equal(tm.status, 200, "the driver reads tomorrow's manifest");
  check(tm.text.includes(tomorrows.name), "tomorrow's ride is on it");
  const after = await manifest(dayAfter(day.today, 2));
  equal(after.status, 403, 'the day after tomorrow is refused');
  equal(after.json.code, 'manifest.days', 'the refusal is the manifest window');
  check(/请问调度员|ask the dispatcher/.test(after.json.detail), `the refusal says what to do (${after.json.detail})`);

  const page = await openDriverPage(server, browser, problems);
  // In Chinese: 明天 with the date.
  await page.getByTestId('lang').selectOption('zh-CN');
  await page.getByTestId('day-tomorrow').click();
  await page.locator('[data-testid=manifest][data-day=tomorrow] li.stop').first().waitFor();
  equal((await page.getByTestId('day-tomorrow').textContent()).trim(), '明天', 'the switch says 明天');
  const zhTitle = await page.getByTestId('manifest-title').textContent();
  check(zhTitle.includes('明天') && zhTitle.includes(tomorrow), `明天 and the date (${zhTitle})`);
  await page.getByTestId('day-today').click();
  await page.getByTestId('lang').selectOption('en');

  const odoStart = String(Math.ceil(day.vehicle.odometer_km) + 1);
  await page.getByTestId('odometer_start').click();
  await page.getByTestId('odometer_start').pressSequentially(odoStart.slice(0, 3));
  await markTyping(page, 'odometer_start');

  // Tomorrow: its stops, read only.
  await page.getByTestId('day-tomorrow').click();
  const shown = page.locator('[data-testid=manifest][data-day=tomorrow]');
  await shown.locator('li.stop').first().waitFor();
  const title = await page.getByTestId('manifest-title').textContent();
  check(title.includes('Tomorrow') && title.includes(tomorrow), `the heading names tomorrow and its date (${title})`);
  check(await page.getByTestId('read-only').isVisible(), 'marked as to read only');
  equal(await page.getByTestId('day-tomorrow').getAttribute('aria-pressed'), 'true', 'the switch shows tomorrow');
  const text = await shown.textContent();
  check(text.includes(tomorrows.name), "tomorrow's patient is listed");
  check(!text.includes(todays.name), "today's patient is not");
  equal(await shown.locator('li.stop').count(), 2, "tomorrow's pickup and drop-off");
  equal(await shown.locator('button').count(), 0, 'no buttons on tomorrow\'s stops');
  check(await page.getByTestId('odometer_start').isHidden(), 'no start form');
  check(await page.getByTestId('start').isHidden(), 'no start button');
  check(await page.getByTestId('finish').count() === 0, 'no finish button');
  // The phone's timers go on meanwhile.
  await page.clock.runFor(twoOutboxPeriods);
  check(await shown.isVisible(), 'tomorrow is still shown two outbox periods later');
  // (caret: 'initial': Playwright would otherwise mark the inputs with a style of its own.)
  await page.screenshot({ path: path.join(artifacts, 'driver-tomorrow.png'), fullPage: true, caret: 'initial' });

  // Back to today: today's stops, and the reading being typed is still there.
  await page.getByTestId('day-today').click();
  await page.locator('[data-testid=manifest][data-day=today] li.stop').first().waitFor();
  check((await page.getByTestId('manifest').textContent()).includes(todays.name), "today's patient is back");
  const typing = await typingState(page, 'odometer_start');
  equal({ value: typing.value, same: typing.same }, { value: odoStart.slice(0, 3), same: true },
    'the half-typed start reading is kept, in the same input');
  await page.getByTestId('odometer_start').click();
  await page.keyboard.press('End');
  await page.keyboard.type(odoStart.slice(3));
  equal((await typingState(page, 'odometer_start')).value, odoStart, 'typing goes on in the same input');
  await page.getByTestId('start').click();
  await page.getByTestId('trip-info').waitFor();
  await page.getByTestId('outbox-empty').waitFor({ timeout: 30000 });
  const trips = (await day.dispatcher.get(`/api/v1/trips?vehicle_id=${day.vehicle.id}&limit=500`)).json.items;
  check(trips.some((tr) => tr.odometer_start === Number(odoStart) && !tr.ended_at), `today's trip started with the typed reading (${odoStart})`);
});
