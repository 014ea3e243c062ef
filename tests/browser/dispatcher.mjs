// A dispatcher signs in, plans a day of the demo data, sees the routes, assigns a
// request by hand and sees a refusal's reason; fleet forms show field errors next to
// the field; the reports page. Parts whose endpoints this server does not have are
// checked to show "not available" instead (and say so in the output).
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher } from './harness.mjs';

const unmatched = (r) => r.status === 405 || (r.status === 404 && r.json && r.json.code === 'problem.unknown_resource');

await run('dispatcher board, fleet forms and reports', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);

  // A day with the demo's dialysis sessions: the next Monday.
  const d = server.now();
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
  const date = d.toISOString().slice(0, 10);
  const routesProbe = await api.get(`/api/v1/days/${date}/routes`);
  const requestsProbe = await api.get(`/api/v1/requests?date=${date}`);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();

  if (unmatched(routesProbe) || unmatched(requestsProbe)) {
    console.log('note: this server has no dispatch endpoints; checking the "not available" state');
    await page.locator('.unavailable').first().waitFor();
  } else {
    await api.post('/api/v1/schedule/generate', { from: date, to: date });
    await page.reload();
    await page.getByTestId('plan').click();
    await page.locator('[data-testid^=route-]').first().waitFor({ timeout: 60000 });
    check(await page.locator('ol.timeline li').count() > 0, 'the routes show their stops');
    // Assigning a wheelchair request to a car with no wheelchair space is refused with a reason.
    const vehicles = (await api.get('/api/v1/vehicles?active=true&limit=500')).json.items;
    const sedan = vehicles.find((v) => v.wheelchair_spaces === 0);
    const requests = (await api.get(`/api/v1/requests?date=${date}&limit=500`)).json.items;
    const wheelchair = requests.find((r) => r.wheelchair && ['pending', 'scheduled', 'unserved'].includes(r.status));
    if (sedan && wheelchair) {
      await page.getByTestId(`assign-${wheelchair.id}`).click();
      await page.getByTestId('assign-vehicle').selectOption(String(sedan.id));
      await page.getByTestId('assign-send').click();
      await page.getByTestId('assign-error').waitFor();
      const text = await page.getByTestId('assign-error').textContent();
      check(text.length > 0, `the refusal's reason is shown: ${text}`);
      await page.screenshot({ path: path.join(artifacts, 'board-refusal.png'), fullPage: true });
    } else {
      console.log('note: no wheelchair request and sedan on that day; the refusal was not exercised');
    }
    // Reload keeps the date.
    await page.reload();
    equal(await page.getByTestId('date').inputValue(), date, 'the date survives a reload');
  }
  await page.screenshot({ path: path.join(artifacts, 'board.png'), fullPage: true });

  // Fleet: a bad latitude is reported next to its field; then the place is created and found.
  await page.getByTestId('nav-places').click();
  await page.getByTestId('list-places').waitFor();
  await page.getByTestId('new').click();
  const form = page.getByTestId('form-places');
  await form.locator('[name=name]').fill('吉林市中心医院 透析室');
  await form.locator('[name=lat]').fill('123');
  await form.locator('[name=lon]').fill('126.55');
  await form.getByTestId('save').click();
  await form.locator('[data-error-for=lat]').waitFor();
  await form.locator('[name=lat]').fill('43.85');
  await form.getByTestId('save').click();
  await form.waitFor({ state: 'detached' });
  await page.getByTestId('search').fill('中心医院');
  await page.locator('[data-testid=list-places] td', { hasText: '吉林市中心医院 透析室' }).waitFor();
  await page.waitForURL(/#places\?q=/);
  await page.screenshot({ path: path.join(artifacts, 'places.png'), fullPage: true });

  // CSV import: a bad row names its line; nothing is written.
  const importProbe = await api.post('/api/v1/import/places', undefined);
  if (!unmatched(importProbe)) {
    await page.getByText('Import CSV').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'places.csv', mimeType: 'text/csv',
      buffer: Buffer.from('\ufeffname,address,lat,lon,kind\n"Clinic, north",North road,43.9,126.5,hospital\nBroken,,91,126.5,hospital\n'),
    });
    await page.getByTestId('import-send').click();
    await page.getByTestId('import-error').waitFor();
    check(/line 3/.test(await page.getByTestId('import-error').textContent()), 'the import error names line 3');
  }

  // Reports.
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('view-reports').waitFor();
  const reportProbe = await api.get(`/api/v1/reports/monthly?month=${server.now().toISOString().slice(0, 7)}`);
  if (unmatched(reportProbe)) {
    console.log('note: this server has no report endpoints; checking the "not available" state');
    await page.getByTestId('report-unavailable').waitFor();
  } else {
    await page.locator('.stat').first().waitFor();
  }
  await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
});
