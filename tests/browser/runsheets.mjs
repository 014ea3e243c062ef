// The board prints run sheets: *Print run sheets* opens, in a new tab, the day's sheets as
// the server printed them — one sheet per route of the day, each its own A4 page, in the
// organisation's language — and a route card's *Print this route* only that route's.
// The tab keeps the board's Content-Security-Policy (a blob: page), which allows the
// sheets' stylesheet by its hash: the styles apply and nothing is reported as refused.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher, todayIn } from './harness.mjs';

await run('day board: print run sheets', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const zone = (await api.get('/api/v1/settings')).json.time_zone;
  // Next Monday: the demo's patients have sessions, and nothing of it has started.
  const d = new Date(`${todayIn(zone, server.now())}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7);
  const date = d.toISOString().slice(0, 10);
  equal((await api.post('/api/v1/schedule/generate', { from: date, to: date })).status, 200, `generating ${date}`);
  const plan = await api.post(`/api/v1/days/${date}/plan`, { time_limit_ms: 500 });
  equal(plan.status, 200, `planning ${date} (${plan.text.slice(0, 200)})`);
  const routes = (await api.get(`/api/v1/days/${date}/routes`)).json.routes;
  check(routes.length >= 2, `the day has several routes (${routes.length})`);

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId(`route-${routes[0].id}`).waitFor();

  // The sheets of every route, in a new tab.
  const [tab] = await Promise.all([browser.context.waitForEvent('page'), page.getByTestId('print-sheets').click()]);
  watchPage(tab, problems);
  const refused = [];
  tab.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) refused.push(m.text()); });
  await tab.waitForURL(/^blob:/);
  await tab.locator('section.sheet').first().waitFor();
  const sheets = await tab.evaluate(() => ({
    lang: document.documentElement.lang,
    routes: [...document.querySelectorAll('section.sheet')].map((s) => Number(s.dataset.route)),
    breakAfter: getComputedStyle(document.querySelector('section.sheet')).breakAfter,
    boxBorder: getComputedStyle(document.querySelector('span.box')).borderTopStyle,
    scripts: document.scripts.length,
    title: document.title,
  }));
  equal(sheets.routes.slice().sort((a, b) => a - b), routes.map((r) => r.id).sort((a, b) => a - b), 'one sheet per route of the day');
  equal(sheets.lang, 'zh-CN', "the organisation's language");
  check(/路单/.test(sheets.title), `a Chinese title (${sheets.title})`);
  equal(sheets.breakAfter, 'page', "each sheet ends its page: the sheets' stylesheet applies");
  equal(sheets.boxBorder, 'solid', 'the boxes to write in are drawn');
  equal(sheets.scripts, 0, 'the sheets run no script');
  equal(refused, [], 'the tab refused nothing');
  await tab.screenshot({ path: path.join(artifacts, 'runsheets.png'), fullPage: false });
  await tab.close();

  // The same page is well-formed XHTML.
  const xml = await page.evaluate(async (url) => {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${localStorage.getItem('lifeline.token')}` } });
    const doc = new DOMParser().parseFromString(await res.text(), 'application/xhtml+xml');
    return { status: res.status, errors: doc.getElementsByTagName('parsererror').length, sheets: doc.getElementsByTagName('section').length };
  }, `/api/v1/days/${date}/runsheets?format=html`);
  equal(xml, { status: 200, errors: 0, sheets: routes.length }, 'the sheets parse as XML');

  // One route's sheet from its card.
  const one = routes[routes.length - 1];
  const [single] = await Promise.all([browser.context.waitForEvent('page'), page.getByTestId(`print-route-${one.id}`).click()]);
  watchPage(single, problems);
  await single.waitForURL(/^blob:/);
  await single.locator('section.sheet').first().waitFor();
  equal(await single.evaluate(() => [...document.querySelectorAll('section.sheet')].map((s) => Number(s.dataset.route))), [one.id],
    "the route card's button prints that route only");
  await single.close();
  check(await page.getByTestId('board-error').isHidden(), 'the board shows no error');
});
