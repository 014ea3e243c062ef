// Shared by the planning scenarios of the day board (schedules_now, pins, absences,
// overdue): the demo at the rehearsal's morning (Monday 10:00 in the organisation's
// zone), a dialysis day beyond the requests' horizon, and the API reads they check.
import { check, apiClient, watchPage, DEMO_PASSWORD, signInDispatcher, todayIn } from './harness.mjs';

export function addDays(date, k) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
}

// The dispatcher's API, today, and `date`: a weekday with dialysis sessions, at least
// 9 days ahead (beyond the horizon, so it has no requests yet).
export async function planningDay(server) {
  const api = await apiClient(server.url, 'dispatcher', DEMO_PASSWORD);
  const zone = (await api.get('/api/v1/settings')).json.time_zone;
  const today = todayIn(zone, server.now());
  let date;
  for (let k = 9; k < 16 && !date; k++) if ([1, 3, 5].includes(new Date(`${addDays(today, k)}T12:00:00Z`).getUTCDay())) date = addDays(today, k);
  return {
    api, zone, today, date,
    requestsOf: async (day) => (await api.get(`/api/v1/requests?date=${day}&limit=500`)).json.items,
    routesOf: async (day) => (await api.get(`/api/v1/days/${day}/routes`)).json,
  };
}

// The vehicle whose route on `routes` (a day's routes answer) carries request `id`.
export function vehicleOf(routes, id) {
  return (routes.routes.find((r) => r.stops.some((s) => s.request_id === id)) || {}).vehicle_id;
}

// `date`'s requests made from the schedules and planned, through the API (the scenarios
// that test the board's own buttons for these are schedules_now and overdue).
export async function plannedThroughApi(day, date) {
  const made = await day.api.post('/api/v1/schedule/generate', { from: date, to: date });
  check(made.status < 300, `requests made for ${date} (${made.status} ${made.text})`);
  check((await day.requestsOf(date)).length > 0, `${date} has requests`);
  const plan = await day.api.post(`/api/v1/days/${date}/plan`, {});
  check(plan.status < 300, `${date} planned (${plan.status} ${plan.text})`);
}

// The board of `date`, signed in as the dispatcher.
export async function openBoard(server, browser, problems, date) {
  const page = await browser.context.newPage();
  watchPage(page, problems);
  await signInDispatcher(page, server);
  await page.goto(`${server.url}/#board?date=${date}`);
  await page.getByTestId('view-board').waitFor();
  return page;
}

// Clicks *Plan the day* and waits for the board to say it planned.
export async function planOnBoard(page) {
  await page.getByTestId('plan').click();
  await page.getByTestId('board-status').filter({ hasText: 'Planned:' }).waitFor({ timeout: 60000 });
}

// The patients' page: a new patient named `name`, living near the patient `like` and
// treated at the same centre (`center`, picked by its name), whose schedule has
// `weekday` (1 = Monday) at 11:30.
export async function addPatientWithSchedule(page, server, { like, center, weekday, name }) {
  await page.goto(`${server.url}/#patients`);
  await page.getByTestId('new').click();
  const form = page.getByTestId('form-patients');
  await form.locator('[name=name]').fill(name);
  await form.locator('[name=phone]').fill('13904321234');
  await form.locator('[name=address]').fill('吉林市船营区松江中路 18 号');
  await form.locator('[name=lat]').fill(String(like.lat + 0.002));
  await form.locator('[name=lon]').fill(String(like.lon + 0.002));
  await form.getByTestId('pick-center_id').fill(center.name);
  await form.locator(`.picker[data-kind=place] li[data-id="${center.id}"]`).click();
  await form.locator(`.weekdays input[value="${weekday}"]`).check();
  await form.locator('[name=appointment]').fill('11:30');
  await form.locator('[name=duration_minutes]').fill('60');
  await form.getByTestId('save').click();
  await form.waitFor({ state: 'detached' });
}
