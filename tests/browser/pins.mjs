// The dispatcher's hand assignment stands: a ride moved by hand to another vehicle shows
// 📌 Pinned on the board, *Plan the day* keeps it on that vehicle, and *Unpin* releases it.
import path from 'node:path';
import { run, check, equal, artifacts } from './harness.mjs';
import { planningDay, plannedThroughApi, openBoard, planOnBoard, vehicleOf } from './plan_common.mjs';

await run('day board: a hand assignment is pinned through a new plan', async ({ server, browser, problems }) => {
  const day = await planningDay(server);
  const { api, date } = day;
  await plannedThroughApi(day, date);
  const planned = (await day.requestsOf(date)).filter((r) => r.status === 'scheduled' && !r.wheelchair);
  check(planned.length > 1, 'the plan scheduled rides');
  const vehicles = (await api.get('/api/v1/vehicles?active=true&limit=500')).json.items.filter((v) => v.driver_id);
  const routesBefore = await day.routesOf(date);
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

  const page = await openBoard(server, browser, problems, date);
  const row = page.locator(`tr[data-request="${pinned.id}"]`);
  await row.getByTestId(`pinned-${pinned.id}`).waitFor();
  check((await row.textContent()).includes('📌 Pinned'), 'the row shows 📌 Pinned');
  await planOnBoard(page);
  equal(vehicleOf(await day.routesOf(date), pinned.id), target.id, 'planning again keeps the pinned ride on its vehicle');
  await page.screenshot({ path: path.join(artifacts, 'pins.png'), fullPage: true });
  await page.getByTestId(`unpin-${pinned.id}`).click();
  await page.getByTestId('board-status').filter({ hasText: `Request ${pinned.id} is unpinned` }).waitFor();
  await page.getByTestId(`pinned-${pinned.id}`).waitFor({ state: 'detached' });
  equal((await api.get(`/api/v1/requests/${pinned.id}`)).json.pinned, false, 'the API holds it unpinned');
});
