// The language switch changes every page; the choice is kept; both dictionaries
// have the same keys; the static files carry their security and caching headers.
import { run, check, equal, watchPage, apiClient, DEMO_PASSWORD } from './harness.mjs';

await run('language switch and static files', async ({ server, browser, problems }) => {
  const res = await fetch(`${server.url}/`);
  equal(res.headers.get('content-type'), 'text/html; charset=utf-8', 'HTML content type');
  check(/script-src 'self'/.test(res.headers.get('content-security-policy') || ''), 'CSP');
  equal(res.headers.get('x-content-type-options'), 'nosniff', 'nosniff');
  const etag = res.headers.get('etag');
  equal((await fetch(`${server.url}/`, { headers: { 'If-None-Match': etag } })).status, 304, 'revalidation by ETag');
  equal((await fetch(`${server.url}/static/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8', 'JS content type');

  const page = await browser.context.newPage();
  watchPage(page, problems);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${server.url}/`);
  await page.getByTestId('signin').waitFor();
  await page.getByTestId('lang').selectOption('en');
  equal(await page.locator('.signin h1').textContent(), 'Sign in to dispatch', 'English sign-in');
  await page.getByTestId('lang').selectOption('zh-CN');
  equal(await page.locator('.signin h1').textContent(), '登录调度系统', 'Chinese sign-in');
  equal(await page.locator('html').getAttribute('lang'), 'zh-CN', 'document language');
  await page.reload();
  equal(await page.locator('.signin h1').textContent(), '登录调度系统', 'the choice is kept');

  // Signed in, the navigation follows the switch too.
  await page.fill('input[name=username]', 'dispatcher');
  await page.fill('input[name=password]', 'lifeline-demo');
  await page.click('button[type=submit]');
  await page.getByTestId('nav-patients').waitFor();
  equal(await page.getByTestId('nav-patients').textContent(), '患者', 'Chinese navigation');
  await page.getByTestId('lang').selectOption('en');
  equal(await page.getByTestId('nav-patients').textContent(), 'Patients', 'English navigation');

  const keys = await page.evaluate(async () => {
    const en = (await import('/static/i18n-en.js')).default;
    const zh = (await import('/static/i18n-zh-CN.js')).default;
    return { onlyEn: Object.keys(en).filter((k) => !(k in zh)), onlyZh: Object.keys(zh).filter((k) => !(k in en)) };
  });
  equal(keys, { onlyEn: [], onlyZh: [] }, 'both dictionaries have the same keys');

  // The driver page follows the stored choice.
  await page.goto(`${server.url}/driver`);
  await page.getByTestId('signin').waitFor();
  equal(await page.locator('.signin h1').textContent(), 'Sign in (once on this phone)', 'driver page in English');
  await page.getByTestId('lang').selectOption('zh-CN');
  equal(await page.locator('.signin h1').textContent(), '登录（本手机只需一次）', 'driver page in Chinese');

  // The board's map loads its tiles from the host the settings name (docs/ui.md, "The
  // map"); nothing else leaves this origin.
  const origin = new URL(server.url).origin;
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const tiles = new URL((await api.get('/api/v1/settings')).json.map_tile_url.replace(/\{[a-z]\}/g, '0')).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith(`${tiles}/`));
  equal(foreign, [], 'no request leaves for another host but the map tiles\' one');
});
