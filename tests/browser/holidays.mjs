// The holidays screen in both languages: add a closed holiday (the day's sessions are
// cancelled), a "moved" holiday without its date is refused next to *Move to*, the list
// shows it, removing it brings the sessions back.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher } from './harness.mjs';
import { sessionDay, dayRequests } from './cancel_common.mjs';

await run('holidays: list, add and remove, in English and Chinese', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const { date } = await sessionDay(api, server);
  const sessions = (await dayRequests(api, date)).filter((r) => r.source === 'schedule');
  check(sessions.length > 0, `${date} has sessions`);

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.getByTestId('nav-holidays').click();
  await page.getByTestId('view-holidays').waitFor();
  await page.getByTestId('holiday-list').filter({ hasText: 'No holidays' }).waitFor();

  // Moved, but to no date: refused next to *Move to*, the date typed kept.
  await page.getByTestId('holiday-date').fill(date);
  await page.getByTestId('holiday-kind').selectOption('move');
  await page.getByTestId('holiday-save').click();
  await page.locator('[data-error-for="move_to"]').waitFor();
  equal(await page.getByTestId('holiday-date').inputValue(), date, 'the date typed is kept');
  equal((await api.get('/api/v1/holidays')).json.items.length, 0, 'nothing was saved');

  // Closed: the day's sessions are cancelled.
  await page.getByTestId('holiday-kind').selectOption('closed');
  await page.getByTestId('holiday-save').click();
  await page.getByTestId('holiday-status').filter({ hasText: `Holiday ${date} saved` }).waitFor();
  const row = page.locator(`tr[data-holiday="${date}"]`);
  await row.filter({ hasText: 'Closed' }).waitFor();
  const closed = (await dayRequests(api, date)).filter((r) => r.source === 'schedule');
  check(closed.every((r) => r.status === 'cancelled' && r.cancel_reason === 'holiday'), 'the sessions are cancelled for the holiday');

  // In Chinese: the same screen.
  await page.getByTestId('lang').selectOption('zh-CN');
  await page.getByTestId('nav-holidays').filter({ hasText: '节假日' }).waitFor();
  await row.filter({ hasText: '停诊' }).waitFor();
  check((await page.getByTestId('holiday-form').textContent()).includes('添加节假日'), 'the form is in Chinese');

  await page.getByTestId(`holiday-remove-${date}`).click();
  await page.getByTestId('holiday-status').filter({ hasText: '已删除' }).waitFor();
  equal(await row.count(), 0, 'the holiday left the list');
  const back = (await dayRequests(api, date)).filter((r) => r.source === 'schedule');
  check(back.every((r) => r.status === 'pending'), 'the sessions are back');
  equal(back.length, sessions.length, 'all of them');

  await page.screenshot({ path: path.join(artifacts, 'holidays.png'), fullPage: true });
});
