// The driver page opens with no network once it has been opened online: the phone
// drops the tab (or the driver reloads) in a dead zone, the page comes back from its
// service worker with the last manifest, a whole trip is logged into the outbox, a
// second reload keeps it, and back online it drains into the ledger once. The worker
// never answers for the API, and its route carries the static files' headers.
import { run, check, equal, apiClient, watchPage, artifacts, todayIn, DEMO_PASSWORD } from './harness.mjs';
import path from 'node:path';

await run('driver page reloads offline', async ({ server, browser, problems }) => {
  // The worker's route: served at the root (its scope reaches /driver), not under /static/.
  const sw = await fetch(`${server.url}/driver-sw.js`);
  equal(sw.status, 200, 'GET /driver-sw.js');
  equal(sw.headers.get('content-type'), 'text/javascript; charset=utf-8', 'the worker is JavaScript');
  check(/no-cache/.test(sw.headers.get('cache-control') || ''), 'the worker is revalidated on every check');
  equal(sw.headers.get('x-content-type-options'), 'nosniff', 'nosniff on the worker');
  const csp = sw.headers.get('content-security-policy') || '';
  check(/worker-src 'self'/.test(csp) && /script-src 'self'/.test(csp) && !/unsafe/.test(csp), `CSP allows this origin's worker only (${csp})`);
  const swText = await sw.text();
  check(!/@LIFELINE_WEB_/.test(swText) && /const BUILD = '[0-9a-f]{32}'/.test(swText), 'the worker carries the build of the web UI');
  equal((await fetch(`${server.url}/driver-sw.js`, { headers: { 'If-None-Match': sw.headers.get('etag') } })).status, 304, 'the worker revalidates by ETag');
  equal((await fetch(`${server.url}/static/driver-sw.js`)).status, 404, 'the worker has one path only');

  // Today the demo driver works all day and has one ride on the manifest.
  const dispatcher = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const driverApi = await apiClient(server.url, 'driver', DEMO_PASSWORD);
  const me = (await driverApi.get('/api/v1/auth/me')).json;
  check(me.driver_id, 'the demo driver account is linked to a driver');
  const zone = (await dispatcher.get('/api/v1/settings')).json.time_zone || 'Asia/Shanghai';
  // The ride is ready a minute from now, on today's shift (the rehearsal's morning, so
  // never straddling midnight).
  const today = todayIn(zone, server.now());
  const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:59' }));
  equal((await dispatcher.patch(`/api/v1/drivers/${me.driver_id}`, { shifts: allDay })).status, 200, 'the driver works today');
  const vehicles = (await dispatcher.get('/api/v1/vehicles?active=true&limit=500')).json.items;
  const vehicle = vehicles.find((v) => v.driver_id === me.driver_id);
  check(vehicle, 'the driver has a vehicle');
  const patients = (await dispatcher.get('/api/v1/patients?active=true&limit=500')).json.items;
  const patient = patients.find((p) => p.mobility === 'ambulatory');
  const created = await dispatcher.post('/api/v1/requests', { patient_id: patient.id, direction: 'to_center', service_date: today, ready_at: new Date(server.now().getTime() + 60000).toISOString() });
  equal(created.status, 201, `a request for today (${created.text})`);
  const rid = created.json.id;
  const assigned = await dispatcher.post(`/api/v1/requests/${rid}/assign`, { vehicle_id: vehicle.id });
  equal(assigned.status, 200, `the request is on the driver's route (${assigned.text})`);
  const before = (await dispatcher.get(`/api/v1/trips?vehicle_id=${vehicle.id}&limit=500`)).json.items.length;
  const odoStart = Math.ceil(vehicle.odometer_km) + 2;
  const odoEnd = odoStart + 19;

  // Online: sign in at 360 px and see the manifest.
  const page = await browser.context.newPage();
  watchPage(page, problems);
  await page.setViewportSize({ width: 360, height: 740 });
  const loaded = new Set();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === server.url && !u.pathname.startsWith('/api/')) loaded.add(u.pathname);
  });
  await page.goto(`${server.url}/driver`);
  await page.getByTestId('lang').selectOption('en');
  await page.fill('input[name=username]', 'driver');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.getByTestId('outbox-empty').waitFor();
  const stops = page.locator('[data-testid=manifest] li.stop');
  await stops.first().waitFor();
  equal(await stops.count(), 2, 'the manifest shows the pickup and the drop-off');

  // The service worker takes the page (the first load may need a reload, online).
  const controlled = () => page.evaluate(() => !!(navigator.serviceWorker && navigator.serviceWorker.controller));
  try {
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 15000 });
  } catch {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 15000 });
  }
  check(await controlled(), 'the service worker controls /driver');
  equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), `${server.url}/driver-sw.js`, 'the worker');

  // Every file the page loaded is kept, and nothing of the API.
  const kept = await page.evaluate(async () => {
    const names = await caches.keys();
    const out = { names, paths: [] };
    for (const n of names) for (const r of await (await caches.open(n)).keys()) out.paths.push(new URL(r.url).pathname);
    return out;
  });
  equal(kept.names.length, 1, `one cache, named after the build (${kept.names})`);
  check(/^lifeline-driver-[0-9a-f]{32}$/.test(kept.names[0]), `the cache's name (${kept.names[0]})`);
  loaded.delete('/driver-sw.js');
  loaded.delete('/favicon.ico');
  check(loaded.size >= 6, `the page's files were seen (${[...loaded]})`);
  for (const p of loaded) check(kept.paths.includes(p), `${p}, loaded by the page, is kept for offline (kept: ${kept.paths})`);
  check(!kept.paths.some((p) => p.startsWith('/api/')), 'no API answer is kept');

  // A dead zone, and the page is reloaded.
  await browser.context.setOffline(true);
  const [worker] = browser.context.serviceWorkers();
  check(worker, 'the worker is running');
  equal(await worker.evaluate(() => fetch('/healthz').then(() => 'online', () => 'offline')), 'offline', "the worker's own network is gone too");
  const reloaded = await page.reload();
  check(reloaded && reloaded.ok() && reloaded.fromServiceWorker(), 'the page comes from the service worker');
  await page.getByTestId('net').filter({ hasText: 'Offline' }).waitFor();
  await stops.first().waitFor();
  equal(await stops.count(), 2, 'offline, the manifest still shows its stops');
  check((await page.getByTestId('manifest').textContent()).includes(patient.name), "the stop names the patient");
  await page.getByTestId('manifest-saved').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'driver-reload-offline.png'), fullPage: true });

  // The API is never answered from a cache: offline, a request to it fails.
  const me2 = await page.evaluate(() => fetch('/api/v1/auth/me', { headers: { Authorization: `Bearer ${localStorage.getItem('lifeline.driver.token')}` } })
    .then((r) => `answered ${r.status}`, () => 'rejected'));
  equal(me2, 'rejected', 'offline, GET /api/v1/auth/me is not answered by the worker');

  // The whole trip, offline.
  const vehicleInput = page.getByTestId('vehicle');
  if (await vehicleInput.evaluate((el) => el.tagName === 'SELECT')) await vehicleInput.selectOption(String(vehicle.id));
  else await vehicleInput.fill(String(vehicle.id));
  await page.getByTestId('odometer_start').fill(String(odoStart));
  await page.getByTestId('start').click();
  await page.getByTestId('trip-info').waitFor();
  await page.getByTestId(`pickup-${rid}`).click();
  await page.getByTestId(`dropoff-${rid}`).click();
  await page.getByTestId('odometer_end').fill(String(odoEnd));
  await page.getByTestId('finish').click();
  await page.getByTestId('outbox-count').waitFor();
  equal(await page.getByTestId('outbox-count').textContent(), '4 waiting to be sent', 'the page shows what waits');
  equal((await dispatcher.get(`/api/v1/trips?vehicle_id=${vehicle.id}&limit=500`)).json.items.length, before, 'no trip while offline');

  // The tab is dropped and opened again, still offline: the outbox is still there.
  // (Not checked here: that the server still has no trip. Chromium's offline emulation
  // now and then lets the page's first request after this reload through to the server
  // while the page is told it failed, with or without Playwright routes; a phone with
  // no network cannot do that, and the retry's Idempotency-Key keeps the ledger right.)
  await page.reload();
  await page.getByTestId('outbox-count').waitFor();
  equal(await page.getByTestId('outbox-count').textContent(), '4 waiting to be sent', 'the outbox survives a reload offline');
  // The finished trip's stops still show what the driver did.
  const marks = () => page.locator('[data-testid=manifest] .done-mark').allTextContents();
  equal(await marks(), ['Picked up ✓', 'Dropped off ✓'], 'offline, the finished stops keep their marks');
  await page.screenshot({ path: path.join(artifacts, 'driver-reload-queue.png'), fullPage: true });

  // Back online: the outbox drains, once.
  await browser.context.setOffline(false);
  await page.getByTestId('outbox-empty').waitFor({ timeout: 30000 });
  const trips = (await dispatcher.get(`/api/v1/trips?vehicle_id=${vehicle.id}&limit=500`)).json.items;
  equal(trips.length, before + 1, 'exactly one new trip in the ledger');
  const trip = trips.reduce((a, b) => (a.id > b.id ? a : b));
  equal([trip.status, trip.driver_id, trip.odometer_start, trip.odometer_end], ['finished', me.driver_id, odoStart, odoEnd], 'the trip as logged');
  equal(trip.rides.length, 1, 'one ride');
  equal([trip.rides[0].request_id, trip.rides[0].patient_id, trip.rides[0].outcome], [rid, patient.id, 'completed'], 'the ride of the manifest');
  equal(await page.getByTestId('refused').count(), 0, 'no action was refused');

  // The manifest is fetched again once everything is sent, and the stops are marked from
  // the request's status on the server, also on a phone that never logged them.
  await page.evaluate(() => localStorage.removeItem('lifeline.driver.marks'));
  await page.reload();
  await page.locator('[data-testid=manifest] .done-mark').first().waitFor();
  equal(await marks(), ['Picked up ✓', 'Dropped off ✓'], "online, the stops are marked from the server's statuses");
  equal(await page.locator(`[data-testid=pickup-${rid}]`).count(), 0, 'a done stop has no buttons');
});
