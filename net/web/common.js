// Shared by the dispatcher board (app.js) and the driver page (driver.js): the API
// client, problem+json errors, the dictionaries, and times in the organisation's zone.
import en from './i18n-en.js';
import zh from './i18n-zh-CN.js';

export const dictionaries = { en, 'zh-CN': zh };
const LANG_KEY = 'lifeline.lang';

function browserLanguage() {
  const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const l of wanted) {
    if (/^zh/i.test(l)) return 'zh-CN';
    if (/^en/i.test(l)) return 'en';
  }
  return 'en';
}

export let lang = dictionaries[localStorage.getItem(LANG_KEY)] ? localStorage.getItem(LANG_KEY) : browserLanguage();

// The text of `key` in the current language, with {name} placeholders filled.
export function t(key, vars) {
  let s = dictionaries[lang][key];
  if (s === undefined) s = dictionaries.en[key];
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
  return s;
}

// An enum value as a dispatcher reads it ("wheelchair" → "轮椅").
export function tv(group, value) {
  if (value === null || value === undefined || value === '') return '';
  const key = `${group}.${value}`;
  return dictionaries[lang][key] !== undefined || dictionaries.en[key] !== undefined ? t(key) : String(value);
}

const listeners = [];
export function onLanguageChange(fn) { listeners.push(fn); }

export function setLanguage(l) {
  if (!dictionaries[l]) return;
  lang = l;
  localStorage.setItem(LANG_KEY, l);
  applyTranslations(document);
  for (const fn of listeners) fn(l);
}

// The language of a signed-in user: their own choice kept on the server (`me.language`),
// else the one chosen on this browser, else the organisation's (`settings.language`).
export function adoptLanguage(me, settings) {
  const stored = localStorage.getItem(LANG_KEY);
  let wanted = null;
  if (me && dictionaries[me.language]) wanted = me.language;
  else if (dictionaries[stored]) wanted = stored;
  else if (settings && dictionaries[settings.language]) wanted = settings.language;
  if (wanted && wanted !== lang) setLanguage(wanted);
  else if (wanted) localStorage.setItem(LANG_KEY, wanted);
}

// Static markup names its strings with data-i18n (text), data-i18n-placeholder,
// data-i18n-title and data-i18n-aria (aria-label).
export function applyTranslations(root) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  if (document.body && document.body.dataset.i18nDocTitle) document.title = t(document.body.dataset.i18nDocTitle);
}

// A language switch: a <select> of the dictionaries, each named in its own language.
// `onChoose(code)` runs after a choice (to keep it on the server for the user).
export function languageSelect(onChoose) {
  const sel = h('select', { class: 'lang', 'data-i18n-aria': 'lang.choose', 'aria-label': t('lang.choose'), 'data-testid': 'lang' });
  for (const code of Object.keys(dictionaries)) sel.append(h('option', { value: code }, dictionaries[code]['lang.self']));
  sel.value = lang;
  sel.addEventListener('change', () => {
    setLanguage(sel.value);
    if (onChoose) onChoose(sel.value);
  });
  onLanguageChange((l) => { sel.value = l; });
  return sel;
}

// ---- DOM -----------------------------------------------------------------------------

// h('button', {class: 'big', onclick: fn}, 'text', child…)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

// For loads that may overlap (the page's first load, then a filter changed before it
// answered): each call marks a new load and returns a check that is true while that load
// is still the latest asked for, so an earlier answer arriving late is dropped rather
// than shown over the newer one.
export function latestLoad() {
  let asked = 0;
  return () => {
    const mine = ++asked;
    return () => mine === asked;
  };
}

// ---- time in the organisation's zone ------------------------------------------------

export let timeZone = 'Asia/Shanghai';
export function setTimeZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    timeZone = zone;
  } catch { /* an unknown zone keeps the default */ }
}

function locale() { return lang === 'zh-CN' ? 'zh-CN' : 'en-GB'; }

export function fmtTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function fmtDateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || n === '') return '';
  if (typeof n !== 'number') return String(n);
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

