// The board's map on the demo's planned day, with map tiles served by this test itself
// (a tiny PNG from a node http server on a loopback port, named in map_tile_url):
// 1. the pages' policy allows exactly that tile host, and tiles load with no violation;
// 2. the map draws a line per route with stops, a numbered marker per planned stop and
//    a marker per unassigned request, as many as the API's plan has;
// 3. a stop clicked on the map is highlighted in its timeline, and the reverse;
// 4. a driver's live position, brought by the stream, shows as the vehicle with its
//    age, and the card of the route being driven says how late it runs by it;
// 5. at 768 px the board does not overflow sideways and the map folds away;
// 6. on a place's form, a click on the small map sets the location, shown read-only,
//    and saving stores it (read back through the API); with GCJ-02 tiles the click is
//    converted back to WGS-84 by the server before it is stored;
// 7. with an unreachable tile host the lines and markers are all still drawn.
import http from 'node:http';
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, ADMIN_PASSWORD, signInDispatcher, todayIn } from './harness.mjs';
import { driverDay, rideOnVehicle } from './driver_common.mjs';

// A 1×1 grey PNG.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4BwAA3ADbMcW2NQAAAABJRU5ErkJggg==', 'base64');

function tileServer() {
  const server = http.createServer((req, res) => {
    server.hits += 1;
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': TILE.length });
    res.end(TILE);
  });
  server.hits = 0;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function addDays(date, k) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
}

