// What the browser tests share: the real `plenary` binary on 127.0.0.1 port 0
// with the demo meeting, Debian's Chromium driven by playwright-core with a
// phone's viewport and touch, and small API helpers for what a host does
// while the delegate's page is open. No fixed ports, no sleeps: every wait
// is for an element, a message or a process line, with a deadline.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.PLENARY_BINARY ?? join(root, 'build', 'test', 'plenary');
export const staticDir = process.env.PLENARY_TEST_STATIC_DIR ?? join(root, 'static');
export const kSlug = 'somri-21';

// Starts `plenary serve --demo` and resolves once its banner is printed.
export async function startPlenary({ encoder = true, extra = [], files = staticDir } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'plenary-web-'));
  const args = ['serve', '--demo', '--port', '0', '--address', '127.0.0.1', '--data-dir', dataDir,
    '--static-dir', files, '--srt-port-base', '0', '--log-level', 'warn', ...extra];
  if (!encoder) args.push('--no-demo-encoder');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
    if (err.length > 1 << 20) err = err.slice(-(1 << 19));
  });
  const banner = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plenary printed no banner in 120 s:\n${out}\n${err.slice(-4000)}`)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Stop with Ctrl+C.')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`plenary exited with ${code}:\n${out}\n${err.slice(-4000)}`));
    });
  });
  const url = /running at (\S+)/.exec(banner)[1].replace(/\/$/, '');
  const code = /access code (\S+)/.exec(banner)?.[1];
  const live = /Live demo:\s+\S+\/live\/[^/]+\/(\d+)\/master\.m3u8 \(session (\d+)/.exec(banner);
  const admin = JSON.parse(await readFile(join(dataDir, 'demo-admin.json'), 'utf8'));
  const server = {
    url,
    dataDir,
    banner,
    delegateCode: code,
    liveRoom: live ? Number(live[1]) : null,
    liveSession: live ? Number(live[2]) : null,
    admin,
    logs: () => err,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  server.api = (method, path, body, token) => api(url, method, path, body, token);
  server.adminToken = async () => {
    server._admin ??= (await server.api('POST', '/api/v1/auth/login', admin)).body.token;
    return server._admin;
  };
  return server;
}

export async function api(base, method, path, body, token, headers = {}) {
  const response = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

// A new delegate, registered and approved by the admin: their access code.
let serial = 0;
export async function newDelegate(server, { name, delegation = 'VN', preferred_language } = {}) {
  const token = await server.adminToken();
  serial += 1;
  const registered = await server.api('POST', `/api/v1/events/${kSlug}/registrations`, {
    name: name ?? `Test Delegate ${process.pid}-${serial}`,
    delegation,
    email: `test-${process.pid}-${serial}-${Date.now()}@example.org`,
    ...(preferred_language ? { preferred_language } : {}),
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const approved = await server.api('POST', `/api/v1/events/${kSlug}/registrations/${registered.body.id}/approve`, {}, token);
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return { id: registered.body.id, code: approved.body.access_code, link: approved.body.access_link };
}

export async function delegateToken(server, code) {
  const answer = await server.api('POST', '/api/v1/auth/code', { code });
  if (answer.status !== 200) throw new Error(`sign in: ${answer.status}`);
  return answer.body.token;
}

export async function agenda(server, token, query = '') {
  return (await server.api('GET', `/api/v1/events/${kSlug}/agenda?lang=en${query}`, undefined, token)).body;
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PLENARY_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

// A phone: 360 × 740 CSS pixels, touch, the given locale and time zone.
export function phone(browser, { locale = 'en-GB', timezoneId = 'Asia/Ho_Chi_Minh', ...rest } = {}) {
  return browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
    timezoneId,
    serviceWorkers: 'allow',
    ...rest,
  });
}

// Opens the delegate's approval link and waits until the app has signed in.
export async function signInByLink(page, server, someone) {
  await page.goto(server.url + someone.link);
  await page.getByRole('link', { name: 'My agenda' }).waitFor();
}

// Waits until the page's service worker controls it (offline tests).
export async function waitForServiceWorker(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, null, { timeout: 30_000 });
  await page.evaluate(() => navigator.serviceWorker.ready);
}

// How many times a delegate holds a place (seat or waitlist) at a side event.
export async function placesOf(server, sessionId, registrationId) {
  const token = await server.adminToken();
  const list = (await server.api('GET', `/api/v1/events/${kSlug}/sessions/${sessionId}/rsvps`, undefined, token)).body;
  return [...(list.confirmed ?? []), ...(list.waitlisted ?? [])].filter((r) => r.registration_id === registrationId).length;
}

// Polls `check` until it returns a truthy value or the deadline passes (a
// wait for a condition, as Playwright's expect.poll does; never a fixed pause).
export async function until(check, { timeout = 60_000, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// A test file's setting: one server (the demo, with or without its encoder),
// one Chromium and the admin's token, started before its tests and stopped
// after them. The returned object is filled in by the time a test runs.
// (A file's own `before` awaits `setting.ready`: node:test does not promise
// to run the root's hooks in the order they were added.)
export function withPlenary(options = {}) {
  const setting = {};
  let started;
  setting.ready = new Promise((resolve, reject) => (started = { resolve, reject }));
  setting.ready.catch(() => {}); // reported by the hook below
  before(async () => {
    try {
      setting.server = await startPlenary(options);
      setting.browser = await launchBrowser();
      setting.admin = await setting.server.adminToken();
      started.resolve(setting);
    } catch (error) {
      started.reject(error);
      throw error;
    }
  });
  after(async () => {
    await setting.browser?.close();
    await setting.server?.stop();
  });
  return setting;
}
