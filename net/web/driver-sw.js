// The driver page's service worker: lets /driver open with no network once it has been
// opened online, as cheap phones drop background tabs and drivers reload in dead zones.
//
// It is served at /driver-sw.js (not under /static/) so that its default scope, "/",
// reaches /driver; driver.js registers it with the narrower scope "/driver", so the
// dispatcher's page at "/" is never controlled by it.
//
// What it keeps: the driver page's shell and nothing else, i.e. /driver and every file
// driver.html and its module graph load (driver.html → style.css, driver.js →
// common.js → i18n-en.js, i18n-zh-CN.js). Those requests go to the network first, so a
// new server binary's pages are used at once while online; only when the network fails
// (or a proxy answers 502/503/504) is the cached copy answered.
//
// What it never touches: anything under /api/ (the page's outbox with its
// Idempotency-Keys deals with the API; a cached answer would be wrong), any method but
// GET, other hosts, and every other file (the dispatcher's page).
//
// Versions: net/embed_web.cmake writes into this file, at build time, the build of the
// web UI (a SHA-256 over every file of net/web/) and each file's ETag (unquoted). A new binary with
// any changed web file thus serves a different worker, which the browser installs on the
// next visit online: it fetches the shell into a cache named after its build, refuses a
// file whose ETag is not the one it was built with (a server swapped mid-install: the
// old worker stays until the next visit), and on activation deletes every older cache.
// Nothing is written to the cache afterwards, so it always holds one build's files.
const BUILD = '@LIFELINE_WEB_BUILD@';
const ETAGS = JSON.parse('@LIFELINE_WEB_ETAGS@');
const PREFIX = 'lifeline-driver-';
const CACHE = `${PREFIX}${BUILD}`;

// URL path → the file of net/web/ it is served from.
const SHELL = new Map([
  ['/driver', 'driver.html'],
  ['/static/style.css', 'style.css'],
  ['/static/driver.js', 'driver.js'],
  ['/static/common.js', 'common.js'],
  ['/static/i18n-en.js', 'i18n-en.js'],
  ['/static/i18n-zh-CN.js', 'i18n-zh-CN.js'],
]);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // Where the browser can (static routing, Chromium 123+), requests to the API do not
    // even reach this worker; elsewhere the fetch handler below lets them pass.
    if (event.addRoutes && typeof URLPattern === 'function') {
      try {
        await event.addRoutes([{ condition: { urlPattern: new URLPattern({ pathname: '/api/*' }) }, source: 'network' }]);
      } catch { /* the fetch handler still lets them pass */ }
    }
    const cache = await caches.open(CACHE);
    for (const [path, file] of SHELL) {
      const res = await fetch(path, { cache: 'no-cache', credentials: 'same-origin' });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      // A reverse proxy may weaken the ETag (nginx does when it compresses) or drop it.
      const etag = (res.headers.get('ETag') || '').replace(/^W\//, '');
      if (etag && etag !== `"${ETAGS[file]}"`) throw new Error(`${path}: not the file of build ${BUILD}`);
      await cache.put(path, res);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;  // never cached, never answered here
  if (!SHELL.has(url.pathname)) return;
  event.respondWith(networkFirst(req, url.pathname));
});

async function networkFirst(req, path) {
  let res;
  try {
    res = await fetch(req);
    if (![502, 503, 504].includes(res.status)) return res;
  } catch {
    res = null;
  }
  const cached = await caches.open(CACHE).then((cache) => cache.match(path));
  if (cached) return cached;
  return res || Response.error();
}
