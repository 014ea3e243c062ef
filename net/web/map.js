// Maps of the dispatcher's page, drawn with Leaflet (served from /static/, compiled into
// the binary): the board's map of the day, and the location pickers of the patient,
// place and driver forms. Coordinates are stored in WGS-84; the tiles may be drawn in
// another datum (the map_datum setting). The server converts every point (the day's map
// carries map_lat/map_lon; the pickers use POST /api/v1/geo/convert): this file does no
// datum arithmetic of its own.
import { t, h, fmtTime, showError } from './common.js';

// Where a picker opens when the form has no location yet: Jilin City.
const HOME_VIEW = { lat: 43.8378, lon: 126.5494, zoom: 12 };
const PALETTE_SIZE = 8;  // route colours: classes c0…c7 in style.css

let leaflet = null;

// Loads leaflet.js once (a classic script: it defines window.L).
export function ensureLeaflet() {
  if (!leaflet) {
    leaflet = new Promise((resolve, reject) => {
      if (window.L) { resolve(window.L); return; }
      const s = document.createElement('script');
      s.src = '/static/leaflet.js';
      s.onload = () => resolve(window.L);
      s.onerror = () => { leaflet = null; reject(new Error(t('map.unavailable'))); };
      document.head.append(s);
    });
  }
  return leaflet;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The tiles of the settings, on a plain background: with no tile reachable the lines and
// markers still show.
function tileLayer(L, tiles) {
  return L.tileLayer(tiles.url, { attribution: escapeHtml(tiles.attribution || ''), maxZoom: 19, subdomains: 'abc' });
}

function newMap(L, el, tiles) {
  // A view from the start: Leaflet adds a layer's elements only to a map that has one.
  const map = L.map(el, { attributionControl: false, zoomControl: true }).setView([HOME_VIEW.lat, HOME_VIEW.lon], HOME_VIEW.zoom);
  L.control.attribution({ prefix: false }).addTo(map);
  // The form or panel may still be laying out (or fold and unfold): Leaflet must know the
  // size it is drawn at, or clicks land elsewhere than they look.
  new ResizeObserver(() => map.invalidateSize()).observe(el);
  tileLayer(L, tiles).addTo(map);
  return map;
}

// Runs `fn` once `el` is in the document (forms are built before they are shown).
function whenConnected(el, fn) {
  let tries = 0;
  const step = () => {
    if (el.isConnected) fn();
    else if (++tries < 600) requestAnimationFrame(step);
  };
  step();
}

// "3 分钟前" / "3 min ago".
export function ageText(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return t('map.age_now');
  if (s < 3600) return t('map.age_min', { n: Math.floor(s / 60) });
  if (s < 86400) return t('map.age_h', { n: Math.floor(s / 3600) });
  return t('map.age_d', { n: Math.floor(s / 86400) });
}

// ---- the board's map ----------------------------------------------------------------

// The map beside the day's timelines. `routesEl` holds the route cards (board.js), whose
// stops are li[data-testid="stop-<request>-<kind>"]; `unassignedEl` the li[data-unassigned].
// Returns { element, refresh() }: board.js calls refresh() after each reload of the routes.
export function boardMap(api, date, routesEl, unassignedEl) {
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'map-error' });
  const mapEl = h('div', { class: 'map board-map-canvas', 'data-testid': 'map' });
  const narrow = window.matchMedia('(max-width: 900px)').matches;
  const element = h('details', { class: 'board-map card', 'data-testid': 'board-map', open: !narrow || undefined },
    h('summary', {}, t('map.title')), box, mapEl,
    h('p', { class: 'hint' }, t('map.legend')));
  let L = null;
  let map = null;
  let layers = null;
  let data = null;
  let fitted = false;
  const markers = new Map();  // "<request>-<kind>" → marker

  routesEl.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-testid^="stop-"]');
    if (li) select(li.dataset.testid.slice(5), true);
  });

  // A stop chosen on the map or in a timeline: both show it.
  function select(key, pan) {
    for (const el of routesEl.querySelectorAll('li.map-selected')) el.classList.remove('map-selected');
    for (const m of markers.values()) if (m.getElement()) m.getElement().classList.remove('selected');
    const li = routesEl.querySelector(`li[data-testid="stop-${key}"]`);
    if (li) {
      li.classList.add('map-selected');
      if (!pan) li.scrollIntoView({ block: 'nearest' });
    }
    const marker = markers.get(key);
    if (marker && marker.getElement()) {
      marker.getElement().classList.add('selected');
      if (pan && map) map.panTo(marker.getLatLng());
    }
  }

  function selectUnassigned(id) {
    for (const el of unassignedEl.querySelectorAll('li.map-selected')) el.classList.remove('map-selected');
    const li = unassignedEl.querySelector(`li[data-unassigned="${id}"]`);
    if (li) { li.classList.add('map-selected'); li.scrollIntoView({ block: 'nearest' }); }
  }

  function marker(lat, lon, className, html, title) {
    return L.marker([lat, lon], { icon: L.divIcon({ className, html, iconSize: null }), title, keyboard: true, riseOnHover: true });
  }

  function drawRoutes(bounds) {
    data.routes.forEach((route, i) => {
      const colour = `c${i % PALETTE_SIZE}`;
      const placed = route.stops.filter((s) => s.map_lat !== undefined);
      if (placed.length) {
        L.polyline(placed.map((s) => [s.map_lat, s.map_lon]), { className: `route-line ${colour}`, weight: 4, opacity: 0.85 })
          .addTo(layers);
      }
      for (const s of placed) {
        const key = `${s.request_id}-${s.kind}`;
        const m = marker(s.map_lat, s.map_lon, `stop-marker ${s.kind} ${colour}`, `<span>${s.seq}</span>`,
          `${s.seq}. ${t(`stop.${s.kind}`)} · ${fmtTime(s.eta)}`);
        m.on('click', () => select(key, false));
        m.addTo(layers);
        m.getElement().dataset.stop = key;
        markers.set(key, m);
        bounds.push([s.map_lat, s.map_lon]);
      }
    });
  }

  function drawUnassigned(bounds) {
    for (const u of data.unassigned) {
      const m = marker(u.map_lat, u.map_lon, 'unassigned-marker', '<span>?</span>', t('map.unassigned', { id: u.request_id }));
      m.on('click', () => selectUnassigned(u.request_id));
      m.addTo(layers);
      m.getElement().dataset.mapUnassigned = String(u.request_id);
      bounds.push([u.map_lat, u.map_lon]);
    }
  }

  function drawVehicles() {
    for (const v of data.vehicles) {
      const label = `${escapeHtml(v.plate || `#${v.vehicle_id}`)} · ${escapeHtml(ageText(v.age_seconds))}`;
      const m = marker(v.map_lat, v.map_lon, `vehicle-marker${v.trip_open ? ' open' : ''}`, `<span>🚐 ${label}</span>`,
        t('map.vehicle_at', { plate: v.plate || `#${v.vehicle_id}`, time: fmtTime(v.at) }));
      m.addTo(layers);
      m.getElement().dataset.vehicle = String(v.vehicle_id);
    }
  }

  function draw() {
    layers.clearLayers();
    markers.clear();
    const bounds = [];
    drawRoutes(bounds);
    drawUnassigned(bounds);
    drawVehicles();
    if (!fitted && bounds.length) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15, animate: false });
      fitted = true;
    }
  }

  // Each route card gets its colour and, from the live position, how late it runs.
  function decorate() {
    if (!data) return;
    data.routes.forEach((route, i) => {
      const card = routesEl.querySelector(`[data-testid="route-${route.id}"]`);
      if (!card) return;
      const head = card.querySelector('.route-head');
      if (head && !head.querySelector('.swatch')) head.prepend(h('span', { class: `swatch c${i % PALETTE_SIZE}`, 'aria-hidden': 'true' }));
      for (const old of card.querySelectorAll('.live-late')) old.remove();
      if (!route.live) return;
      const late = route.live.late_min > 0;
      const text = late
        ? t('map.live_late', { n: route.live.late_min, time: fmtTime(route.live.estimated_arrival) })
        : t('map.live_on_time', { time: fmtTime(route.live.estimated_arrival) });
      const where = card.querySelector('.route-progress') || head;
      if (where) where.append(h('span', { class: `badge live-late ${late ? 'late' : 'on-time'}`, 'data-testid': `live-late-${route.id}`, title: t('map.live_hint') }, text));
    });
  }

  async function refresh() {
    decorate();
    try {
      data = await api.get(`/api/v1/days/${date}/map`);
      if (!L) L = await ensureLeaflet();
      if (!map) {
        map = newMap(L, mapEl, data.tiles);
        layers = L.layerGroup().addTo(map);
      }
      draw();
      decorate();
      showError(null, box);
    } catch (err) { showError(err, box); }
  }

  return { element, refresh };
}

