// After one visit the app opens with no network at all, and what the
// delegate does offline is sent once the network is back, booking once.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { agenda, delegateToken, kSlug, newDelegate, phone, placesOf, signInByLink, waitForServiceWorker, withPlenary } from './support.mjs';

const setting = withPlenary({ encoder: false });
let server;
let browser;
let admin;
before(async () => {
  ({ server, browser, admin } = await setting.ready);
});

// The kept reads a phone needs offline are in the worker's cache.
async function waitForOfflineCopies(page) {
  await page.waitForFunction(async () => {
    const keys = (await (await caches.open('plenary-api')).keys()).map((r) => new URL(r.url).pathname);
    return ['/agenda', '/speakers', '/me/agenda'].every((p) => keys.some((k) => k.endsWith(p)));
  }, null, { timeout: 30_000, polling: 200 });
}

test('after one visit, a reload with no network shows the agenda, the speakers and the delegate’s own agenda', { timeout: 180_000 }, async () => {
  const someone = await newDelegate(server);
  const token = await delegateToken(server, someone.code);
  const data = await agenda(server);
  const plenary = data.days.flatMap((d) => d.sessions).find((s) => s.kind === 'plenary');
  await server.api('PUT', `/api/v1/me/bookmarks/${plenary.id}`, undefined, token);

  const context = await phone(browser);
  const page = await context.newPage();
  await signInByLink(page, server, someone);
  await waitForServiceWorker(page);
  await waitForOfflineCopies(page);

  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { name: 'Now and next' }).waitFor();
  const day = data.days.find((d) => d.sessions.some((s) => s.id === plenary.id));
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  await page.locator(`article[data-session="${plenary.id}"]`).waitFor();
  await page.locator('.connection', { hasText: 'Offline' }).waitFor();
  await page.getByRole('link', { name: 'Speakers' }).click();
  await page.locator('.people li').first().waitFor({ timeout: 10_000 }).catch(async (error) => {
    const keys = await page.evaluate(async () => (await (await caches.open('plenary-api')).keys()).map((r) => r.url));
    throw new Error(`${error.message}\nkept: ${keys.join(' ')}\npage: ${await page.locator('body').innerText()}`);
  });
  await page.getByRole('link', { name: 'My agenda' }).click();
  await page.locator(`main article[data-session="${plenary.id}"]`).waitFor({ timeout: 10_000 }).catch(async (error) => {
    throw new Error(`${error.message}\npage: ${await page.locator('body').innerText()}`);
  });
  await context.close();
});

test('an RSVP made offline is shown as pending, sent once online, and books exactly one seat', { timeout: 180_000 }, async () => {
  const someone = await newDelegate(server);
  const data = await agenda(server);
  const side = data.days.flatMap((d) => d.sessions).find((s) => s.rsvp_required && s.capacity && Date.parse(s.ends_at) > Date.now() && s.status === 'scheduled');
  const seats = (await server.api('GET', `/api/v1/events/${kSlug}/sessions/${side.id}/seats`)).body;
  // Room for everyone waiting and a few more, so the seat is confirmed.
  const roomy = await server.api('PATCH', `/api/v1/events/${kSlug}/sessions/${side.id}`, { capacity: seats.confirmed + seats.waitlisted + 5 }, admin);
  assert.equal(roomy.status, 200, JSON.stringify(roomy.body));
  const open = (await server.api('GET', `/api/v1/events/${kSlug}/sessions/${side.id}/seats`)).body;

  const context = await phone(browser);
  const page = await context.newPage();
  await signInByLink(page, server, someone);
  await waitForServiceWorker(page);
  await page.goto(`${server.url}/e/${kSlug}/sessions/${side.id}`);
  await page.getByRole('button', { name: `Take a seat: ${open.left} left` }).waitFor();

  await context.setOffline(true);
  await page.getByRole('button', { name: /^Take a seat/ }).click();
  await page.locator('.pending', { hasText: 'Waiting to be sent' }).waitFor();
  assert.equal(await placesOf(server, side.id, someone.id), 0, 'booked while offline');

  await context.setOffline(false);
  await page.getByRole('button', { name: 'Give the seat back' }).waitFor({ timeout: 20_000 });
  await page.locator('.pending').waitFor({ state: 'detached' });
  assert.equal(await placesOf(server, side.id, someone.id), 1, 'booked once');
  const after = (await server.api('GET', `/api/v1/events/${kSlug}/sessions/${side.id}/seats`)).body;
  assert.equal(after.confirmed, open.confirmed + 1);
  await context.close();
});