function partsIn(ms) {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms))) p[type] = value;
  return p;
}

// Today's date (YYYY-MM-DD) in the organisation's zone.
export function todayInZone(now = Date.now()) {
  const p = partsIn(now);
  return `${p.year}-${p.month}-${p.day}`;
}

// A local date and "HH:MM" of the organisation's zone as an RFC 3339 instant.
export function zonedToInstant(date, time) {
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wanted = Date.UTC(y, mo - 1, d, hh, mm);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const p = partsIn(guess);
    const shown = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
    guess += wanted - shown;
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

// ---- the server's messages -------------------------------------------------------------

// Fills a message template: {name} from `params`; a parameter that is itself a message's
// code ("assign.off_shift") or a word of the vocabulary ("cancelled") is translated too.
function fillMessage(template, params, depth) {
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (m, k) => {
    const v = params[k];
    if (v === undefined || v === null) { complete = false; return m; }
    if (typeof v === 'string') {
      const nested = dictionaries[lang][`msg.${v}`];
      if (nested !== undefined && depth < 2) {
        const inner = fillMessage(nested, params, depth + 1);
        if (inner === null) complete = false;
        return inner === null ? m : inner;
      }
      const term = dictionaries[lang][`msg.term.${v}`];
      if (term !== undefined) return term;
    }
    return String(v);
  });
  return complete ? text : null;
}

// A server message in the UI's own words, by its code and parameters; the server's
// words (`fallback`, already in the language asked for) when the code is unknown here.
export function messageText(code, params, fallback) {
  const template = code ? dictionaries[lang][`msg.${code}`] : undefined;
  const text = template === undefined ? null : fillMessage(template, params || {}, 0);
  return text === null ? (fallback || code || '') : text;
}

// A problem's detail in the UI's language. A problem about one field names it first, as
// the server's detail does ("odometer_start：…").
export function problemText(problem) {
  if (!problem) return '';
  const text = messageText(problem.code, problem.params, problem.detail || problem.title);
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  const one = errors.length === 1 ? errors[0] : null;
  const detail = problem.detail || '';
  if (one && text !== detail && (detail.startsWith(`${one.field}: `) || detail.startsWith(`${one.field}：`))) {
    return `${one.field}${lang === 'en' ? ': ' : '：'}${text}`;
  }
  return text;
}

// Each field error with its message in the UI's language.
export function problemErrors(problem) {
  const errors = (problem && Array.isArray(problem.errors)) ? problem.errors : [];
  return errors.map((e) => ({ ...e, message: messageText(e.code, e.params, e.message) }));
}

// ---- the API ------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, problem) {
    super(problemText(problem) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = problemErrors(problem);
  }
  // The network is down or the server unreachable: worth retrying later.
  get offline() { return this.status === 0; }
  // The server does not have this endpoint (yet): an unmatched route, not an unknown id.
  get unavailable() {
    return this.status === 405 || (this.status === 404 && this.problem.code === 'problem.unknown_resource');
  }
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain http:// on a phone is not a secure context; getRandomValues still is there.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function makeClient(tokenKey, onUnauthorized) {
  const client = {
    get token() { return localStorage.getItem(tokenKey); },
    set token(v) { if (v) localStorage.setItem(tokenKey, v); else localStorage.removeItem(tokenKey); },
    // Resolves to the parsed JSON (or text when `text`), rejects with ApiError.
    async call(method, path, { body, query, key, contentType, text, raw } = {}) {
      const url = new URL(path, location.origin);
      for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
      // The server words what it refuses in the UI's language too (its fallback for a code
      // this page does not know).
      const headers = { Accept: text ? '*/*' : 'application/json', 'Accept-Language': lang };
      if (client.token) headers.Authorization = `Bearer ${client.token}`;
      if (key) headers['Idempotency-Key'] = key;
      let payload;
      if (body !== undefined) {
        headers['Content-Type'] = contentType || 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      let res;
      try {
        res = await fetch(url, { method, headers, body: payload, cache: 'no-store' });
      } catch {
        throw new ApiError(0, { detail: t('error.network') });
      }
      if (!res.ok) {
        let problem = null;
        try { problem = await res.json(); } catch { problem = { detail: `HTTP ${res.status}` }; }
        if (res.status === 401 && onUnauthorized && path !== '/api/v1/auth/login') onUnauthorized();
        throw new ApiError(res.status, problem);
      }
      if (raw) return res;
      if (text) return res.text();
      if (res.status === 204) return null;
      const type = res.headers.get('Content-Type') || '';
      return type.includes('json') ? res.json() : res.text();
    },
    get: (p, o) => client.call('GET', p, o),
    post: (p, body, o = {}) => client.call('POST', p, { ...o, body }),
    patch: (p, body, o = {}) => client.call('PATCH', p, { ...o, body }),
    put: (p, body, o = {}) => client.call('PUT', p, { ...o, body }),
    del: (p, o) => client.call('DELETE', p, o),
  };
  return client;
}

