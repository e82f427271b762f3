// Time until the agenda is visible on a weak link: 400 kbit/s each way and
// 400 ms round trip, emulated through the DevTools protocol, on a phone
// (360 × 740, touch), cold and warm.
//
// - cold: a new browser context (empty HTTP cache, no service worker), one
//   navigation to /e/{slug}/;
// - warm: the same page, navigated again once the service worker controls
//   it and the first visit's traffic is over (its shell and the API reads
//   are kept; the HTTP cache is warm).
//
// "Visible" is the first animation frame in which the "Now and next"
// heading and at least one room or session under it are rendered (checked
// in the page on every frame, timed with performance.now(), whose origin is
// the navigation's start); Playwright then confirms both with its own
// visibility rules.
//
// Chromium throttles each DevTools target on its own, and a page's
// conditions do not reach its service worker, whose fetches (the shell it
// keeps, the API reads it makes for the page) would go at full speed. So
// the page's own session also auto-attaches to the service worker and
// throttles it with the same figures; a new worker is throttled before it
// fetches its own script (Network.emulateNetworkConditionsByRule is answered
// by the browser at once, where emulateNetworkConditions waits for the
// worker to start, by which time it has fetched its shell). Requests the
// worker sent before its throttle are counted and printed (expected: 0).
import { chromium } from 'playwright-core';
import { kChromium, kChromiumFlags } from './processes.mjs';

export const kLink = { latencyMs: 400, kbps: 400 };
const kConditions = { offline: false, latency: kLink.latencyMs, downloadThroughput: (kLink.kbps * 1000) / 8, uploadThroughput: (kLink.kbps * 1000) / 8 };

// Runs in the page before its own scripts, on every navigation.
function watchForAgenda() {
  const shown = (el) => el !== null && el !== undefined && el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && el.getBoundingClientRect().height > 0;
  const frame = () => {
    const heading = document.getElementById('now-title');
    const item = document.querySelector('.now .room-now, article[data-session]');
    if (heading?.textContent?.trim() === 'Now and next' && shown(heading) && shown(item)) {
      window.__agendaVisibleAt = performance.now();
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

// Throttles the page and, through the page's own session, every service
// worker attached to it; counts bytes received over the network by both.
async function throttle(context, page) {
  const session = await context.newCDPSession(page);
  const state = { swAttached: 0, swDetached: 0, swEarly: [], bytes: 0, throttled: new Set() };
  const fromWorker = new Set();
  let seq = 0;
  const pending = new Map();
  const toWorker = (sessionId, method, params = {}) =>
    new Promise((resolve, reject) => {
      seq += 1;
      pending.set(seq, { resolve, reject });
      session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: seq, method, params }) }).catch(reject);
    });
  session.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const m = JSON.parse(message);
    if (m.id !== undefined && pending.has(m.id)) {
      const { resolve, reject } = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) reject(new Error(`${m.error.message} (${m.error.code})`));
      else resolve(m.result);
    } else if (m.method === 'Network.requestWillBeSent' && !state.throttled.has(sessionId)) {
      state.swEarly.push(m.params.request.url);
    } else if (m.method === 'Network.loadingFinished') {
      state.bytes += m.params.encodedDataLength;
    }
  });
  session.on('Target.attachedToTarget', async ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'service_worker') return;
    state.swAttached += 1;
    try {
      // Enabled first, so a request sent before the throttle is seen (the
      // browser handles both in order; events and answers share the pipe).
      const enabled = toWorker(sessionId, 'Network.enable');
      await toWorker(sessionId, 'Network.emulateNetworkConditionsByRule', {
        matchedNetworkConditions: [{ urlPattern: '', latency: kConditions.latency, downloadThroughput: kConditions.downloadThroughput, uploadThroughput: kConditions.uploadThroughput }],
      });
      state.throttled.add(sessionId);
      await enabled;
      await toWorker(sessionId, 'Runtime.runIfWaitingForDebugger');
    } catch (error) {
      state.error = `service worker not throttled: ${error.message}`;
    }
  });
  session.on('Target.detachedFromTarget', ({ sessionId }) => {
    if (state.throttled.delete(sessionId)) state.swDetached += 1;
  });
  // The page's own requests: bytes from the network, not those its worker answered.
  session.on('Network.responseReceived', ({ requestId, response }) => {
    if (response.fromServiceWorker) fromWorker.add(requestId);
  });
  session.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    if (!fromWorker.has(requestId)) state.bytes += encodedDataLength;
  });
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', kConditions);
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  return state;
}

