// Plans that respect the dispatcher, on the board of the demo at the rehearsal's morning
// (Monday 10:00 in the organisation's zone):
// 1. *Generate requests* makes a range of days' requests and says how many;
// 2. a hand assignment shows 📌 Pinned, survives *Plan the day* on its vehicle, and
//    *Unpin* releases it;
// 3. a driver's absence added on the drivers' page takes their planned rides off and
//    says how many; the board lists them with "driver absent"; the absence is then
//    changed and removed;
// 4. planning today leaves out rides too soon to plan, and overdue rides are marked.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher, todayIn } from './harness.mjs';

function addDays(date, k) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
}

await run('day board: generate, pins, absences, lead time and overdue', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const zone = (await api.get('/api/v1/settings')).json.time_zone;
  const today = todayIn(zone, server.now());
  let date;  // a weekday with dialysis sessions, at least 9 days ahead: beyond the horizon
  for (let k = 9; k < 16 && !date; k++) if ([1, 3, 5].includes(new Date(`${addDays(today, k)}T12:00:00Z`).getUTCDay())) date = addDays(today, k);
  const requestsOf = async (day) => (await api.get(`/api/v1/requests?date=${day}&limit=500`)).json.items;
  const routesOf = async (day) => (await api.get(`/api/v1/days/${day}/routes`)).json;
  const vehicleOf = (routes, id) => (routes.routes.find((r) => r.stops.some((s) => s.request_id === id)) || {}).vehicle_id;

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();

  // 1. Generate the day and the week after it.
  equal((await requestsOf(date)).length, 0, `${date} has no requests yet`);
  await page.getByTestId('generate').click();
  const gen = page.getByTestId('generate-form');
  equal([await gen.getByTestId('generate-from').inputValue(), await gen.getByTestId('generate-to').inputValue()], [date, addDays(date, 7)], 'the range defaults to the day and a week');
  await gen.getByTestId('generate-send').click();
  const made = await page.getByTestId('board-status').filter({ hasText: 'Requests made:' }).textContent();
  const count = (await requestsOf(date)).length;
  check(count > 0 && /Requests made: \d+ new/.test(made), `the board says how many were made: ${made}`);
  await page.locator('tr[data-request]').first().waitFor();
  equal(await page.locator('tr[data-request]').count(), count, 'the day\'s requests are listed');
  // A range that ends before it starts: the refusal is next to `to`, the form kept.
  await page.getByTestId('generate').click();
  await gen.getByTestId('generate-to').fill(addDays(date, -1));
  await gen.getByTestId('generate-send').click();
  await gen.locator('[data-error-for="to"]').waitFor();
  equal(await gen.getByTestId('generate-to').inputValue(), addDays(date, -1), 'the typed date is kept');
  equal((await requestsOf(date)).length, count, 'nothing was written');
  await gen.locator('button', { hasText: 'Close' }).click();

  // 2. Plan, then assign one ride by hand: pinned, and kept on its vehicle by a new plan.
  await page.getByTestId('plan').click();
  await page.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
  const planned = (await requestsOf(date)).filter((r) => r.status === 'scheduled' && !r.wheelchair);
  check(planned.length > 1, 'the plan scheduled rides');
  const vehicles = (await api.get('/api/v1/vehicles?active=true&limit=500')).json.items.filter((v) => v.driver_id);
  const routesBefore = await routesOf(date);
  // A ride moved by hand to another vehicle that has a route, so a plan would rather move it back.
  let pinned, target;
  for (const r of planned) {
    const from = vehicleOf(routesBefore, r.id);
    for (const v of vehicles) {
      if (v.id === from || !routesBefore.routes.some((x) => x.vehicle_id === v.id)) continue;
      const res = await api.post(`/api/v1/requests/${r.id}/assign`, { vehicle_id: v.id });
      if (res.status === 200) { pinned = r; target = v; break; }
    }
    if (pinned) break;
  }
  check(pinned, 'a ride another vehicle can take');
  await page.getByRole('button', { name: 'Refresh' }).click();
  const row = page.locator(`tr[data-request="${pinned.id}"]`);
  await row.getByTestId(`pinned-${pinned.id}`).waitFor();
  check((await row.textContent()).includes('📌 Pinned'), 'the row shows 📌 Pinned');
  await page.getByTestId('plan').click();
  await page.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
  equal(vehicleOf(await routesOf(date), pinned.id), target.id, 'planning again keeps the pinned ride on its vehicle');
  await page.getByTestId(`unpin-${pinned.id}`).click();
  await page.getByTestId('board-status').filter({ hasText: `Request ${pinned.id} is unpinned` }).waitFor();
  await page.getByTestId(`pinned-${pinned.id}`).waitFor({ state: 'detached' });
  equal((await api.get(`/api/v1/requests/${pinned.id}`)).json.pinned, false, 'the API holds it unpinned');

  // 3. The driver of a route that day is absent: their rides come off, the board lists them.
  const route = (await routesOf(date)).routes.find((r) => r.stops.length > 0);
  const driverId = route.driver_id;
  const onRoute = [...new Set(route.stops.map((s) => s.request_id))];
  await page.goto(`${server.url}/#drivers`);
  await page.getByTestId(`absences-${driverId}`).click();
  const panel = page.getByTestId('absences');
  const fresh = panel.locator('form[data-absence="new"]');
  await fresh.locator('[name=from]').fill(date);
  await fresh.locator('[name=to]').fill(date);
  await panel.getByTestId('absence-save-new').click();
  const note = await panel.getByTestId('absence-note').filter({ hasText: `took ${onRoute.length} rides off` }).textContent();
  check(onRoute.every((id) => note.includes(`#${id}`)), `the note names the rides: ${note}`);
  for (const id of onRoute) {
    const r = (await api.get(`/api/v1/requests/${id}`)).json;
    check(r.status === 'unserved' && r.unserved_reason.startsWith(`driver absent ${date}`), `request ${id} is unserved with the reason: ${r.unserved_reason}`);
  }
  const driver = (await api.get(`/api/v1/drivers/${driverId}`)).json;
  const absence = driver.absences.find((a) => a.from === date);
  // Changed to two days, then removed.
  const edit = panel.locator(`form[data-absence="${absence.id}"]`);
  await edit.locator('[name=to]').fill(addDays(date, 1));
  await panel.getByTestId(`absence-save-${absence.id}`).click();
  const changedTo = async () => (await api.get(`/api/v1/drivers/${driverId}`)).json.absences.find((a) => a.id === absence.id).to;
  for (let i = 0; i < 50 && await changedTo() !== addDays(date, 1); i++) await page.waitForTimeout(100);
  equal(await changedTo(), addDays(date, 1), 'the absence is changed');
  await panel.getByTestId(`absence-remove-${absence.id}`).click();
  await panel.locator(`form[data-absence="${absence.id}"]`).waitFor({ state: 'detached' });
  equal((await api.get(`/api/v1/drivers/${driverId}`)).json.absences.some((a) => a.id === absence.id), false, 'the absence is removed');
  await page.goto(`${server.url}/#board?date=${date}`);
  const waiting = page.locator(`li[data-unassigned="${onRoute[0]}"]`);
  await waiting.waitFor();
  check((await waiting.textContent()).includes('driver absent'), 'the board lists the ride taken off with its reason');

  // 4. Today: rides too soon to plan are listed so; rides past their time are overdue.
  await page.goto(`${server.url}/#board?date=${today}`);
  await page.getByTestId('view-board').waitFor();
  await page.getByTestId('plan').click();
  await page.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
  const day = await routesOf(today);
  check(day.overdue.length > 0, 'the morning\'s rides not picked up are overdue');
  for (const id of day.overdue) await page.getByTestId(`overdue-${id}`).waitFor();
  const marked = await page.locator('[data-testid^=overdue-]:not([hidden])').evaluateAll((els) => els.map((e) => Number(e.dataset.testid.slice(8))));
  equal(marked.sort((a, b) => a - b), [...day.overdue].sort((a, b) => a - b), 'exactly the API\'s overdue rides are marked');
  check((await page.locator(`tr[data-request="${day.overdue[0]}"]`).textContent()).includes('⏰ Overdue'), 'with a mark and text');
  const soon = (await requestsOf(today)).filter((r) => (r.unserved_reason || '').startsWith('too soon to plan'));
  check(soon.length > 0, 'rides before now + the lead time are left out as too soon to plan');
  check((await page.locator(`li[data-unassigned="${soon[0].id}"]`).textContent()).includes('too soon to plan'), 'and listed so on the board');
  const starts = day.routes.filter((r) => r.status === 'planned').map((r) => Date.parse(r.starts_at));
  check(starts.every((t) => t >= server.now().getTime() - 120000), 'no route planned today leaves in the past');

  await page.screenshot({ path: path.join(artifacts, 'plan-board.png'), fullPage: true });
});
