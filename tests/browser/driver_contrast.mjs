// On a cheap phone in daylight: the text of finished stops meets WCAG AA (a contrast
// ratio of at least 4.5:1, computed from the page's computed colours, backgrounds and
// opacities), and the manifest's heading with its date stays on one line at 360 px, today
// and tomorrow, in English and Chinese.
import path from 'node:path';
import { check, equal, run, artifacts } from './harness.mjs';
import { driverDay, rideOnVehicle, openDriverPage } from './driver_common.mjs';

// The lowest contrast ratio of any text in `selector`, with where it is.
function lowestContrast(page, selector) {
  return page.evaluate((sel) => {
    const rgba = (c) => {
      const p = c.match(/[\d.]+/g).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3])).concat(1);
    const luminance = (c) => {
      const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    // What is painted behind `el`, and the opacity it is painted with: the backgrounds of
    // its ancestors from the page down, each faded by the opacity of its own ancestors.
    const painted = (el) => {
      const chain = [];
      for (let e = el; e; e = e.parentElement) chain.unshift(e);
      let behind = [255, 255, 255, 1];
      let opacity = 1;
      for (const e of chain) {
        const style = getComputedStyle(e);
        opacity *= Number(style.opacity);
        const bg = rgba(style.backgroundColor);
        behind = over([bg[0], bg[1], bg[2], bg[3] * opacity], behind);
      }
      return { behind, opacity };
    };
    const lowest = { ratio: Infinity, text: '', stops: 0 };
    const stops = document.querySelectorAll(sel);
    lowest.stops = stops.length;
    for (const stop of stops) {
      for (const el of [stop, ...stop.querySelectorAll('*')]) {
        const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
        if (!own || el.getClientRects().length === 0) continue;
        const { behind, opacity } = painted(el);
        const fg = rgba(getComputedStyle(el).color);
        const text = over([fg[0], fg[1], fg[2], fg[3] * opacity], behind);
        const a = luminance(text), b = luminance(behind);
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < lowest.ratio) Object.assign(lowest, { ratio, text: own.slice(0, 40) });
      }
    }
    return lowest;
  }, selector);
}

// The heading's box against one line of its text, and whether any of it is cut off.
function headingLines(page) {
  return page.getByTestId('manifest-title').evaluate((el) => {
    const style = getComputedStyle(el);
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return {
      lines: tops.size,
      height: el.getBoundingClientRect().height,
      lineHeight: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2,
      cut: el.scrollWidth > el.clientWidth + 1,
      text: el.textContent,
    };
  });
}

await run('driver page contrast and heading', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const first = await rideOnVehicle(server, day, day.patients[0], 30);
  await rideOnVehicle(server, day, day.patients[1], 60);

  // The first ride is done, as the server knows it: the phone marks its stops finished.
  const now = server.now().getTime();
  const at = (min) => new Date(now + min * 60000).toISOString();
  const trip = await day.driverApi.post('/api/v1/trips', {
    vehicle_id: day.vehicle.id, route_id: first.route.id, started_at: at(-20), odometer_start: Math.ceil(day.vehicle.odometer_km) + 1,
  });
  equal(trip.status, 201, `the trip starts (${trip.text})`);
  for (const [type, min] of [['pickup', -10], ['dropoff', -5]]) {
    const ev = await day.driverApi.post(`/api/v1/trips/${trip.json.id}/events`, { type, request_id: first.id, at: at(min) });
    equal(ev.status, 201, `${type} logged (${ev.text})`);
  }

  const page = await openDriverPage(server, browser, problems);
  await page.locator('li.stop.done').nth(1).waitFor();
  equal(await page.locator('li.stop.done').count(), 2, "the first ride's pickup and drop-off are finished");
  const lowest = await lowestContrast(page, 'li.stop.done');
  console.log(`finished stops: lowest contrast ${lowest.ratio.toFixed(2)}:1 ("${lowest.text}")`);
  check(lowest.ratio >= 4.5, `finished stops' text meets WCAG AA, 4.5:1 (lowest ${lowest.ratio.toFixed(2)}:1 for "${lowest.text}")`);
  const open = await lowestContrast(page, 'li.stop:not(.done)');
  check(open.stops > 0 && open.ratio >= 4.5, `open stops' text too (lowest ${open.ratio.toFixed(2)}:1 for "${open.text}")`);
  await page.screenshot({ path: path.join(artifacts, 'driver-contrast.png'), fullPage: true });

  for (const lang of ['en', 'zh-CN']) {
    await page.getByTestId('lang').selectOption(lang);
    for (const which of ['today', 'tomorrow']) {
      await page.getByTestId(`day-${which}`).click();
      // Measured once the day's manifest is in: the section is drawn again when it arrives,
      // and a heading measured across that redraw is a detached one, with no lines at all.
      await page.locator(`[data-testid=manifest][data-day=${which}] :is(h3, [data-testid=no-stops], [data-testid=manifest-unavailable])`).first().waitFor();
      const h = await headingLines(page);
      check(h.lines === 1 && h.height < 1.5 * h.lineHeight, `${lang}, ${which}: the heading is one line at 360 px (${JSON.stringify(h)})`);
      check(!h.cut, `${lang}, ${which}: nothing of the heading is cut off (${h.text})`);
    }
  }
});
