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
  for (const request of requests) {
    // sizes() waits for the body; a response the page stopped reading (a
    // reload's or the worker's) never ends, and is counted by its headers.
    const sizes = await Promise.race([
      request.sizes(),
      new Promise((resolve) => setTimeout(resolve, 5000, null)),
    ]);
    if (!sizes) {
      // Counted by its length and a generous 500 bytes of headers instead.
      const length = Number((await request.response())?.headers()['content-length'] ?? 0);
      total += length + 500;
      lines.push(`${String(length + 500).padStart(7)}  (estimated) ${new URL(request.url()).pathname}`);
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