// Resolves once no request of the context has been in flight for `quietMs`
// (the live WebSocket aside).
function networkQuiet(context, { quietMs = 2000, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const inFlight = new Set();
    let timer;
    const arm = () => {
      clearTimeout(timer);
      if (inFlight.size === 0) timer = setTimeout(finish, quietMs);
    };
    const started = (r) => {
      inFlight.add(r);
      clearTimeout(timer);
    };
    const ended = (r) => {
      inFlight.delete(r);
      arm();
    };
    const deadline = setTimeout(() => {
      cleanup();
      reject(new Error(`network still busy after ${timeoutMs / 1000} s: ${[...inFlight].map((r) => r.url()).join(' ')}`));
    }, timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      clearTimeout(deadline);
      context.off('request', started);
      context.off('requestfinished', ended);
      context.off('requestfailed', ended);
    }
    function finish() {
      cleanup();
      resolve();
    }
    context.on('request', started);
    context.on('requestfinished', ended);
    context.on('requestfailed', ended);
    arm();
  });
}

async function visit(page, url, state) {
  const before = state.bytes;
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await page.getByRole('heading', { name: 'Now and next' }).waitFor({ state: 'visible', timeout: 120_000 });
  await page.locator('.now .room-now, article[data-session]').first().waitFor({ state: 'visible', timeout: 120_000 });
  const ms = await page.waitForFunction(() => window.__agendaVisibleAt, null, { timeout: 10_000 }).then((h) => h.jsonValue());
  return { ms, bytesSoFar: state.bytes - before, before };
}

export async function weakLink({ base, slug, runs }) {
  const browser = await chromium.launch({ executablePath: kChromium, headless: true, args: kChromiumFlags });
  const url = `${base}/e/${slug}/`;
  const cold = [];
  const warm = [];
  try {
    for (let i = 1; i <= runs; i += 1) {
      const context = await browser.newContext({
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'en-GB',
        timezoneId: 'Asia/Ho_Chi_Minh',
        serviceWorkers: 'allow',
      });
      try {
        await context.addInitScript(watchForAgenda);
        const page = await context.newPage();
        const state = await throttle(context, page);

        const first = await visit(page, url, state);
        await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller), null, { timeout: 120_000 });
        await networkQuiet(context);
        const coldBytes = state.bytes - first.before;
        const coldEarly = state.swEarly.length;
        cold.push({ ms: first.ms, bytes: coldBytes, swEarly: coldEarly });

        const second = await visit(page, url, state);
        const controlled = await page.evaluate(() => Boolean(navigator.serviceWorker?.controller));
        await networkQuiet(context);
        warm.push({ ms: second.ms, bytes: state.bytes - second.before, controlled, swEarly: state.swEarly.length - coldEarly });
        if (state.error) throw new Error(state.error);
        const early = state.swEarly.length ? ` (${state.swEarly.join(' ')})` : '';
        console.log(`  run ${i}/${runs}: cold ${Math.round(first.ms)} ms (${(coldBytes / 1024).toFixed(1)} KiB), ` +
          `warm ${Math.round(second.ms)} ms (${((state.bytes - second.before) / 1024).toFixed(1)} KiB)` +
          `${controlled ? '' : ' NOT controlled by the service worker'}; service worker attached ${state.swAttached}, detached ${state.swDetached}, ` +
          `requests before its throttle ${state.swEarly.length}${early}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { url, cold, warm };
}
