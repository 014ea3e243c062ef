// The reports page downloads every table it shows as CSV: one file per table, its
// headings and one line per row, with a byte-order mark for spreadsheets.
import fs from 'node:fs';
import { run, check, equal, watchPage, signInDispatcher } from './harness.mjs';

await run('reports: every table downloads as CSV', async ({ server, browser, problems }) => {
  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#reports?month=2022-03`);
  await page.getByTestId('per-day').waitFor();
  await page.getByTestId('statements-table').waitFor();
  const tables = await page.locator('[data-testid=report] table').evaluateAll((els) =>
    els.map((e) => ({ id: e.dataset.testid, rows: e.querySelectorAll('tr').length })));
  check(tables.length >= 4, `the report shows its tables (${JSON.stringify(tables)})`);
  for (const { id, rows } of tables) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`csv-${id}`).click()]);
    equal(download.suggestedFilename(), `lifeline-2022-03-${id}.csv`, `the file name of ${id}`);
    const text = fs.readFileSync(await download.path(), 'utf8');
    check(text.startsWith('\ufeff'), `${id}: a byte-order mark`);
    const lines = text.slice(1).trimEnd().split('\r\n');
    equal(lines.length, rows, `${id}: the headings and one line per row`);
  }
  console.log(`tables downloaded: ${tables.map((x) => x.id).join(', ')}`);
});