// Shows an API error: its detail in `box`, and each field error next to the form
// control whose data-field names it (or the longest data-field it starts with).
export function showError(err, box, form) {
  if (form) {
    for (const el of form.querySelectorAll('.field-error')) el.remove();
    for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  }
  if (!box) return;
  clear(box);
  if (!err) { box.hidden = true; return; }
  box.hidden = false;
  const detail = err instanceof ApiError
    ? (err.unavailable ? t('error.unavailable') : err.message)
    : String(err.message || err);
  box.append(h('strong', {}, detail));
  const loose = [];
  for (const fe of (err.errors || [])) {
    const target = form && fieldFor(form, fe.field);
    if (target) {
      target.classList.add('invalid');
      const note = h('div', { class: 'field-error', role: 'alert', 'data-error-for': fe.field }, fe.message);
      (target.closest('label') || target).after(note);
    } else {
      loose.push(fe);
    }
  }
  if (loose.length) box.append(h('ul', {}, loose.map((fe) => h('li', {}, `${fe.field}: ${fe.message}`))));
}

function fieldFor(form, field) {
  let best = null;
  for (const el of form.querySelectorAll('[data-field]')) {
    const f = el.dataset.field;
    if (f === field) return el;
    if ((field.startsWith(`${f}.`) || field.startsWith(`${f}[`)) && (!best || f.length > best.dataset.field.length)) best = el;
  }
  return best;
}

export function flash(box, message) {
  clear(box);
  box.hidden = false;
  box.append(message);
}

// ---- pickers ------------------------------------------------------------------------------

// A form's reset() leaves hidden inputs as they were: this empties its pickers too.
export function resetPickers(form) {
  for (const box of form.querySelectorAll('.picker')) if (box.resetPicker) box.resetPicker();
}

let pickerCount = 0;

// An element's markup without what its pickers show while in use (the list of hits, and
// the box's state of it): what a page that skips redrawing equal markup compares.
export function settledMarkup(el) {
  if (!el.querySelector('.picker')) return el.outerHTML;
  const copy = el.cloneNode(true);
  // Removed rather than reset, as resetting would move the attribute to the end.
  for (const list of copy.querySelectorAll('.picker-list')) { clear(list); list.removeAttribute('hidden'); }
  for (const input of copy.querySelectorAll('.picker-input')) {
    input.removeAttribute('aria-expanded');
    input.removeAttribute('aria-activedescendant');
  }
  return copy.outerHTML;
}

// The line under a hit that tells two of the same name apart: the phone's last four
// digits and the address, group or vehicle description.
function hitDetail(hit) {
  const phone = hit.phone ? `…${String(hit.phone).replace(/\D/g, '').slice(-4)}` : '';
  return [phone, hit.detail].filter(Boolean).join(' · ');
}

