// The administration page shows the travel model the demo's replayed year supports
// beside the one planning uses, and "Apply to planning" makes planning use it: the
// settings then hold the fitted figures, and the audit log names the dispatcher's change.
import { run, check, equal, artifacts, signInDispatcher, apiClient, ADMIN_PASSWORD } from './harness.mjs';
import path from 'node:path';

await run('admin applies the travel model learned from the trips', async ({ server, browser, problems }) => {
  const admin = await apiClient(server.url, 'admin', ADMIN_PASSWORD);
  const fit = (await admin.get('/api/v1/calibration')).json;
  check(fit.trips > 1000 && fit.detour_factor !== null && fit.speed_kmh !== null, `the demo year supports a fit (${JSON.stringify({ trips: fit.trips, d: fit.detour_factor, s: fit.speed_kmh })})`);

  const page = await browser.context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInDispatcher(page, server, 'admin', ADMIN_PASSWORD);
  await page.getByTestId('nav-admin').click();
  const section = page.getByTestId('calibration');
  await section.getByTestId('calibration-summary').waitFor();
  check((await section.getByTestId('calibration-summary').textContent()).includes(`${fit.trips} finished trips`), 'the number of trips behind the fit is shown');
  equal(await section.getByTestId('calibration-detour').textContent(), fit.detour_factor.toFixed(3), 'the fitted detour factor is shown');
  equal(await section.getByTestId('calibration-speed').textContent(), fit.speed_kmh.toFixed(1), 'the fitted speed is shown');
  await section.screenshot({ path: path.join(artifacts, 'admin-calibration.png') });

  await section.getByTestId('calibration-apply').click();
  await section.getByText('Planning now uses the travel model from the trips.').waitFor();
  const matcher = (await admin.get('/api/v1/settings')).json.matcher;
  check(Math.abs(matcher.detour_factor - fit.detour_factor) < 0.001, `planning uses the fitted detour factor (${matcher.detour_factor})`);
  check(Math.abs(matcher.speed_kmh - fit.speed_kmh) < 0.06, `planning uses the fitted speed (${matcher.speed_kmh})`);
  equal(await page.locator('[data-field="matcher.speed_kmh"]').inputValue(), String(matcher.speed_kmh), 'the settings form shows it too');
  const audit = (await admin.get('/api/v1/audit?entity=settings')).json.items;
  check(audit.some((a) => a.action === 'calibrate' && a.username === 'admin'), 'the change is audited as calibrate');

  await page.getByTestId('lang').selectOption('zh-CN');
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('calibration').getByText('应用于计划').waitFor();
});
