// Shared by the browser scenarios: the real server on an ephemeral port, Debian's
// Chromium through playwright-core, a small JSON client for checks through the API,
// and assertions. Environment (set by CMakeLists.txt):
//   LIFELINE_BIN            build/bin/lifeline
//   LIFELINE_BROWSER_DEPS   folder holding node_modules/playwright-core (npm ci there)
//   LIFELINE_ARTIFACTS      folder for screenshots
//   LIFELINE_CHROMIUM       the browser (default /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const deps = process.env.LIFELINE_BROWSER_DEPS;
const require = createRequire(path.join(deps || process.cwd(), 'package.json'));
const { chromium } = require('playwright-core');

export const ADMIN_PASSWORD = 'browser-test-admin';
export const DEMO_PASSWORD = 'lifeline-demo';
export const artifacts = process.env.LIFELINE_ARTIFACTS || path.resolve('browser-artifacts');

// Every scenario plays the same morning, whatever the hour it runs: the server's clock
// (serve --clock-start) and the browser's (Playwright's clock) both start at this
// instant, a Monday at 10:00 in Jilin, and run at the wall clock's pace. Scenarios ask
// server.now() for "now", never Date.now().
export const REHEARSAL = '2026-11-30T10:00:00+08:00';
fs.mkdirSync(artifacts, { recursive: true });

// The date of `at` (server.now()) in `zone`, as the pages compute it (YYYY-MM-DD).
export function todayIn(zone, at) {
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at)) p[type] = value;
  return `${p.year}-${p.month}-${p.day}`;
}

export function check(cond, message) {
  if (!cond) throw new Error(`check failed: ${message}`);
}

export function equal(actual, expected, message) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`check failed: ${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// Starts `lifeline serve --demo` on a fresh database; resolves once it listens.
export async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-browser-'));
  const bin = process.env.LIFELINE_BIN;
  check(bin && fs.existsSync(bin), `LIFELINE_BIN (${bin}) is the built lifeline binary`);
  const spawnedAt = Date.now();
  const child = spawn(bin, ['serve', '--db', path.join(dir, 'test.db'), '--listen', '127.0.0.1:0', '--demo',
    '--clock-start', REHEARSAL], {
    env: { ...process.env, LIFELINE_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 120 s:\n${log}`)), 120000);
    const onData = (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${log}`)); });
  });
  child.removeAllListeners('exit');
  return {
    url,
    // The server's "now": the rehearsal's start plus the time since the server started.
    now() { return new Date(Date.parse(REHEARSAL) + (Date.now() - spawnedAt)); },
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await done;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch(server) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.LIFELINE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
  });
  // The pages' clock is the server's: same day, same hour (timers run as usual).
  await context.clock.install({ time: server.now() });
  return {
    context,
    async close() { await context.close(); fs.rmSync(userDataDir, { recursive: true, force: true }); },
  };
}

// Fails the scenario on a script error or a Content-Security-Policy violation.
export function watchPage(page, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
}

// Opens the dispatcher's page in English and signs in; resolves when the day board shows.
export async function signInDispatcher(page, server, username = 'dispatcher', password = DEMO_PASSWORD) {
  await page.goto(`${server.url}/`);
  await page.getByTestId('lang').selectOption('en');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByTestId('view-board').waitFor();
}

export async function apiClient(base, username, password) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  check(login.ok, `${username} signs in through the API (${login.status})`);
  const { token } = await login.json();
  const call = async (method, p, body) => {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json, text, headers: res.headers };
  };
  return {
    get: (p) => call('GET', p), post: (p, b) => call('POST', p, b), patch: (p, b) => call('PATCH', p, b),
    put: (p, b) => call('PUT', p, b), del: (p) => call('DELETE', p),
  };
}

// Runs one scenario with a server and a browser, always stopping both.
export async function run(name, scenario) {
  const server = await startServer();
  const browser = await launch(server);
  const problems = [];
  try {
    await scenario({ server, browser, problems });
    check(problems.length === 0, `no script errors or CSP violations:\n${problems.join('\n')}`);
    console.log(`ok: ${name}`);
  } catch (err) {
    console.error(`FAILED: ${name}\n${err.stack || err}`);
    process.exitCode = 1;
  } finally {
    await browser.close().catch(() => {});
    await server.stop().catch(() => {});
  }
}
