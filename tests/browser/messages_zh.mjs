// Refusals read in Chinese: on the board, an assignment the vehicle cannot take (more
// passengers than seats); on the phone at 360 px, a start below the vehicle's last
// odometer reading. Each shows the UI's own Chinese words for the server's code, next to
// the field, with no English sentence; the typed value stays. Switching to English
// re-reads the kept refusal in English. Then, on the board in Chinese: closing a trip with
// a blank reason is refused next to the reason, the typed values kept; and a ride taken
// off by the driver's absence shows why in Chinese.
import path from 'node:path';
import { run, check, equal, artifacts, signInDispatcher } from './harness.mjs';
import { driverDay, rideOnVehicle, openDriverPage } from './driver_common.mjs';

// Latin words a Chinese message may keep: field names (snake_case or these), units.
const allowed = new Set(['km', 'min', 'id', 'vehicle_id', 'odometer_start', 'reason']);
function checkChinese(text, what) {
  check(/[\u4e00-\u9fff]/.test(text), `${what} is in Chinese: ${text}`);
  const latin = (text.match(/[A-Za-z_]+/g) || []).filter((w) => !allowed.has(w) && !w.includes('_'));
  equal(latin, [], `${what} has no English word: ${text}`);
}

await run('refusals read in Chinese on the board and the phone', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const seats = day.vehicle.seats;
  check(seats + 1 <= 8, `the driver's vehicle has fewer than 8 seats (${seats})`);
  const created = await day.dispatcher.post('/api/v1/requests', {
    patient_id: day.patients[0].id, direction: 'to_center', service_date: day.today,
    ready_at: new Date(server.now().getTime() + 60 * 60000).toISOString(), passengers: seats + 1,
  });
  equal(created.status, 201, `a ride for more people than the car seats (${created.text})`);
  const id = created.json.id;

  // The board, in Chinese.
  const board = await browser.context.newPage();
  await signInDispatcher(board, server);
  await board.getByTestId('lang').selectOption('zh-CN');
  await board.goto(`${server.url}/#board?date=${day.today}`);
  await board.getByTestId(`assign-${id}`).click();
  const form = board.getByTestId('assign-form');
  await form.getByTestId('assign-vehicle').selectOption(String(day.vehicle.id));
  await form.getByTestId('assign-send').click();
  const boxText = async () => (await form.getByTestId('assign-error').textContent()) || '';
  await form.getByTestId('assign-error').waitFor({ state: 'visible', timeout: 30000 });
  const refusal = await boxText();
  checkChinese(refusal, 'the refused assignment');
  check(refusal.includes('座位不够'), `the reason is the UI's own words for assign.not_enough_seats: ${refusal}`);
  const note = form.locator('[data-error-for=vehicle_id]');
  checkChinese(await note.textContent(), 'the note next to the vehicle');
  equal(await form.getByTestId('assign-vehicle').inputValue(), String(day.vehicle.id), 'the chosen vehicle stays chosen');
  equal((await day.dispatcher.get(`/api/v1/requests/${id}`)).json.status, 'pending', 'nothing was assigned');
  await board.screenshot({ path: path.join(artifacts, 'messages-zh-board.png'), fullPage: true });

  // The phone at 360 px, in Chinese: a start below the vehicle's last reading.
  const last = day.vehicle.odometer_km;
  check(last > 100, `the vehicle has logged kilometres (${last})`);
  const typed = String(Math.floor(last) - 100);
  const ride = await rideOnVehicle(server, day, day.patients[1], 30);  // the phone shows the day's route
  const phone = await openDriverPage(server, browser, problems);
  await phone.getByTestId('lang').selectOption('zh-CN');
  const vehicleInput = phone.getByTestId('vehicle');
  if (await vehicleInput.evaluate((el) => el.tagName === 'SELECT')) await vehicleInput.selectOption(String(day.vehicle.id));
  else await vehicleInput.fill(String(day.vehicle.id));
  await phone.getByTestId('odometer_start').fill(typed);
  await phone.getByTestId('start').click();
  const odoNote = phone.locator('[data-error-for=odometer_start]');
  await odoNote.waitFor({ timeout: 30000 });
  const noteText = await odoNote.textContent();
  checkChinese(noteText, 'the note next to the reading');
  check(noteText.includes(`${Math.round(last * 10) / 10}`.replace(/\.0$/, '')), `the note names the last reading ${last}: ${noteText}`);
  equal(await phone.getByTestId('odometer_start').inputValue(), typed, 'the typed reading is kept');
  await phone.getByTestId('refused').waitFor();
  for (const li of await phone.getByTestId('refused').locator('li').allTextContents()) checkChinese(li, 'the kept refusal');
  const shown = await phone.locator('body').innerText();
  check(!/\b(is|the|must|below|vehicle's)\b/.test(shown), 'no English sentence anywhere on the phone');
  await phone.screenshot({ path: path.join(artifacts, 'messages-zh-driver.png'), fullPage: true });

  // The kept refusal reads in English after a switch.
  await phone.getByTestId('lang').selectOption('en');
  await phone.locator('[data-error-for=odometer_start]').filter({ hasText: 'last logged odometer' }).waitFor({ timeout: 10000 });

  // The trips screen in Chinese: closing an open trip with a blank reason.
  const hhmm = (at) => new Intl.DateTimeFormat('en-GB', { timeZone: day.zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const opened = await day.dispatcher.post('/api/v1/trips', {
    driver_id: day.me.driver_id, vehicle_id: day.vehicle.id,
    started_at: new Date(server.now().getTime() - 60 * 60000).toISOString(), odometer_start: last,
  });
  equal(opened.status, 201, `an open trip of the driver (${opened.text})`);
  await board.getByTestId('nav-trips').click();
  await board.getByTestId('view-trips').waitFor();
  await board.getByTestId('trips-vehicle').selectOption(String(day.vehicle.id));
  await board.getByTestId(`trip-close-${opened.json.id}`).click();
  const closeForm = board.getByTestId(`trip-form-${opened.json.id}`);
  const ended = hhmm(new Date(server.now().getTime() - 10 * 60000));
  await closeForm.getByTestId('trip-ended_at').fill(ended);
  await closeForm.getByTestId('trip-odometer_end').fill(String(Math.floor(last) + 12));
  await closeForm.getByTestId('trip-reason').fill('   ');
  await closeForm.getByTestId('trip-save').click();
  const reasonNote = closeForm.locator('[data-error-for="reason"]');
  await reasonNote.waitFor({ timeout: 30000 });
  checkChinese(await reasonNote.textContent(), 'the note next to the reason');
  check((await reasonNote.textContent()).includes('原因'), `the note asks for the reason: ${await reasonNote.textContent()}`);
  checkChinese(await closeForm.getByTestId('trip-form-error').textContent(), 'the refused close');
  equal(await closeForm.getByTestId('trip-ended_at').inputValue(), ended, 'the end time typed is kept');
  equal(await closeForm.getByTestId('trip-odometer_end').inputValue(), String(Math.floor(last) + 12), 'the reading typed is kept');
  equal((await day.dispatcher.get(`/api/v1/trips/${opened.json.id}`)).json.status, 'open', 'nothing was closed');

  // The driver is off today: the ride on their route goes back to dispatch, and the board
  // says why in Chinese.
  const off = await day.dispatcher.post(`/api/v1/drivers/${day.me.driver_id}/absences`, { from: day.today, to: day.today });
  equal(off.status, 201, `the driver's absence (${off.text})`);
  check(off.json.unassigned.some((u) => u.request_id === ride.id), 'the ride was taken off the route');
  await board.goto(`${server.url}/#board?date=${day.today}`);
  const why = board.locator(`li[data-unassigned="${ride.id}"] .reason`);
  await why.waitFor({ timeout: 30000 });
  const whyText = await why.textContent();
  checkChinese(whyText.replace(day.today, ''), 'the reason the ride is unassigned');
  check(whyText.includes('请假'), `the reason names the absence: ${whyText}`);
  await board.screenshot({ path: path.join(artifacts, 'messages-zh-trips-absence.png'), fullPage: true });
});
