// Each stop on the driver's phone (360 px) has a tap-to-call link for the patient and links
// that open navigation in Amap, Baidu Maps or any map app, with the hrefs the server built
// (each in the datum its app routes in), thumb-sized, in Chinese and English.
import { run, check, equal, artifacts } from './harness.mjs';
import path from 'node:path';
import { driverDay, rideOnVehicle, openDriverPage } from './driver_common.mjs';

const SCHEMES = { amap: 'https://uri.amap.com/navigation?', baidu: 'baidumap://map/direction?', geo: 'geo:' };

async function linkAt(page, testid) {
  const link = page.getByTestId(testid);
  await link.waitFor();
  const box = await link.boundingBox();
  return { href: await link.getAttribute('href'), text: (await link.textContent()).trim(), box };
}

await run('driver taps to call the patient and to navigate to each stop', async ({ server, browser, problems }) => {
  const day = await driverDay(server);
  const patient = day.patients[0];
  const ride = await rideOnVehicle(server, day, patient, 20);
  const page = await openDriverPage(server, browser, problems);

  const manifest = (await day.driverApi.get(`/api/v1/drivers/${day.me.driver_id}/manifest?date=${day.today}`)).json;
  const stops = manifest.routes.flatMap((r) => r.stops).filter((s) => s.request_id === ride.id);
  equal(stops.map((s) => s.kind), ['pickup', 'dropoff'], 'the ride has two stops on the manifest');
  const phone = (await day.dispatcher.get(`/api/v1/patients/${patient.id}`)).json.phone;
  check(phone, 'the demo patient has a phone');

  for (const stop of stops) {
    const ref = `${stop.request_id}-${stop.kind}`;
    const call = await linkAt(page, `call-${ref}`);
    equal(call.href, `tel:${phone.replace(/[^0-9+]/g, '')}`, `${ref}: the call link dials the patient`);
    check(call.text.includes('Call') && call.text.includes(phone), `${ref}: the call link says whom (${call.text})`);
    check(call.box.height >= 44, `${ref}: the call link is at least 44 px high (${call.box.height})`);
    for (const [app, scheme] of Object.entries(SCHEMES)) {
      const link = await linkAt(page, `nav-${app}-${ref}`);
      check(link.href.startsWith(scheme), `${ref}: ${app} link starts with ${scheme} (${link.href})`);
      equal(link.href, stop.nav[app], `${ref}: the ${app} link is the server's`);
      check(link.box.height >= 44 && link.box.width >= 44, `${ref}: ${app} link is at least 44 × 44 px (${link.box.width} × ${link.box.height})`);
    }
    check(stop.nav.baidu.includes('coord_type=bd09ll'), `${ref}: Baidu is told the datum`);
    check(stop.nav.geo.startsWith(`geo:${stop.lat.toFixed(6)},${stop.lon.toFixed(6)}?`), `${ref}: geo: carries the stored WGS-84`);
    check(!stop.nav.amap.includes(stop.lon.toFixed(6)), `${ref}: Amap gets converted (GCJ-02) coordinates`);
  }
  const first = `${stops[0].request_id}-${stops[0].kind}`;
  equal((await linkAt(page, `nav-amap-${first}`)).text, 'Amap', 'the Amap label in English');
  equal((await linkAt(page, `nav-baidu-${first}`)).text, 'Baidu Maps', 'the Baidu label in English');
  equal((await linkAt(page, `nav-geo-${first}`)).text, 'Map', 'the geo label in English');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 360, `nothing sticks out of a 360 px screen (${width})`);
  await page.screenshot({ path: path.join(artifacts, 'driver-navigation-en.png'), fullPage: true });

  await page.getByTestId('lang').selectOption('zh-CN');
  equal((await linkAt(page, `nav-amap-${first}`)).text, '高德地图', 'the Amap label in Chinese');
  equal((await linkAt(page, `nav-baidu-${first}`)).text, '百度地图', 'the Baidu label in Chinese');
  equal((await linkAt(page, `nav-geo-${first}`)).text, '地图', 'the geo label in Chinese');
  check((await linkAt(page, `call-${first}`)).text.includes('拨打电话'), 'the call label in Chinese');
  await page.screenshot({ path: path.join(artifacts, 'driver-navigation-zh.png'), fullPage: true });
});
