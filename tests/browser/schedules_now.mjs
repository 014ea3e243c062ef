// Schedules make their requests at once. A patient added on the patients' page with a
// schedule on today's weekday has today's two rides on the board straight away, under
// the patient's name. For days beyond the horizon, *Generate requests* offers the day and
// the week after it, makes them and says how many; the board lists the day's. A range
// that ends before it starts is refused next to `to`, with the dates typed kept and
// nothing written.
import path from 'node:path';
import { run, check, equal, artifacts } from './harness.mjs';
import { addDays, planningDay, openBoard, addPatientWithSchedule } from './plan_common.mjs';

await run('day board: schedules make their requests at once', async ({ server, browser, problems }) => {
  const day = await planningDay(server);
  const { api, date, today } = day;
  const page = await openBoard(server, browser, problems, today);

  // A new patient with a schedule on today's weekday: today's rides at once.
  const like = (await api.get('/api/v1/patients?active=true&limit=500')).json.items.find((p) => p.center_id && p.mobility === 'ambulatory');
  check(like, 'a demo patient with a dialysis center');
  const center = (await api.get(`/api/v1/places/${like.center_id}`)).json;
  const name = '测试 周桂兰';
  await addPatientWithSchedule(page, server, { like, center, weekday: new Date(`${today}T12:00:00Z`).getUTCDay() || 7, name });
  const patient = (await api.get('/api/v1/patients?active=true&limit=500')).json.items.find((p) => p.name === name);
  check(patient, 'the patient is saved');
  const theirs = (await day.requestsOf(today)).filter((r) => r.patient_id === patient.id);
  equal(theirs.map((r) => r.direction).sort(), ['home', 'to_center'], 'the schedule made today\'s two rides at once');
  await page.goto(`${server.url}/#board?date=${today}`);
  for (const r of theirs) {
    const row = page.locator(`[data-request="${r.id}"], [data-unassigned="${r.id}"]`).first();
    await row.waitFor();
    check((await row.textContent()).includes(name), `the board lists ride ${r.id} under the patient's name`);
  }

  // Beyond the horizon: a range of days made at once with *Generate requests*.
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();

  equal((await day.requestsOf(date)).length, 0, `${date} has no requests yet`);
  await page.getByTestId('generate').click();
  const gen = page.getByTestId('generate-form');
  equal([await gen.getByTestId('generate-from').inputValue(), await gen.getByTestId('generate-to').inputValue()], [date, addDays(date, 7)], 'the range defaults to the day and a week');
  await gen.getByTestId('generate-send').click();
  const made = await page.getByTestId('board-status').filter({ hasText: 'Requests made:' }).textContent();
  const count = (await day.requestsOf(date)).length;
  check(count > 0 && /Requests made: \d+ new/.test(made), `the board says how many were made: ${made}`);
  check((await day.requestsOf(addDays(date, 7))).length > 0, 'the last day of the range has its requests too');
  await page.locator('tr[data-request]').first().waitFor();
  equal(await page.locator('tr[data-request]').count(), count, 'the day\'s requests are listed');

  // A range that ends before it starts: the refusal is next to `to`, the form kept.
  await page.getByTestId('generate').click();
  await gen.getByTestId('generate-to').fill(addDays(date, -1));
  await gen.getByTestId('generate-send').click();
  await gen.locator('[data-error-for="to"]').waitFor();
  equal(await gen.getByTestId('generate-to').inputValue(), addDays(date, -1), 'the typed date is kept');
  equal((await day.requestsOf(date)).length, count, 'nothing was written');
  await page.screenshot({ path: path.join(artifacts, 'schedules-now.png'), fullPage: true });
});
