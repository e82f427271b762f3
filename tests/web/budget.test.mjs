// A first visit to the event page on an empty cache transfers at most 60 KB
// in all, as the browser counts it (bytes on the wire: headers and
// compressed bodies), service worker included; the player's HLS library is
// not among them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { kSlug, phone, waitForServiceWorker, withPlenary } from './support.mjs';

const kBudget = 60 * 1000;

const setting = withPlenary({ encoder: false });
let server;
let browser;
let admin;
before(async () => {
  ({ server, browser, admin } = await setting.ready);
});

test('the first load of /e/{slug}/ stays within 60 KB and does not fetch hls.js', { timeout: 180_000 }, async () => {
  const context = await phone(browser);
  const requests = [];
  context.on('requestfinished', (request) => requests.push(request));
  const page = await context.newPage();
  await page.goto(`${server.url}/e/${kSlug}/`);
  await page.getByRole('heading', { name: 'Now and next' }).waitFor();
  await waitForServiceWorker(page);
  await page.waitForLoadState('networkidle');
  let total = 0;
  const lines = [];
  // Playwright waits for a body to end; the body of a response the page
  // stopped reading (a worker's script, a reload's read) never does. Such a
  // request is counted by its Content-Length and 500 bytes of headers.
  const within = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms, null))]);
  for (const request of requests) {
    const sizes = await within(request.sizes(), 5000);
    if (!sizes) {
      const response = await within(request.response(), 2000);
      const length = Number(response?.headers()['content-length'] ?? 2000) + 500;
      total += length;
      lines.push(`${String(length).padStart(7)}  (estimated) ${new URL(request.url()).pathname}`);
      continue;
    }
    const bytes = sizes.responseHeadersSize + sizes.responseBodySize + sizes.requestHeadersSize;
    total += bytes;
    lines.push(`${String(bytes).padStart(7)}  ${request.serviceWorker() ? 'sw ' : '   '}${new URL(request.url()).pathname}`);
  }
  console.log(`# first load: ${total} bytes in ${requests.length} requests\n# ${lines.join('\n# ')}`);
  assert.ok(total <= kBudget, `first load ${total} bytes > ${kBudget}`);
  assert.ok(!requests.some((r) => /\/assets\/hls-/.test(r.url())), 'hls.js was fetched on the event page');
  await context.close();
});
