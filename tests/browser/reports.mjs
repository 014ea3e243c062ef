// The dispatcher's reports page for March 2022 of the demo year: the totals match the
// API, the odometer check lists every gap (summary, table, times in the organisation's
// zone), the mileage statements list the API's drivers; approving one shows it approved,
// stores the approval and writes the audit log; approving a statement approved meanwhile
// shows the 409's reason next to its row; the page follows the switch to Chinese.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, ADMIN_PASSWORD, signInDispatcher } from './harness.mjs';

const MONTH = '2022-03';
const en = (n, digits) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits }).format(n);

await run('reports: totals, odometer checks, mileage statements and approval', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const admin = await apiClient(server.url, 'admin', ADMIN_PASSWORD);
  // The demo's gaps are all unlogged km (volunteers' own cars are driven privately between
  // trips); a mistyped start reading below the car's previous reading makes one go backwards.
  const before = (await api.get(`/api/v1/reports/monthly?month=${MONTH}`)).json;
  const typo = before.odometer.find((a) => a.issue === 'unlogged');
  check(typo, 'the demo month has an unlogged gap');
  const patched = await api.patch(`/api/v1/trips/${typo.trip_id}`,
    { odometer_start: typo.previous_reading - 3, reason: 'browser test: a start reading typed 3 km too low' });
  equal(patched.status, 200, `the trip's start reading is corrected (${patched.text})`);
  const monthly = await api.get(`/api/v1/reports/monthly?month=${MONTH}`);
  equal(monthly.status, 200, 'the monthly report answers');
  const report = monthly.json;
  const typoGap = report.odometer.find((a) => a.trip_id === typo.trip_id);
  check(typoGap && typoGap.issue === 'backwards', 'the report shows the corrected trip going backwards');
  const statementsAnswer = await api.get(`/api/v1/reports/statements?month=${MONTH}`);
  equal(statementsAnswer.status, 200, 'the statements answer');
  const statements = statementsAnswer.json.statements;
  check(report.odometer.length > 0, `the demo month has odometer gaps (${report.odometer.length})`);
  check(statements.length >= 2, `the demo month has at least two statements (${statements.length})`);
  check(statements.every((st) => st.approval === null), 'no statement of the demo month is approved yet');

  const page = await browser.context.newPage();
  watchPage(page, problems);
  const approvals = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/reports/statements/approve')) approvals.push(r.headers()); });
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#reports?month=${MONTH}`);
  await page.getByTestId('view-reports').waitFor();
  equal(await page.getByTestId('month').inputValue(), MONTH, 'the month comes from the URL');

  // Totals: the same figures as the API, formatted for English.
  const card = (key) => page.locator(`[data-testid=total-${key}] .stat-value`).textContent();
  await page.getByTestId('total-rides').waitFor({ timeout: 20000 });
  equal(await card('rides'), en(report.totals.rides, 0), 'rides card');
  equal(await card('km'), en(report.totals.km, 1), 'km card');
  equal(await card('trips'), en(report.totals.trips, 0), 'trips card');
  equal(await card('cancellations'), en(report.totals.cancellations.total, 0), 'cancellations card');
  equal(await card('open_trips'), en(report.totals.open_trips, 0), 'open trips card');

  // Occupancy.
  const occupancy = await page.getByTestId('occupancy-line').textContent();
  check(occupancy.includes(en(report.occupancy.occupied_km, 1)) && occupancy.includes(en(report.occupancy.empty_km, 1)),
    `the occupancy line shows the km with and without a patient: ${occupancy}`);
  equal(await page.getByTestId(report.occupancy.estimated ? 'occupancy-estimated' : 'occupancy-measured').count(), 1,
    'the occupancy says whether it is estimated');

  // Tables with translated headers, one row per driver, vehicle and day.
  equal(await page.locator('[data-testid=per-driver] tbody tr').count(), report.drivers.length, 'one row per driver');
  equal(await page.locator('[data-testid=per-vehicle] tbody tr').count(), report.vehicles.length, 'one row per vehicle');
  equal(await page.locator('[data-testid=per-day] tbody tr').count(), report.days.length, 'one row per day');
  equal(await page.locator('[data-testid=per-vehicle] thead th').allTextContents(),
    ['Plate', 'Trips', 'km', 'First odometer', 'Last odometer'], 'per-vehicle headers');

  // Odometer checks: the summary counts every gap; the table lists them, backwards first.
  const gaps = report.odometer;
  const backwards = gaps.filter((a) => a.issue === 'backwards').length;
  const summary = await page.getByTestId('odometer-summary').textContent({ timeout: 10000 });
  check(summary.startsWith(`${en(gaps.length, 0)} gaps`), `the summary counts ${gaps.length} gaps: ${summary}`);
  check(summary.includes(`${en(backwards, 0)} where the odometer goes backwards`), `the summary counts ${backwards} backwards: ${summary}`);
  check(backwards >= 1, 'at least one gap goes backwards');
  const details = page.getByTestId('odometer-details');
  if (!(await details.evaluate((el) => el.open))) await details.locator('summary').click();
  const rows = page.locator('[data-testid=odometer-table] tbody tr');
  await rows.first().waitFor({ state: 'visible' });
  equal(await rows.count(), gaps.length, 'one row per odometer gap');
  const ordered = [...gaps.filter((a) => a.issue === 'backwards'), ...gaps.filter((a) => a.issue !== 'backwards')];
  const local = (iso) => new Intl.DateTimeFormat('en-GB', {
    timeZone: report.time_zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(iso));
  for (const i of [0, 1, ordered.length - 1]) {
    const a = ordered[i];
    const cells = await rows.nth(i).locator('td').allTextContents();
    equal(cells, [
      a.plate, a.issue === 'backwards' ? 'goes backwards' : 'unlogged km',
      `#${a.previous_trip_id} · ${local(a.previous_started_at)}`, en(a.previous_reading, 1),
      `#${a.trip_id}`, local(a.started_at), en(a.odometer_start, 1), en(a.gap_km, 1),
    ], `odometer row ${i + 1}`);
  }
  equal(await rows.first().getAttribute('class'), 'backwards', 'a backwards row is marked');
  await details.locator('summary').click();  // folded again for the screenshot

  // Mileage statements: the API's drivers, in its order.
  const statementRows = page.locator('tr[data-testid^=statement-]');
  await statementRows.first().waitFor();
  equal(await statementRows.evaluateAll((trs) => trs.map((tr) => tr.dataset.testid)),
    statements.map((st) => `statement-${st.driver_id}`), 'one statement row per driver of the API');
  const [first, second] = statements;
  const firstRow = page.getByTestId(`statement-${first.driver_id}`);
  equal(await firstRow.locator('td[data-col=name]').textContent(), first.driver_name, 'the first statement names its driver');
  equal(await firstRow.locator('td[data-col=km]').textContent(), en(first.km, 1), 'the first statement shows its km');

  // Approve the first: the row shows it approved; the API and the audit log have it.
  await page.getByTestId(`approve-${first.driver_id}`).click();
  await page.getByTestId(`approved-${first.driver_id}`).waitFor();
  check((await page.getByTestId(`approved-${first.driver_id}`).textContent()).startsWith('Approved by dispatcher on '), 'the row says who approved');
  equal(await page.getByTestId(`approve-${first.driver_id}`).count(), 0, 'the approve button is gone');
  equal(approvals.length, 1, 'one approval request was sent');
  check(/^[0-9a-f-]{36}$/.test(approvals[0]['idempotency-key'] || ''), 'the approval carries an Idempotency-Key');
  const stored = (await api.get(`/api/v1/reports/statements?month=${MONTH}&driver_id=${first.driver_id}`)).json.statements[0];
  check(stored.approval !== null, 'the API shows the statement approved');
  equal([stored.approval.approved_by_name, stored.approval.km, stored.approval.amount], ['dispatcher', first.km, first.amount],
    'the approval holds the approved figures');
  equal((await api.get(`/api/v1/audit?entity=statement&id=${first.driver_id}`)).status, 403, 'a dispatcher does not read the audit log');
  const audit = await admin.get(`/api/v1/audit?entity=statement&id=${first.driver_id}`);
  equal(audit.status, 200, 'the admin reads the audit log');
  const entries = audit.json.items.filter((e) => e.action === 'approve' && e.entity_id === first.driver_id);
  equal(entries.length, 1, 'the audit log holds one approval of the statement');
  equal(entries[0].username, 'dispatcher', 'the audit entry names the dispatcher');

  // Someone else approves the second meanwhile: the page's button shows the 409's reason,
  // and the row who approved it.
  equal((await api.post('/api/v1/reports/statements/approve', { driver_id: second.driver_id, month: MONTH })).status, 200,
    'the second statement is approved through the API');
  await page.getByTestId(`approve-${second.driver_id}`).click();
  const refusal = page.getByTestId(`approve-error-${second.driver_id}`);
  await refusal.waitFor();
  check(/already approved/.test(await refusal.textContent()), `the refusal's reason is shown next to the row: ${await refusal.textContent()}`);
  await page.getByTestId(`approved-${second.driver_id}`).waitFor();
  equal(await page.getByTestId(`approve-error-${second.driver_id}`).count(), 1, 'the reason stays next to the row now shown approved');
  await page.screenshot({ path: path.join(artifacts, 'reports.png'), fullPage: true });

  // A reload keeps the month and shows both approved.
  await page.reload();
  await page.getByTestId(`approved-${second.driver_id}`).waitFor();
  equal(await page.getByTestId('month').inputValue(), MONTH, 'the month survives a reload');
  equal(await page.getByTestId(`approved-${first.driver_id}`).count(), 1, 'the first stays approved');

  // In Chinese.
  await page.getByTestId('lang').selectOption('zh-CN');
  await page.locator('[data-testid=statements] h3', { hasText: '里程补贴单' }).waitFor();
  equal(await page.locator('[data-testid=odometer] h3').textContent(), '里程表核查', 'the odometer heading in Chinese');
  equal(await page.locator('[data-testid=total-rides] .stat-label').textContent(), '接送人次', 'a totals label in Chinese');
  equal(await page.locator('[data-testid=per-vehicle] thead th').first().textContent(), '车牌', 'a column header in Chinese');
  check((await page.getByTestId('odometer-summary').textContent()).startsWith(`行程之间共 ${new Intl.NumberFormat('zh-CN').format(gaps.length)} 处`), 'the odometer summary in Chinese');
  await page.screenshot({ path: path.join(artifacts, 'reports-zh.png'), fullPage: true });
  await page.getByTestId('lang').selectOption('en');
});
