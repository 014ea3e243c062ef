// Names, not numbers, at 1366 px: the board's *Add a request* finds a demo patient by the
// initials of their name (arrows and Enter) and another by a fragment of their phone (a
// tap), and each request is created for the patient picked; the route cards name each
// driver and plate; the vehicle form shows its driver by name, keeps a refused number next
// to the picker and saves another driver found by phone digits. Then the dispatcher's language is kept on the server: switched to
// English while signed in, it is English again after signing out, clearing the browser's
// storage and choosing Chinese on the sign-in page.
import path from 'node:path';
import { run, check, equal, apiClient, watchPage, artifacts, DEMO_PASSWORD, signInDispatcher } from './harness.mjs';

// Demo patients with no dialysis on Mondays: one found by the pinyin initials of the name
// (罗宝山: l-b-s), one by five digits from the middle of the phone.
const INITIALS_PATIENT = { name: '罗宝山', initials: 'lbs' };
const PHONE_PATIENT = '吴志强';

function dateIn(zone, ms) {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms))) p[type] = value;
  return `${p.year}-${p.month}-${p.day}`;
}

// A Monday at least two days after `today` (YYYY-MM-DD).
function nextMonday(today) {
  for (let k = 2; k < 9; k++) {
    const d = new Date(`${today}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + k);
    if (d.getUTCDay() === 1) return d.toISOString().slice(0, 10);
  }
  return null;
}

// Opens *Add a request*, picks a patient with `pick`, sends a ride home at 15:00 and
// answers the request created.
async function addRequest(page, api, date, pick) {
  const before = new Set((await api.get(`/api/v1/requests?date=${date}&limit=500`)).json.items.map((r) => r.id));
  await page.getByTestId('add-request').click();
  const form = page.getByTestId('request-form');
  await pick(form);
  await form.locator('[name=direction]').selectOption('home');
  await form.locator('[name=time_kind]').selectOption('ready_at');
  await form.locator('[name=time]').fill('15:00');
  await form.locator('button[type=submit]').click();
  await form.waitFor({ state: 'detached' });
  const added = (await api.get(`/api/v1/requests?date=${date}&limit=500`)).json.items.filter((r) => !before.has(r.id));
  equal(added.length, 1, 'one new request');
  return added[0];
}

await run('pickers: patients by initials and phone, drivers named on route cards', async ({ server, browser, problems }) => {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const zone = (await api.get('/api/v1/settings')).json.time_zone;
  const date = nextMonday(dateIn(zone, server.now().getTime()));
  equal((await api.post('/api/v1/schedule/generate', { from: date, to: date })).status, 200, `generating ${date}`);
  const patients = (await api.get('/api/v1/patients?limit=500')).json.items.filter((p) => p.active);
  const byInitials = patients.find((p) => p.name === INITIALS_PATIENT.name);
  check(byInitials, `the demo has ${INITIALS_PATIENT.name}`);
  const byPhone = patients.find((p) => p.name === PHONE_PATIENT);
  check(byPhone && byPhone.phone, `the demo has ${PHONE_PATIENT} with a phone`);
  const fragment = byPhone.phone.replace(/\D/g, '').slice(-7, -2);

  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();

  // By initials, with the keyboard: the list is a listbox of options, the box a combobox.
  const first = await addRequest(page, api, date, async (form) => {
    const box = form.getByTestId('request-patient');
    equal(await box.getAttribute('role'), 'combobox', 'the picker is a combobox');
    await box.pressSequentially(INITIALS_PATIENT.initials, { delay: 60 });
    const list = form.locator('[role=listbox]');
    const option = list.locator('[role=option]', { hasText: byInitials.name }).first();
    await option.waitFor();
    await page.screenshot({ path: path.join(artifacts, 'pickers-initials.png') });
    const names = await list.locator('[role=option] .picker-name').allTextContents();
    const index = names.findIndex((n) => n.startsWith(byInitials.name));
    check(index >= 0, `the list offers ${byInitials.name}: ${names.join(', ')}`);
    for (let i = 0; i < index; i++) await box.press('ArrowDown');
    const active = await box.getAttribute('aria-activedescendant');
    equal(await list.locator(`#${active} .picker-name`).textContent(), byInitials.name, 'the highlighted option is the patient');
    await box.press('Enter');
    equal(await box.inputValue(), byInitials.name, 'the box shows the chosen name');
    equal(await form.locator('[name=patient_id]').inputValue(), String(byInitials.id), 'the hidden field holds the id');
  });
  equal(first.patient_id, byInitials.id, 'the request is for the patient found by initials');

  // By a fragment of the phone, with a tap; each option shows the phone's last digits.
  const second = await addRequest(page, api, date, async (form) => {
    const box = form.getByTestId('request-patient');
    await box.fill(fragment);
    const option = form.locator('[role=option]', { hasText: byPhone.name }).first();
    await option.waitFor();
    const text = await option.textContent();
    check(text.includes(byPhone.phone.replace(/\D/g, '').slice(-4)), `the option shows the phone's tail: ${text}`);
    await option.click();
    equal(await box.inputValue(), byPhone.name, 'the box shows the tapped name');
  });
  equal(second.patient_id, byPhone.id, 'the request is for the patient found by phone');

  // Route cards: each names its driver and plate, never a number.
  await page.getByTestId('plan').click();
  await page.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
  const day = (await api.get(`/api/v1/days/${date}/routes`)).json;
  check(day.routes.length > 0, 'the day has routes');
  await page.locator(`[data-testid=route-${day.routes[0].id}]`).waitFor();
  for (const route of day.routes) {
    const driver = (await api.get(`/api/v1/drivers/${route.driver_id}`)).json;
    const vehicle = (await api.get(`/api/v1/vehicles/${route.vehicle_id}`)).json;
    const card = page.locator(`[data-testid=route-${route.id}]`);
    const head = await card.locator('.route-driver').textContent();
    check(head.includes(driver.name) && !head.includes(`#${route.driver_id}`), `route ${route.id} names its driver ${driver.name}: ${head}`);
    equal(await card.locator('.route-head strong').textContent(), vehicle.plate, `route ${route.id} shows its plate`);
  }
  await page.screenshot({ path: path.join(artifacts, 'pickers-routes.png') });

  // The vehicle form: its driver shown by name; an unknown number is refused next to the
  // picker with the typing kept; another driver found by phone digits is saved.
  const vehicle = (await api.get('/api/v1/vehicles?active=true&limit=100')).json.items.find((v) => v.driver_id);
  const drivers = (await api.get('/api/v1/drivers?active=true&limit=100')).json.items;
  const owner = drivers.find((d) => d.id === vehicle.driver_id);
  const other = drivers.find((d) => d.id !== vehicle.driver_id && d.phone);
  check(owner && other, 'a vehicle with a driver, and another driver with a phone');
  await page.goto(`${server.url}/#vehicles`);
  const row = page.locator('[data-testid=list-vehicles] tbody tr', { hasText: vehicle.plate });
  await row.filter({ hasText: owner.name }).waitFor();
  check(!(await row.textContent()).includes(`#${owner.id}`), 'the vehicles list names the driver');
  await row.locator('td.actions button').first().click();
  const form = page.getByTestId('form-vehicles');
  const box = form.getByTestId('pick-driver_id');
  await page.waitForFunction((name) => document.querySelector('[data-testid=pick-driver_id]').value === name, owner.name);
  await box.fill('#999999');
  await form.getByTestId('save').click();
  await form.locator('[data-error-for=driver_id]').waitFor();
  equal(await box.inputValue(), '#999999', 'the refused number stays in the box');
  equal((await api.get(`/api/v1/vehicles/${vehicle.id}`)).json.driver_id, vehicle.driver_id, 'nothing written');
  await box.fill(other.phone.replace(/\D/g, '').slice(-6));
  const option = form.locator('[role=option]', { hasText: other.name }).first();
  await option.click();
  await form.getByTestId('save').click();
  await form.waitFor({ state: 'detached' });
  equal((await api.get(`/api/v1/vehicles/${vehicle.id}`)).json.driver_id, other.id, 'the vehicle has the driver picked');
});

