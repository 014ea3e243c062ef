// A snow day on the day board: *Cancel a period* counts the rides of the morning first
// (the count the API gives, the rides home of those rides included), a changed time asks
// for a new count, a time range that ends before it starts is refused next to the field
// with nothing cancelled, the confirmed count cancels them in one batch, and the batch is
// listed and restored the same day.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher } from './harness.mjs';
import { sessionDay, dayRequests } from './cancel_common.mjs';

await run('day board: cancel a period after its count, and restore it', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const { date } = await sessionDay(api, server);
  const expected = await api.post('/api/v1/cancel-batches', { date, from: '05:00', to: '10:00', reason: 'weather', dry_run: true });
  equal(expected.status, 200, 'the API counts the morning');
  const n = expected.json.count;
  check(n > 0, `${date} has rides in the morning (${n})`);

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();
  await page.getByTestId('cancel-period').click();
  const form = page.getByTestId('period-form');
  await form.waitFor();

  // A range that ends before it starts: refused next to *To*, the values kept.
  await form.getByTestId('period-from').fill('10:00');
  await form.getByTestId('period-to').fill('05:00');
  await form.getByTestId('period-count').click();
  await form.locator('[data-error-for="to"]').waitFor();
  equal(await form.getByTestId('period-from').inputValue(), '10:00', 'the typed time is kept');
  check(await form.getByTestId('period-confirm').isHidden(), 'no confirmation without a count');

  // The morning: the count is shown before anything is cancelled.
  await form.getByTestId('period-from').fill('05:00');
  await form.getByTestId('period-to').fill('10:00');
  await form.getByTestId('period-reason').selectOption('weather');
  await form.getByTestId('period-note').fill('大雪封路');
  await form.getByTestId('period-count').click();
  await form.getByTestId('period-count-text').filter({ hasText: `${n} open rides` }).waitFor();
  equal(await form.getByTestId('period-confirm').textContent(), `Cancel ${n} rides`, 'the confirmation says the count');
  equal((await dayRequests(api, date)).filter((r) => r.status === 'cancelled').length, 0, 'counting cancels nothing');
  // A changed period needs a new count.
  await form.getByTestId('period-to').fill('09:00');
  await form.getByTestId('period-to').dispatchEvent('change');
  check(await form.getByTestId('period-confirm').isHidden(), 'a changed period hides the confirmation');
  await form.getByTestId('period-to').fill('10:00');
  await form.getByTestId('period-count').click();
  await form.getByTestId('period-count-text').filter({ hasText: `${n} open rides` }).waitFor();
  await form.getByTestId('period-confirm').click();
  await form.waitFor({ state: 'detached' });
  await page.getByTestId('board-status').filter({ hasText: `Cancelled ${n} rides` }).waitFor();

  const after = await dayRequests(api, date);
  const cancelled = after.filter((r) => r.status === 'cancelled');
  equal(cancelled.length, n, 'the confirmed count is cancelled');
  const batch = cancelled[0].cancel_batch_id;
  check(batch && cancelled.every((r) => r.cancel_batch_id === batch && r.cancel_reason === 'weather'), 'in one batch, for the weather');
  for (const r of cancelled) await page.locator(`tr[data-request="${r.id}"].status-cancelled`).waitFor();

  // The day's cancellations list it; *Restore* brings every ride back.
  const entry = page.locator(`li[data-batch="${batch}"]`);
  await entry.waitFor();
  check((await entry.textContent()).includes(`${n} rides`), 'the list gives the count');
  await page.getByTestId(`restore-batch-${batch}`).click();
  await page.getByTestId('board-status').filter({ hasText: `Restored ${n} rides` }).waitFor();
  await entry.filter({ hasText: 'restored at' }).waitFor();
  equal(await page.getByTestId(`restore-batch-${batch}`).count(), 0, 'a restored batch has no *Restore*');
  equal((await dayRequests(api, date)).filter((r) => r.status === 'cancelled').length, 0, 'nothing is cancelled any more');

  await page.screenshot({ path: path.join(artifacts, 'cancel-period.png'), fullPage: true });
});
