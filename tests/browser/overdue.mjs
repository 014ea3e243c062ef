// Planning today respects the clock: rides before now plus the planning lead time are
// left out as "too soon to plan" and listed so on the board; rides past their time and
// not picked up are marked ⏰ Overdue, exactly those the API names; no route planned
// today leaves in the past.
import path from 'node:path';
import { run, check, equal, artifacts } from './harness.mjs';
import { planningDay, openBoard, planOnBoard } from './plan_common.mjs';

await run('day board: lead time and overdue rides today', async ({ server, browser, problems }) => {
  const day = await planningDay(server);
  const { today } = day;
  const page = await openBoard(server, browser, problems, today);
  await planOnBoard(page);
  const routes = await day.routesOf(today);
  check(routes.overdue.length > 0, 'the morning\'s rides not picked up are overdue');
  // The board may still be redrawing after the plan's live events: wait (bounded) until
  // the marks settle on the API's set, then compare.
  const want = [...routes.overdue].sort((a, b) => a - b);
  const shown = () => [...document.querySelectorAll('[data-testid^=overdue-]:not([hidden])')].map((e) => Number(e.dataset.testid.slice(8))).sort((a, b) => a - b);
  await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('[data-testid^=overdue-]:not([hidden])')]
    .map((e) => Number(e.dataset.testid.slice(8))).sort((a, b) => a - b)) === JSON.stringify(w), want, { timeout: 10000 }).catch(() => {});
  equal(await page.evaluate(shown), want, 'exactly the API\'s overdue rides are marked');
  check((await page.locator(`tr[data-request="${routes.overdue[0]}"]`).textContent()).includes('⏰ Overdue'), 'with a mark and text');
  const soon = (await day.requestsOf(today)).filter((r) => (r.unserved_reason || '').startsWith('too soon to plan'));
  check(soon.length > 0, 'rides before now + the lead time are left out as too soon to plan');
  check((await page.locator(`li[data-unassigned="${soon[0].id}"]`).textContent()).includes('too soon to plan'), 'and listed so on the board');
  const starts = routes.routes.filter((r) => r.status === 'planned').map((r) => Date.parse(r.starts_at));
  check(starts.every((t) => t >= server.now().getTime() - 120000), 'no route planned today leaves in the past');
  await page.screenshot({ path: path.join(artifacts, 'overdue.png'), fullPage: true });
});