// A search box for a patient, driver, place or vehicle: the user types a name, initials
// (pinyin), characters or phone digits and picks from a short list (arrows and Enter, or
// a tap). The chosen record's id goes into a hidden input named `name` that carries
// `data-field` (so a server refusal shows next to the picker); "#12" or "12" typed and
// not picked is taken as the id itself (unless `typedIds` is false). `text` is what the
// box shows at first. `search(q)`, when given, finds the hits instead of the server's
// search, and `none` words an empty result; `listId` keeps the list's id the same each
// time the picker is built (a page that compares its markup to skip a redraw).
export function picker({ api, kind, name, field, value, text, required, testid, active, search: find, none, typedIds = true, listId: fixedId }) {
  const n = ++pickerCount;
  const listId = fixedId || `picker-${n}-list`;
  const hidden = h('input', { type: 'hidden', name, 'data-field': field || name, value: value ?? '' });
  const input = h('input', {
    type: 'text', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
    'aria-controls': listId, required: required || undefined, class: 'picker-input',
    placeholder: t(`picker.${kind}`), 'data-testid': testid,
    value: text || (value ? `#${value}` : ''),
  });
  const list = h('ul', { role: 'listbox', id: listId, class: 'picker-list', hidden: true, 'aria-label': t(`picker.${kind}`) });
  const box = h('span', { class: 'picker', 'data-kind': kind, 'data-chosen': value && text ? String(value) : null }, input, hidden, list);
  let hits = [];
  let current = -1;
  let seq = 0;
  let timer = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    current = -1;
  };
  const highlight = (i) => {
    current = i;
    [...list.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (hit) => {
    hidden.value = String(hit.id);
    input.value = hit.name;
    box.dataset.chosen = String(hit.id);
    close();
    hidden.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const show = (items) => {
    hits = items;
    clear(list);
    items.forEach((hit, i) => {
      const li = h('li', { role: 'option', id: `${listId}-${i}`, 'aria-selected': 'false', 'data-id': hit.id },
        h('span', { class: 'picker-name' }, hit.name, hit.active === false ? ` (${t('picker.inactive')})` : ''),
        h('span', { class: 'picker-detail' }, hitDetail(hit)));
      // Pressing keeps the focus in the box, so the list is still there when the tap ends.
      li.addEventListener('pointerdown', (e) => e.preventDefault());
      li.addEventListener('mousedown', (e) => e.preventDefault());
      li.addEventListener('click', () => choose(hit));
      list.append(li);
    });
    if (!items.length) list.append(h('li', { class: 'picker-none', role: 'presentation' }, none || t('picker.none')));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(items.length ? 0 : -1);
  };
  const search = async (q) => {
    const mine = ++seq;
    try {
      const items = find ? await find(q) : (await api.get('/api/v1/search', { query: { q, kind, limit: 8, active: active } })).items;
      if (mine === seq && input.value.trim() === q) show(items || []);
    } catch {
      if (mine === seq) close();
    }
  };

  input.addEventListener('input', () => {
    const q = input.value.trim();
    const typedId = typedIds && /^#?(\d+)$/.exec(q);
    hidden.value = typedId ? typedId[1] : '';
    delete box.dataset.chosen;
    clearTimeout(timer);
    seq++;
    if (!q || (typedIds && q.startsWith('#'))) { close(); return; }
    timer = setTimeout(() => search(q), 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight(Math.min(current + 1, hits.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(Math.max(current - 1, 0)); }
    else if (e.key === 'Enter' && current >= 0) { e.preventDefault(); choose(hits[current]); }
    else if (e.key === 'Escape') { e.preventDefault(); close(); }
  });
  input.addEventListener('blur', () => close());
  box.resetPicker = () => { hidden.value = ''; input.value = ''; delete box.dataset.chosen; close(); };

  // A record given by id alone shows its name once the server has told it.
  if (value && !text && api) {
    api.get(`/api/v1/${kind}s/${value}`)
      .then((rec) => { if (hidden.value === String(value) && input.value === `#${value}`) input.value = rec.name || rec.plate || input.value; })
      .catch(() => { /* the number stays */ });
  }
  return box;
}
