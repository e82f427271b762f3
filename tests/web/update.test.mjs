// A new version of the app reaches a phone whole: the open page keeps
// running the version it started with (its files kept by the service
// worker, even once the server no longer has them), offers the new one,
// and switches to it only when the delegate taps Reload.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kSlug, launchBrowser, phone, startPlenary, staticDir, waitForServiceWorker } from './support.mjs';

let files;
let server;
let browser;
before(async () => {
  files = await mkdtemp(join(tmpdir(), 'plenary-static-'));
  await cp(staticDir, files, { recursive: true });
  server = await startPlenary({ encoder: false, files });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await rm(files, { recursive: true, force: true });
});

// What a deployment does: every hashed file gets a new name (the old ones
// are gone from the server), index.html and sw.js name the new ones.
async function deployNewVersion() {
  const assets = join(files, 'assets');
  const renames = new Map();
  for (const name of await readdir(assets)) {
    if (/\.(gz|br)$/.test(name)) {
      await rm(join(assets, name));
      continue;
    }
    const next = name.replace(/-([A-Z0-9]+)\.js$/, '-$1NEW.js');
    renames.set(name, next);
    await rename(join(assets, name), join(assets, next));
  }
  for (const file of ['index.html', 'sw.js', ...[...renames.values()].map((n) => `assets/${n}`)]) {
    const path = join(files, file);
    let text = await readFile(path, 'utf8');
    for (const [from, to] of renames) text = text.split(from).join(to);
    if (file === 'sw.js') text = text.replace(/plenary-shell-/g, 'plenary-shell-v2-');
    await writeFile(path, text);
    await rm(`${path}.gz`, { force: true });
    await rm(`${path}.br`, { force: true });
  }
  return renames;
}

test('an update waits for the delegate, and no page ever loads a mix of old and new files', { timeout: 180_000 }, async () => {
  const context = await phone(browser);
  const failed = [];
  // (API reads cut off by a reload are aborted, as they should be.)
  context.on('requestfailed', (r) => !r.url().includes('/api/') && failed.push(`${r.url()} ${r.failure()?.errorText}`));
  context.on('response', (r) => r.status() >= 400 && !r.url().includes('/api/') && failed.push(`${r.url()} ${r.status()}`));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/e/${kSlug}/`);
  await page.getByRole('heading', { name: 'Now and next' }).waitFor();
  await waitForServiceWorker(page);
  const oldScript = await page.evaluate(() => document.querySelector('script[type=module]').getAttribute('src'));

  const renames = await deployNewVersion();
  assert.ok(renames.size > 0);
  // The next visit still runs the old version whole, from the worker's copy.
  await page.reload();
  await page.getByRole('heading', { name: 'Now and next' }).waitFor();
  assert.equal(await page.evaluate(() => document.querySelector('script[type=module]').getAttribute('src')), oldScript);
  // The browser finds the new worker; the page offers it.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.getByText('A new version of the app is ready.').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Reload' }).click();
  await page.waitForFunction((old) => document.querySelector('script[type=module]')?.getAttribute('src') !== old, oldScript, { timeout: 30_000 });
  await page.getByRole('heading', { name: 'Now and next' }).waitFor();
  assert.match(await page.evaluate(() => document.querySelector('script[type=module]').getAttribute('src')), /NEW\.js$/);
  assert.deepEqual(errors, []);
  assert.deepEqual(failed, []);
  await context.close();
});
