// The dispatcher's page (/): the day board, the fleet, reports and administration.
// State that survives a reload lives in the URL hash: #board?date=2022-03-14,
// #patients?q=王, #reports?month=2022-03.
import {
  t, tv, h, clear, applyTranslations, adoptLanguage, languageSelect, onLanguageChange, makeClient, showError,
  setTimeZone,
} from './common.js';
import { FLEET_KINDS, fleetView } from './fleet.js';
import { boardView, stopLive } from './board.js';
import { reportsView, goalProgress } from './reports.js';
import { adminView } from './admin.js';
import { holidaysView } from './holidays.js';
import { tripsView } from './trips.js';

const api = makeClient('lifeline.token', () => { ctx.me = null; render(); });
const main = document.getElementById('main');
const ctx = {
  api, me: null, settings: null,
  route() {
    const raw = location.hash.replace(/^#/, '');
    const [view, query] = raw.split('?');
    return { view: view || 'board', params: new URLSearchParams(query || '') };
  },
  // Replaces the hash without adding a history entry per keystroke.
  setParams(view, params) {
    const q = new URLSearchParams(params).toString();
    history.replaceState(null, '', `#${view}${q ? `?${q}` : ''}`);
  },
  rerender: () => render(),
};

const VIEWS = [
  { id: 'board', label: 'nav.board', show: (v) => boardView(ctx, v) },
  ...FLEET_KINDS.map((k) => ({ id: k, label: `nav.${k}`, show: (v) => fleetView(ctx, k, v) })),
  { id: 'holidays', label: 'nav.holidays', show: (v) => holidaysView(ctx, v) },
  { id: 'trips', label: 'nav.trips', show: (v) => tripsView(ctx, v) },
  { id: 'reports', label: 'nav.reports', show: (v) => reportsView(ctx, v) },
  { id: 'admin', label: 'nav.admin', admin: true, show: (v) => adminView(ctx, v) },
];

function renderNav() {
  const nav = document.getElementById('nav');
  clear(nav);
  nav.hidden = !ctx.me;
  if (!ctx.me) return;
  const current = ctx.route().view;
  for (const v of VIEWS) {
    if (v.admin && ctx.me.role !== 'admin') continue;
    nav.append(h('a', { href: `#${v.id}`, class: v.id === current ? 'active' : '', 'data-testid': `nav-${v.id}` }, t(v.label)));
  }
  const who = document.getElementById('who');
  who.textContent = `${ctx.me.username} · ${tv('role', ctx.me.role)}`;
  document.getElementById('signout').hidden = false;
}

async function render() {
  stopLive();  // the board opens its stream again when it is shown
  renderNav();
  clear(main);
  if (!ctx.me) {
    document.getElementById('who').textContent = '';
    document.getElementById('signout').hidden = true;
    main.append(signInView());
    return;
  }
  if (ctx.me.role === 'driver') {
    main.append(h('div', { class: 'card' }, h('p', {}, t('auth.driver_here')), h('a', { href: '/driver', class: 'button big' }, t('auth.go_driver'))));
    return;
  }
  const { view } = ctx.route();
  const v = VIEWS.find((x) => x.id === view) || VIEWS[0];
  const container = h('div', { class: `view view-${v.id}`, 'data-testid': `view-${v.id}` });
  main.append(container);
  if (v.id === 'board') container.append(goalProgress(ctx));
  try {
    await v.show(container);
  } catch (err) {
    const box = h('div', { class: 'error', role: 'alert' });
    container.append(box);
    showError(err, box);
  }
}

function signInView() {
  const box = h('div', { class: 'error', hidden: true, role: 'alert', 'data-testid': 'signin-error' });
  const form = h('form', { class: 'card signin', 'data-testid': 'signin' },
    h('h1', {}, t('auth.title')),
    h('label', {}, t('auth.username'), h('input', { name: 'username', autocomplete: 'username', required: true, 'data-field': 'username' })),
    h('label', {}, t('auth.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-field': 'password' })),
    box,
    h('button', { type: 'submit', class: 'primary' }, t('auth.signin')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      const answer = await api.post('/api/v1/auth/login', { username: data.get('username'), password: data.get('password') });
      api.token = answer.token;
      ctx.me = answer.user;
      await loadSettings();
      adoptLanguage(ctx.me, ctx.settings);
      render();
    } catch (err) {
      showError(err, box, form);
    }
  });
  return form;
}

// A language chosen while signed in is the user's on every browser; the browser keeps it
// too, for the sign-in page and when the server cannot be reached.
async function keepLanguage(language) {
  if (!ctx.me) return;
  try { ctx.me = await api.patch('/api/v1/auth/me', { language }); } catch { /* kept on this browser */ }
}

async function loadSettings() {
  try {
    ctx.settings = await api.get('/api/v1/settings');
    setTimeZone(ctx.settings.time_zone);
  } catch { ctx.settings = null; }
}

document.getElementById('signout').addEventListener('click', async () => {
  try { await api.post('/api/v1/auth/logout'); } catch { /* signed out locally either way */ }
  api.token = null;
  ctx.me = null;
  render();
});
document.getElementById('lang-slot').append(languageSelect(keepLanguage));
onLanguageChange(() => render());
window.addEventListener('hashchange', () => render());
applyTranslations(document);

(async () => {
  if (api.token) {
    try {
      ctx.me = await api.get('/api/v1/auth/me');
      await loadSettings();
      adoptLanguage(ctx.me, ctx.settings);
    } catch { ctx.me = null; }
  }
  render();
})();