await run('language: the dispatcher\'s choice is kept on the server', async ({ server, browser, problems }) => {
  const page = await browser.context.newPage();
  watchPage(page, problems);
  await page.goto(`${server.url}/`);
  await page.getByTestId('lang').selectOption('zh-CN');
  await page.fill('input[name=username]', 'dispatcher');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.getByTestId('view-board').waitFor();
  equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN', 'signed in in Chinese');

  const changed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/me') && r.request().method() === 'PATCH');
  await page.getByTestId('lang').selectOption('en');
  equal((await changed).status(), 200, 'the switch is sent to the server');
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  equal((await api.get('/api/v1/auth/me')).json.language, 'en', 'the server keeps English for the dispatcher');

  await page.click('#signout');
  await page.locator('input[name=username]').waitFor();
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  // This browser now says Chinese; the user's own choice wins once signed in.
  await page.getByTestId('lang').selectOption('zh-CN');
  await page.fill('input[name=username]', 'dispatcher');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.getByTestId('view-board').waitFor();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  equal(await page.getByTestId('lang').inputValue(), 'en', 'the switch shows English');
  equal(await page.evaluate(() => localStorage.getItem('lifeline.lang')), 'en', 'the browser keeps English too');
  check((await page.locator('#signout').textContent()).trim().length > 0, 'the page is drawn');
  await page.screenshot({ path: path.join(artifacts, 'pickers-language.png') });
});
