// Linked legs on the day board: cancelling the ride to the center asks "also cancel the
// ride home?" with yes ticked, and cancels both; unticked, the ride home stays; *Restore*
// brings a cancellation of today back, both legs.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher } from './harness.mjs';
import { sessionDay, dayRequests, openSessions } from './cancel_common.mjs';

await run('day board: cancelling one leg of a session offers the other, restore brings both back', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const { date } = await sessionDay(api, server);
  const sessions = openSessions(await dayRequests(api, date));
  check(sessions.length >= 2, `${date} has two sessions with both legs open (${sessions.length})`);
  const [first, second] = sessions;

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();
  await page.locator(`tr[data-request="${first.there.id}"]`).waitFor();

  // 1. Both, by default.
  await page.getByTestId(`cancel-${first.there.id}`).click();
  const form = page.getByTestId('cancel-form');
  const linked = form.getByTestId('cancel-linked');
  await linked.waitFor();
  check(await linked.isChecked(), 'the ride home is ticked to go too');
  const label = await linked.locator('xpath=..').textContent();
  check(label.includes('Also cancel the ride home') && label.includes(`#${first.back.id}`), `the question names the ride home: ${label}`);
  await form.getByTestId('cancel-reason').selectOption('patient');
  await form.getByTestId('cancel-send').click();
  await form.waitFor({ state: 'detached' });
  await page.getByTestId('board-status').filter({ hasText: `#${first.there.id}` }).filter({ hasText: `#${first.back.id}` }).waitFor();
  await page.locator(`tr[data-request="${first.there.id}"].status-cancelled`).waitFor();
  await page.locator(`tr[data-request="${first.back.id}"].status-cancelled`).waitFor();
  let now = await dayRequests(api, date);
  equal([first.there.id, first.back.id].map((id) => now.find((r) => r.id === id).status), ['cancelled', 'cancelled'], 'both legs are cancelled');

  // 2. Only the one asked: untick the ride home.
  await page.getByTestId(`cancel-${second.there.id}`).click();
  await form.getByTestId('cancel-linked').uncheck();
  await form.getByTestId('cancel-send').click();
  await form.waitFor({ state: 'detached' });
  await page.locator(`tr[data-request="${second.there.id}"].status-cancelled`).waitFor();
  now = await dayRequests(api, date);
  equal(now.find((r) => r.id === second.there.id).status, 'cancelled', 'the ride there is cancelled');
  equal(now.find((r) => r.id === second.back.id).status, 'pending', 'the ride home stays');
  check(await page.getByTestId(`cancel-${second.back.id}`).count() === 1, 'the ride home can still be cancelled');

  // 3. A cancelled request offers *Restore* only; restoring brings both legs back.
  equal(await page.getByTestId(`assign-${first.there.id}`).count(), 0, 'a cancelled request has no *Assign*');
  await page.getByTestId(`restore-${first.there.id}`).click();
  await page.getByTestId('board-status').filter({ hasText: 'Restored' }).waitFor();
  await page.locator(`tr[data-request="${first.there.id}"].status-pending`).waitFor();
  await page.locator(`tr[data-request="${first.back.id}"].status-pending`).waitFor();
  now = await dayRequests(api, date);
  equal([first.there.id, first.back.id].map((id) => now.find((r) => r.id === id).status), ['pending', 'pending'], 'both legs are pending again');

  await page.screenshot({ path: path.join(artifacts, 'cancel-linked.png'), fullPage: true });
});