// Polls `probe` until it returns something truthy (at most `ms`).
async function waitFor(what, probe, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// What the map must show, from the API: routes with stops, stops, unassigned requests.
async function expected(api, date) {
  const routes = (await api.get(`/api/v1/days/${date}/routes`)).json.routes;
  const requests = (await api.get(`/api/v1/requests?date=${date}&limit=500`)).json.items;
  return {
    lines: routes.filter((r) => r.stops.length > 0).length,
    stops: routes.reduce((n, r) => n + r.stops.length, 0),
    unassigned: requests.filter((r) => ['pending', 'unserved'].includes(r.status)).length,
    routes,
  };
}

async function drawn(page) {
  const map = page.getByTestId('map');
  return {
    lines: await map.locator('path.route-line').count(),
    stops: await map.locator('.stop-marker').count(),
    unassigned: await map.locator('.unassigned-marker').count(),
  };
}

async function mapMatches(page, want, what) {
  const same = (got) => got.lines === want.lines && got.stops === want.stops && got.unassigned === want.unassigned;
  try {
    await waitFor(what, async () => same(await drawn(page)));
  } catch {
    const error = page.getByTestId('map-error');
    const said = (await error.count()) && !(await error.isHidden()) ? await error.textContent() : '';
    equal(await drawn(page), { lines: want.lines, stops: want.stops, unassigned: want.unassigned }, `${what} (map error: ${said})`);
  }
}

await run('board map: lines and markers against the plan, selection, live vehicle, pointing', async ({ server, browser, problems }) => {
  const tiles = await tileServer();
  try {
    const admin = await apiClient(server.url, 'admin', ADMIN_PASSWORD);
    const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
    const tileHost = `http://127.0.0.1:${tiles.address().port}`;
    equal((await admin.put('/api/v1/settings', { map_tile_url: `${tileHost}/t/{z}/{x}/{y}.png`, map_tile_attribution: 'Test tiles' })).status, 200, 'the tile URL is set');

    // 1. The policy allows the tile host, read fresh.
    const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy');
    check(csp.includes(`img-src 'self' data: ${tileHost};`), `the policy allows the tile host: ${csp}`);

    // A dialysis weekday ahead, generated and planned through the API.
    const zone = (await api.get('/api/v1/settings')).json.time_zone;
    const today = todayIn(zone, server.now());
    let date;
    for (let k = 9; k < 16 && !date; k++) if ([1, 3, 5].includes(new Date(`${addDays(today, k)}T12:00:00Z`).getUTCDay())) date = addDays(today, k);
    equal((await api.post('/api/v1/schedule/generate', { from: date, to: date })).status, 200, 'the day is generated');
    const plan = await api.post(`/api/v1/days/${date}/plan`, {});
    equal(plan.status, 200, `the day is planned: ${plan.text.slice(0, 200)}`);
    const want = await expected(api, date);
    check(want.lines > 1 && want.stops > 2, `the plan has routes with stops: ${JSON.stringify({ ...want, routes: undefined })}`);

    const page = await browser.context.newPage();
    watchPage(page, problems);
    await signInDispatcher(page, server);
    await page.goto(`${server.url}/#board?date=${date}`);
    await page.getByTestId('view-board').waitFor();

    // 2. Lines, stop markers and unassigned markers as the API has them.
    await mapMatches(page, want, 'the map draws the plan');
    const numbers = await page.getByTestId('map').locator('.stop-marker').allTextContents();
    const firstRoute = want.routes.find((r) => r.stops.length > 0);
    for (let i = 1; i <= firstRoute.stops.length; i++) check(numbers.includes(String(i)), `stop number ${i} is drawn`);
    await waitFor('a tile from the test\'s server', async () => tiles.hits > 0 && await page.locator('img.leaflet-tile-loaded').count() > 0);
    check((await page.locator('.leaflet-control-attribution').textContent()).includes('Test tiles'), 'the attribution is the setting');
    await page.screenshot({ path: path.join(artifacts, 'board-map.png'), fullPage: true });

    // 3. Map → timeline, and timeline → map.
    const stop = firstRoute.stops[0];
    const key = `${stop.request_id}-${stop.kind}`;
    await page.locator(`.stop-marker[data-stop="${key}"]`).dispatchEvent('click');
    await page.locator(`li[data-testid="stop-${key}"].map-selected`).waitFor();
    const other = firstRoute.stops[firstRoute.stops.length - 1];
    const otherKey = `${other.request_id}-${other.kind}`;
    await page.locator(`li[data-testid="stop-${otherKey}"]`).click();
    await page.locator(`.stop-marker.selected[data-stop="${otherKey}"]`).waitFor();
    equal(await page.locator('li.map-selected').count(), 1, 'one stop is highlighted at a time');

    // 4. A driver on a route of today sends a position far from the next stop: over the
    //    live stream the vehicle appears with its plate and age, and the route's card says
    //    how late it runs by that position.
    const day = await driverDay(server);
    const ride = await rideOnVehicle(server, day, day.patients[0], 90);
    const started = new Date(server.now().getTime() - 20 * 60000).toISOString();
    const trip = await day.driverApi.post('/api/v1/trips', { vehicle_id: day.vehicle.id, route_id: ride.route.id, started_at: started, odometer_start: Math.ceil(day.vehicle.odometer_km) + 1 });
    equal(trip.status, 201, `the driver starts the route: ${trip.text.slice(0, 200)}`);
    await page.goto(`${server.url}/#board?date=${day.today}`);
    await page.reload();
    await page.getByTestId(`route-${ride.route.id}`).waitFor();
    await page.locator('[data-testid="live"][data-state="live"]').waitFor();
    equal(await page.getByTestId(`live-late-${ride.route.id}`).count(), 0, 'no live lateness before a position');
    const at = new Date(server.now().getTime() - 3 * 60000 - 5000).toISOString();
    const far = { lat: day.patients[0].lat - 4, lon: day.patients[0].lon };
    equal((await day.driverApi.post(`/api/v1/trips/${trip.json.id}/positions`, { positions: [{ at, ...far }] })).status, 201, 'a position is sent');
    const car = page.locator(`.vehicle-marker[data-vehicle="${day.vehicle.id}"]`);
    await car.waitFor({ timeout: 10000 });
    const label = await car.textContent();
    check(label.includes(day.vehicle.plate) && /3 min ago/.test(label), `the vehicle shows its plate and age: ${label}`);
    const late = await page.getByTestId(`live-late-${ride.route.id}`).textContent();
    check(/^By live position: \d+ min late \(next stop about \d\d:\d\d\)$/.test(late), `the route card says how late it runs by the live position: ${late}`);
    await page.screenshot({ path: path.join(artifacts, 'board-map-live.png'), fullPage: true });
    await page.goto(`${server.url}/#board?date=${date}`);
    await page.reload();

    // 5. At 768 px: no sideways scrolling; the map can be folded.
    await page.setViewportSize({ width: 768, height: 900 });
    await page.reload();
    await page.getByTestId('view-board').waitFor();
    await page.locator('li[data-testid^="stop-"]').first().waitFor();
    const folded = page.getByTestId('board-map');
    equal(await folded.evaluate((d) => d.open), false, 'the map starts folded on a narrow screen');
    await folded.locator('summary').click();
    equal(await folded.evaluate((d) => d.open), true, 'a tap unfolds it');
    await mapMatches(page, want, 'the map draws the plan at 768 px');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `no horizontal overflow at 768 px (${overflow} px)`);
    await page.screenshot({ path: path.join(artifacts, 'board-map-768.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // 6. Pointing on a place's form: the click sets the location, which is saved.
    const places = (await api.get('/api/v1/places?active=true&limit=100')).json.items;
    const place = places[0];
    await page.goto(`${server.url}/#places?q=${encodeURIComponent(place.name)}`);
    await page.getByTestId(`list-places`).locator('tr', { hasText: place.name }).first().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByTestId('form-places');
    const picker = form.getByTestId('picker-map');
    await form.locator('[data-testid="picker-map"][data-ready="true"]').waitFor();
    const before = [await form.locator('[name=lat]').inputValue(), await form.locator('[name=lon]').inputValue()];
    const box = await picker.boundingBox();
    await page.mouse.click(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40);
    await waitFor('the inputs to follow the click', async () => (await form.locator('[name=lon]').inputValue()) !== before[1]);
    const after = [await form.locator('[name=lat]').inputValue(), await form.locator('[name=lon]').inputValue()];
    check(Number(after[1]) > Number(before[1]) && Number(after[0]) < Number(before[0]), `a click right of and below the marker moves the place east and south: ${before} → ${after}`);
    equal(await form.getByTestId('picker-coords').textContent(), `${Number(after[0]).toFixed(6)}, ${Number(after[1]).toFixed(6)}`, 'the coordinates are shown');
    await form.getByTestId('save').click();
    await form.waitFor({ state: 'detached' });
    const saved = (await api.get(`/api/v1/places/${place.id}`)).json;
    check(Math.abs(saved.lat - Number(after[0])) < 1e-6 && Math.abs(saved.lon - Number(after[1])) < 1e-6, `the saved location is the one pointed at: ${saved.lat}, ${saved.lon}`);

    // 6b. With GCJ-02 tiles the picker shows the stored point converted and converts a
    //     click back: a click straight below the marker keeps the stored longitude (a
    //     picker that did not convert would store the GCJ-02 one, hundreds of metres off).
    equal((await admin.put('/api/v1/settings', { map_datum: 'gcj02' })).status, 200, 'GCJ-02 tiles');
    const shown = (await api.post('/api/v1/geo/convert', { from: 'wgs84', to: 'gcj02', points: [{ lat: saved.lat, lon: saved.lon }] })).json.points[0];
    check(Math.abs(shown.lon - saved.lon) > 1e-3, `GCJ-02 moves the place's longitude: ${saved.lon} → ${shown.lon}`);
    await page.goto(`${server.url}/#places?q=${encodeURIComponent(place.name)}`);
    await page.reload();
    await page.getByTestId('list-places').locator('tr', { hasText: place.name }).first().getByRole('button', { name: 'Edit' }).click();
    await form.locator('[data-testid="picker-map"][data-ready="true"]').waitFor();
    const box2 = await form.getByTestId('picker-map').boundingBox();
    await page.mouse.click(box2.x + box2.width / 2, box2.y + box2.height / 2 + 50);
    await waitFor('the inputs to follow the click', async () => Number(await form.locator('[name=lat]').inputValue()) < saved.lat - 1e-4);
    const gcj = [Number(await form.locator('[name=lat]').inputValue()), Number(await form.locator('[name=lon]').inputValue())];
    check(Math.abs(gcj[1] - saved.lon) < 1e-4, `the click is converted back to WGS-84: longitude ${gcj[1]} stays ${saved.lon}`);
    check(saved.lat - gcj[0] < 0.01, `and the latitude moves by the click only: ${saved.lat} → ${gcj[0]}`);
    await form.getByTestId('save').click();
    await form.waitFor({ state: 'detached' });
    const resaved = (await api.get(`/api/v1/places/${place.id}`)).json;
    check(Math.abs(resaved.lon - saved.lon) < 1e-4 && Math.abs(resaved.lat - gcj[0]) < 1e-6, `WGS-84 is stored: ${resaved.lat}, ${resaved.lon}`);
    equal((await admin.put('/api/v1/settings', { map_datum: 'wgs84' })).status, 200, 'WGS-84 tiles again');

    // 7. Tiles unreachable: lines and markers are all still drawn.
    equal((await admin.put('/api/v1/settings', { map_tile_url: 'http://127.0.0.1:9/t/{z}/{x}/{y}.png' })).status, 200, 'an unreachable tile host');
    // (A page loaded before the change keeps its policy: it is loaded again.)
    await page.goto(`${server.url}/#board?date=${date}`);
    await page.reload();
    await page.getByTestId('view-board').waitFor();
    await mapMatches(page, await expected(api, date), 'without tiles the map still draws the plan');
    equal(await page.locator('img.leaflet-tile-loaded').count(), 0, 'no tile loaded');
    await page.screenshot({ path: path.join(artifacts, 'board-map-no-tiles.png'), fullPage: true });
  } finally {
    tiles.close();
  }
});