// ---- the location pickers -------------------------------------------------------------

async function convert(api, from, to, points) {
  if (from === to) return points;
  const answer = await api.post('/api/v1/geo/convert', { from, to, points });
  return answer.points;
}

// Puts a small map after the form's latitude and longitude inputs (named `latName` and
// `lonName`): a click sets the location, the marker can be dragged, and the stored WGS-84
// coordinates are shown read-only beside it. The inputs stay: typing works as before and
// moves the marker.
export function attachLocationPicker(api, form, latName, lonName) {
  const lat = form.querySelector(`[name="${latName}"]`);
  const lon = form.querySelector(`[name="${lonName}"]`);
  if (!lat || !lon) return;
  const mapEl = h('div', { class: 'map picker-canvas', 'data-testid': 'picker-map' });
  const coords = h('output', { class: 'coords', 'data-testid': 'picker-coords' });
  const box = h('div', { class: 'error', hidden: true, role: 'alert' });
  const picker = h('div', { class: 'location-picker', 'data-testid': 'location-picker' },
    h('p', { class: 'hint' }, t('map.pick_hint')), mapEl,
    h('div', { class: 'coords-line' }, t('map.coords'), ' ', coords), box);
  lon.closest('label').after(picker);

  const valid = () => lat.value !== '' && lon.value !== '' && Number.isFinite(Number(lat.value)) && Number.isFinite(Number(lon.value));
  const showCoords = () => { coords.value = valid() ? `${Number(lat.value).toFixed(6)}, ${Number(lon.value).toFixed(6)}` : t('map.no_location'); };
  showCoords();

  whenConnected(picker, async () => {
    try {
      const [settings, L] = await Promise.all([api.get('/api/v1/settings'), ensureLeaflet()]);
      const datum = settings.map_datum;
      const map = newMap(L, mapEl, { url: settings.map_tile_url, attribution: settings.map_tile_attribution });
      const pin = L.marker([HOME_VIEW.lat, HOME_VIEW.lon], { draggable: true, icon: L.divIcon({ className: 'pick-marker', html: '<span>📍</span>', iconSize: null }) });

      // From the inputs (WGS-84) to the marker (the tiles' datum).
      const place = async (zoomTo) => {
        if (!valid()) { map.setView([HOME_VIEW.lat, HOME_VIEW.lon], HOME_VIEW.zoom); return; }
        const [p] = await convert(api, 'wgs84', datum, [{ lat: Number(lat.value), lon: Number(lon.value) }]);
        pin.setLatLng([p.lat, p.lon]);
        if (!map.hasLayer(pin)) pin.addTo(map);
        map.invalidateSize();
        if (zoomTo) map.setView([p.lat, p.lon], 15, { animate: false }); else map.panTo([p.lat, p.lon]);
      };
      // From a point of the map back to the inputs.
      const pick = async (latlng) => {
        try {
          const [p] = await convert(api, datum, 'wgs84', [{ lat: latlng.lat, lon: latlng.lng }]);
          lat.value = p.lat.toFixed(6);
          lon.value = p.lon.toFixed(6);
          for (const el of [lat, lon]) el.dispatchEvent(new Event('input', { bubbles: true }));
          pin.setLatLng(latlng);
          if (!map.hasLayer(pin)) pin.addTo(map);
          showCoords();
          showError(null, box);
        } catch (err) { showError(err, box); }
      };
      map.on('click', (e) => pick(e.latlng));
      pin.on('dragend', () => pick(pin.getLatLng()));
      for (const el of [lat, lon]) el.addEventListener('change', () => { showCoords(); if (valid()) place(false).catch((err) => showError(err, box)); });
      await place(true);
      mapEl.dataset.ready = 'true';
    } catch (err) { showError(err, box); }
  });
}
