// A hospital stay on the patient's page: *Away* lists the patient's suspensions; one
// whose last day is before its first is refused next to *To* with the values kept; a
// stay on a day with rides cancels them; removing it before the day gives them back.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher } from './harness.mjs';
import { sessionDay, dayRequests, OPEN } from './cancel_common.mjs';

await run('patients: a hospital stay cancels the rides of its days, removing it brings them back', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const { date } = await sessionDay(api, server);
  const rides = (await dayRequests(api, date)).filter((r) => r.direction === 'to_center' && OPEN.includes(r.status));
  check(rides.length > 0, `${date} has rides`);
  const patient = (await api.get(`/api/v1/patients/${rides[0].patient_id}`)).json;
  const theirs = async () => (await dayRequests(api, date)).filter((r) => r.patient_id === patient.id);
  const before = await theirs();

  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#patients?q=${encodeURIComponent(patient.name)}`);
  await page.getByTestId(`suspend-${patient.id}`).click();
  const card = page.getByTestId('suspensions');
  await card.getByTestId('suspension-list').filter({ hasText: 'No suspensions' }).waitFor();

  // The last day before the first: refused next to *To*, nothing written.
  const dayBefore = new Date(`${date}T12:00:00Z`);
  dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
  await card.getByTestId('suspension-from').fill(date);
  await card.getByTestId('suspension-to').fill(dayBefore.toISOString().slice(0, 10));
  await card.getByTestId('suspension-reason').fill('住院');
  await card.getByTestId('suspension-add').click();
  await card.locator('[data-error-for="to"]').waitFor();
  equal(await card.getByTestId('suspension-reason').inputValue(), '住院', 'the reason typed is kept');
  equal((await api.get(`/api/v1/patients/${patient.id}/suspensions`)).json.items.length, 0, 'nothing was saved');

  await card.getByTestId('suspension-to').fill(date);
  await card.getByTestId('suspension-add').click();
  await card.getByTestId('suspension-status').filter({ hasText: `${before.length} rides` }).waitFor();
  const entry = card.locator('li[data-suspension]');
  await entry.filter({ hasText: '住院' }).waitFor();
  const during = await theirs();
  check(during.every((r) => r.status === 'cancelled' && r.suspension_id), 'the patient\'s rides of the day are cancelled by the stay');

  const sid = await entry.getAttribute('data-suspension');
  await card.getByTestId(`suspension-remove-${sid}`).click();
  await card.getByTestId('suspension-status').filter({ hasText: 'are back' }).waitFor();
  await card.getByTestId('suspension-list').filter({ hasText: 'No suspensions' }).waitFor();
  const lifted = await theirs();
  check(lifted.every((r) => r.status === 'pending' && !r.suspension_id), 'the rides are pending again');
  equal(lifted.length, before.length, 'the same rides');

  await page.screenshot({ path: path.join(artifacts, 'suspension.png'), fullPage: true });
});
