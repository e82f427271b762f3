// The player: the demo room's live stream plays (its time advances), the
// audio menu names the floor and each interpretation language, switching
// to Vietnamese changes the audio track, audio only plays the low-rate
// audio; a delegates-only stream asks an anonymous visitor to sign in and
// plays for a signed-in delegate.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { kSlug, newDelegate, phone, signInByLink, until, withPlenary } from './support.mjs';

const setting = withPlenary({ encoder: true });
let server;
let browser;
let admin;
before(async () => {
  ({ server, browser, admin } = await setting.ready);
  assert.ok(server.liveRoom, `the demo started no encoder:\n${server.banner}`);
  // On air: the stream endpoint says live (the encoder needs a few seconds).
  await until(async () => (await server.api('GET', `/api/v1/events/${kSlug}/rooms/${server.liveRoom}/stream`)).body.state === 'live',
    { what: 'the demo stream to go live' });
});

// Resolves once the video's playback position has moved by `seconds`.
async function advances(page, seconds = 1.5) {
  await page.locator('video').waitFor({ timeout: 60_000 }).catch(async (error) => {
    throw new Error(`${error.message}\nthe page says: ${await page.locator('main').innerText().catch(() => '?')}`);
  });
  const start = await page.waitForFunction(() => {
    const v = document.querySelector('video');
    return v && v.currentTime > 0 && !v.paused ? v.currentTime : false;
  }, null, { timeout: 60_000 }).then((h) => h.jsonValue());
  await page.waitForFunction((from) => document.querySelector('video').currentTime > from, start + seconds, { timeout: 60_000 });
}

test('the watch page plays the live stream, lists three audio languages and switches to Vietnamese and to audio only', { timeout: 180_000 }, async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/e/${kSlug}/watch/${server.liveRoom}`);
  await advances(page);
  const choices = page.getByRole('group', { name: 'Audio language' }).getByRole('radio');
  assert.equal(await choices.count(), 3);
  const names = await page.locator('.audio-menu label').allInnerTexts();
  assert.ok(names.some((n) => n.includes('Tiếng Việt')), `menu: ${names}`);
  assert.ok(names.some((n) => n.includes('English')), `menu: ${names}`);
  await page.getByRole('radio', { name: /Tiếng Việt/ }).check();
  await page.waitForFunction(() => document.querySelector('video').dataset.audioLanguage === 'vi', null, { timeout: 60_000 });
  await advances(page, 1);
  await page.getByRole('checkbox', { name: /Audio only/ }).check();
  await page.waitForFunction(() => document.querySelector('video').dataset.mode === 'audio', null, { timeout: 60_000 });
  await advances(page, 1);
  // Remembered: a reload keeps audio only.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('video')?.dataset.mode === 'audio', null, { timeout: 60_000 });
  await context.close();
});

test('a delegates-only stream asks an anonymous visitor to sign in, and plays for a signed-in delegate', { timeout: 180_000 }, async () => {
  const made = await server.api('PATCH', `/api/v1/events/${kSlug}/sessions/${server.liveSession}`, { visibility: 'delegates' }, admin);
  assert.equal(made.status, 200, JSON.stringify(made.body));
  await until(async () => (await server.api('GET', `/api/v1/events/${kSlug}/rooms/${server.liveRoom}/stream`)).body.access === 'delegates',
    { what: 'the stream to be delegates-only' });
  const anonymous = await phone(browser);
  const page = await anonymous.newPage();
  await page.goto(`${server.url}/e/${kSlug}/watch/${server.liveRoom}`);
  await page.getByText('This stream is for delegates. Sign in to watch.').waitFor();
  assert.equal(await page.locator('video').count(), 0);
  await anonymous.close();

  const someone = await newDelegate(server);
  const signedIn = await phone(browser);
  const mine = await signedIn.newPage();
  await signInByLink(mine, server, someone);
  await mine.goto(`${server.url}/e/${kSlug}/watch/${server.liveRoom}`);
  await advances(mine);
  assert.match(await mine.evaluate(() => document.querySelector('video').dataset.source ?? ''), /\/plp_/);
  await signedIn.close();
});
