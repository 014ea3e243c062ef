// A driver's absence takes their planned rides off: added on the drivers' page, it says
// how many rides it took off and names them; each is unserved with "driver absent", and
// the board lists it so. The absence is then changed and removed.
import path from 'node:path';
import { run, check, equal, artifacts, watchPage, signInDispatcher } from './harness.mjs';
import { addDays, planningDay, plannedThroughApi } from './plan_common.mjs';

await run('drivers page: an absence takes the driver\'s rides off', async ({ server, browser, problems }) => {
  const day = await planningDay(server);
  const { api, date } = day;
  await plannedThroughApi(day, date);
  const route = (await day.routesOf(date)).routes.find((r) => r.stops.length > 0);
  check(route, 'a planned route with stops');
  const driverId = route.driver_id;
  const onRoute = [...new Set(route.stops.map((s) => s.request_id))];

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
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
  const absence = (await api.get(`/api/v1/drivers/${driverId}`)).json.absences.find((a) => a.from === date);

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
  await page.screenshot({ path: path.join(artifacts, 'absences.png'), fullPage: true });
});
