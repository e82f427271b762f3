// axe-core finds no WCAG 2.1 A or AA violation on any page of the app,
// signed out and signed in, on a phone.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { agenda, kSlug, newDelegate, phone, signInByLink, withPlenary } from './support.mjs';

const setting = withPlenary({ encoder: false });
let server;
let browser;
let admin;
before(async () => {
  ({ server, browser, admin } = await setting.ready);
});

async function violations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('every page has no WCAG 2.1 A/AA violation', { timeout: 180_000 }, async () => {
  const data = await agenda(server);
  const sessions = data.days.flatMap((d) => d.sessions);
  const side = sessions.find((s) => s.rsvp_required);
  const speaker = sessions.flatMap((s) => s.speakers)[0];
  const streamed = sessions.find((s) => s.room?.streamed)?.room;
  const someone = await newDelegate(server);
  const pages = [
    [`/e/${kSlug}/`, 'Now and next'],
    [`/e/${kSlug}/day/${data.days[1].date}`, null],
    [`/e/${kSlug}/sessions/${side.id}`, side.title],
    [`/e/${kSlug}/speakers`, 'Speakers'],
    [`/e/${kSlug}/speakers/${speaker.id}`, null],
    [`/e/${kSlug}/me`, 'Sign in'],
    [`/e/${kSlug}/watch/${streamed.id}`, null],
  ];
  const context = await phone(browser);
  const page = await context.newPage();
  const found = [];
  const check = async (path, heading) => {
    await page.goto(server.url + path);
    if (heading) await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
    else await page.locator('main h1').waitFor();
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'), null, { timeout: 20_000 });
    for (const v of await violations(page)) found.push(`${path}: ${v}`);
  };
  for (const [path, heading] of pages) await check(path, heading);
  // Signed in: the delegate's own page and a session with its buttons.
  await signInByLink(page, server, someone);
  await check(`/e/${kSlug}/me`, 'My meeting');
  await check(`/e/${kSlug}/sessions/${side.id}`, side.title);
  // In Vietnamese too (longer words, other line breaks).
  await page.getByLabel('Language').selectOption('vi');
  await check(`/e/${kSlug}/`, 'Đang và sắp diễn ra');
  assert.deepEqual(found, []);
  await context.close();
});

test('from 320 px wide, in portrait and landscape, no page scrolls sideways and every button is at least 44 px tall', { timeout: 180_000 }, async () => {
  const data = await agenda(server);
  const sessions = data.days.flatMap((d) => d.sessions);
  const side = sessions.find((s) => s.rsvp_required);
  const paths = [`/e/${kSlug}/`, `/e/${kSlug}/day/${data.days[0].date}`, `/e/${kSlug}/sessions/${side.id}`, `/e/${kSlug}/speakers`, `/e/${kSlug}/me`];
  const problems = [];
  for (const viewport of [{ width: 320, height: 640 }, { width: 640, height: 320 }]) {
    const context = await phone(browser, { viewport, locale: 'vi-VN' });
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(server.url + path);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.body.innerText.includes('Đang tải…'), null, { timeout: 20_000 });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > viewport.width) problems.push(`${path} at ${viewport.width} px is ${wide} px wide`);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('button, select, input:not([type=radio]):not([type=checkbox]), .button, nav a')]
          .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
          .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().height)} px`));
      for (const s of small) problems.push(`${path}: ${s}`);
    }
    await context.close();
  }
  assert.deepEqual(problems, []);
});
