// The trips screen: a dispatcher narrows the day to a vehicle and sees its open trip first
// with the odometer flag (5 km nobody logged since its previous trip); closing it without
// a reason is refused next to *Reason* with every typed value kept, then closing with a
// reason finishes it; on another vehicle a finished trip's end reading is corrected. Both
// are in the audit log, and the screen reads in Chinese too. The screen's first load,
// answering after the vehicle was chosen, does not replace the vehicle's trips.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, ADMIN_PASSWORD, signInDispatcher, todayIn } from './harness.mjs';

await run('trips: open first, close with a reason, correct a reading, odometer flag', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const zone = (await api.get('/api/v1/settings')).json.time_zone;
  const today = todayIn(zone, server.now());
  const at = (hhmm) => `${today}T${hhmm}:00+08:00`;
  check(zone === 'Asia/Shanghai', 'the demo runs in Jilin (UTC+8)');

  const vehicles = (await api.get('/api/v1/vehicles?limit=500')).json.items.filter((v) => v.active !== false);
  const drivers = (await api.get('/api/v1/drivers?limit=500')).json.items.filter((d) => d.active !== false);
  const open = (await api.get('/api/v1/trips?status=open&limit=500')).json.items.map((x) => x.vehicle_id);
  const [a, b] = vehicles.filter((v) => !open.includes(v.id));
  const [d1, d2] = drivers;
  check(a && b && d1 && d2, 'two vehicles without an open trip and two drivers');
  const log = async (body) => {
    const r = await api.post('/api/v1/trips', body);
    equal(r.status, 201, `logging a trip: ${r.text}`);
    return r.json;
  };
  const odoA = a.odometer_km;
  const odoB = b.odometer_km;
  const earlier = await log({ driver_id: d1.id, vehicle_id: a.id, started_at: at('06:00'), ended_at: at('06:30'), odometer_start: odoA, odometer_end: odoA + 10 });
  const left = await log({ driver_id: d1.id, vehicle_id: a.id, started_at: at('09:00'), odometer_start: odoA + 15 });
  const other = await log({ driver_id: d2.id, vehicle_id: b.id, started_at: at('07:00'), ended_at: at('08:00'), odometer_start: odoB, odometer_end: odoB + 20 });

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  // The screen's first load (every vehicle) answers late, after vehicle A is chosen: its
  // answer must not replace A's trips when it comes.
  let lateAnswers = 0;
  const late = (url) => url.includes('/api/v1/trips?') && !new URL(url).searchParams.get('vehicle_id');
  await page.route('**/api/v1/trips?**', async (route) => {
    if (late(route.request().url())) await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  page.on('response', (r) => { if (late(r.url())) lateAnswers += 1; });
  await page.getByTestId('nav-trips').click();
  await page.getByTestId('view-trips').waitFor();
  equal(await page.getByTestId('trips-date').inputValue(), today, 'the day is today by default');

  // Narrowed to vehicle A (chosen by its plate): the open trip first, then the earlier one.
  await page.getByTestId('trips-vehicle').selectOption({ label: a.plate });
  const rows = page.locator('tr[data-trip]');
  await page.locator(`tr[data-trip="${earlier.id}"]`).waitFor();
  for (let i = 0; lateAnswers < 2 && i < 100; i++) await page.waitForTimeout(100);
  equal(lateAnswers, 2, 'the first load (open and finished trips of every vehicle) answered');
  await page.waitForTimeout(300);  // and the page has had its turn with those answers
  await page.unroute('**/api/v1/trips?**');
  equal(await rows.evaluateAll((rs) => rs.map((r) => Number(r.dataset.trip))), [left.id, earlier.id], 'open first, then by start');
  const leftRow = page.locator(`tr[data-trip="${left.id}"]`);
  check((await leftRow.textContent()).includes(d1.name), 'the driver is named');
  const flag = page.getByTestId(`trip-anomaly-${left.id}`);
  check((await flag.textContent()).includes(`5 km not logged since trip #${earlier.id}`), 'the odometer flag shows the 5 km gap');

  // Close without a reason: refused next to the field, everything typed kept.
  await page.getByTestId(`trip-close-${left.id}`).click();
  const form = page.getByTestId(`trip-form-${left.id}`);
  await form.getByTestId('trip-ended_at').fill('09:40');
  await form.getByTestId('trip-odometer_end').fill(String(odoA + 37));
  await form.getByTestId('trip-save').click();
  await form.locator('[data-error-for="reason"]').waitFor();
  equal(await form.getByTestId('trip-ended_at').inputValue(), '09:40', 'the end time typed is kept');
  equal(await form.getByTestId('trip-odometer_end').inputValue(), String(odoA + 37), 'the reading typed is kept');
  equal((await api.get(`/api/v1/trips/${left.id}`)).json.status, 'open', 'nothing was written');

  await form.getByTestId('trip-reason').fill('phone battery died; reading from the paper log');
  await form.getByTestId('trip-save').click();
  await page.getByTestId('trips-status').filter({ hasText: `Trip #${left.id} closed.` }).waitFor();
  await page.locator(`tr[data-trip="${left.id}"][data-status="finished"]`).waitFor();
  check((await page.locator(`tr[data-trip="${left.id}"]`).textContent()).includes('22'), 'the row shows the 22 km driven');
  const closed = (await api.get(`/api/v1/trips/${left.id}`)).json;
  equal([closed.status, closed.odometer_end], ['finished', odoA + 37], 'the trip is closed with its reading');

  // Vehicle B: correct the end reading of its finished trip.
  await page.getByTestId('trips-vehicle').selectOption({ label: b.plate });
  await page.locator(`tr[data-trip="${other.id}"]`).waitFor();
  await page.getByTestId(`trip-correct-${other.id}`).click();
  const fix = page.getByTestId(`trip-form-${other.id}`);
  await fix.getByTestId('trip-odometer_end').fill(String(odoB + 18));
  await fix.getByTestId('trip-reason').fill('the driver misread the dashboard');
  await fix.getByTestId('trip-save').click();
  await page.getByTestId('trips-status').filter({ hasText: `Trip #${other.id} corrected.` }).waitFor();
  equal((await api.get(`/api/v1/trips/${other.id}`)).json.km, 18, 'the correction is written');

  const admin = await apiClient(server.url, 'admin', ADMIN_PASSWORD);
  const audit = async (id) => (await admin.get(`/api/v1/audit?entity=trip&id=${id}`)).json.items.map((e) => [e.action, e.reason]);
  equal(await audit(left.id), [['close', 'phone battery died; reading from the paper log']], 'the close is audited');
  equal(await audit(other.id), [['correct', 'the driver misread the dashboard']], 'the correction is audited');

  // In Chinese, back on vehicle A: the flag and the headings read in Chinese.
  await page.getByTestId('lang').selectOption('zh-CN');
  await page.getByTestId('nav-trips').filter({ hasText: '行程记录' }).waitFor();
  await page.getByTestId('trips-vehicle').selectOption({ label: a.plate });
  await page.getByTestId(`trip-anomaly-${left.id}`).filter({ hasText: '公里未记录' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'trips.png'), fullPage: true });
});
