// The agenda as a delegate sees it on a phone: the meeting's local times
// whatever zone the phone is in, now and next, the days, the search that
// forgives diacritics, and the interface in the phone's language.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { agenda, kSlug, phone, withPlenary } from './support.mjs';

const setting = withPlenary({ encoder: false });
let server;
let browser;
let admin;
before(async () => {
  ({ server, browser, admin } = await setting.ready);
});

const local = (iso) => iso.slice(11, 16); // "2024-11-19T14:00:00+07:00" -> "14:00"
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd');

test('a phone in Los Angeles sees the meeting in Ha Long time, with the zone named, and can switch to its own', { timeout: 180_000 }, async () => {
  const context = await phone(browser, { timezoneId: 'America/Los_Angeles', locale: 'en-US' });
  const page = await context.newPage();
  const data = await agenda(server);
  const day = data.days.find((d) => d.sessions.length > 0);
  const session = day.sessions.find((s) => s.kind !== 'break') ?? day.sessions[0];
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  const card = page.locator(`article[data-session="${session.id}"]`);
  await card.waitFor();
  assert.equal(await card.locator('.when time').innerText(), `${local(session.starts_at)}–${local(session.ends_at)}`);
  const zone = page.locator('.zone');
  assert.match(await zone.innerText(), /Times in .+, UTC\+07:00/);
  await zone.getByRole('button', { name: /Show in my time \(Los Angeles\)/ }).click();
  assert.match(await zone.innerText(), /your zone \(Los Angeles, UTC−0[78]:00\)/);
  const shifted = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Los_Angeles', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(session.starts_at));
  assert.ok((await card.locator('.when time').innerText()).startsWith(shifted));
  await context.close();
});

test('the event page shows now and next per room, then the day with tabs for every day', { timeout: 180_000 }, async () => {
  const context = await phone(browser, { timezoneId: 'America/Los_Angeles' });
  const page = await context.newPage();
  const data = await agenda(server);
  await page.goto(`${server.url}/e/${kSlug}/`);
  await page.getByRole('heading', { level: 2, name: 'Now and next' }).waitFor();
  const tabs = page.locator('nav.days a');
  assert.equal(await tabs.count(), data.days.length);
  // The demo's days include today: whatever is on now or next in a room is named with its room.
  const rows = page.locator('.room-now');
  assert.ok((await rows.count()) > 0, 'no room has anything now or next');
  const first = rows.first();
  const roomId = Number(await first.getAttribute('data-room'));
  const all = data.days.flatMap((d) => d.sessions).filter((s) => s.room?.id === roomId && s.status !== 'cancelled' && s.kind !== 'break');
  const shownTitles = await first.locator('a').allInnerTexts();
  assert.ok(shownTitles.some((t) => all.some((s) => s.title === t)), `${shownTitles} are not sessions of room ${roomId}`);
  assert.match(await first.innerText(), /(until \d\d:\d\d)|(in \d+ minutes?)|(in \d+ h)|starting now|on /);
  // A tab opens that day's sessions, at their local times.
  const last = data.days[data.days.length - 1];
  await tabs.nth(data.days.length - 1).click();
  await page.waitForURL(`**/e/${kSlug}/day/${last.date}`);
  const s = last.sessions[0];
  assert.equal(await page.locator(`article[data-session="${s.id}"] .when time`).innerText(), `${local(s.starts_at)}–${local(s.ends_at)}`);
  await context.close();
});

test('search finds a Vietnamese title typed without diacritics, and a speaker by a name typed plainly', { timeout: 180_000 }, async () => {
  const context = await phone(browser, { locale: 'vi-VN' });
  const page = await context.newPage();
  const data = await agenda(server, undefined, '').then(() => server.api('GET', `/api/v1/events/${kSlug}/agenda?lang=vi`));
  const days = data.body.days;
  const day = days.find((d) => d.sessions.some((s) => /[^\x00-\x7f]/.test(s.title) && s.kind !== 'break'));
  const target = day.sessions.find((s) => /[^\x00-\x7f]/.test(s.title) && s.kind !== 'break');
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  const search = page.getByRole('searchbox');
  const words = fold(target.title).toLowerCase().split(/\s+/).slice(0, 3).join(' ');
  assert.notEqual(words, target.title.toLowerCase(), 'the title has no diacritics to forgive');
  await search.fill(words);
  await page.locator(`article[data-session="${target.id}"]`).waitFor();
  const others = day.sessions.filter((s) => !fold(s.title).toLowerCase().includes(words) && !fold(s.description ?? '').toLowerCase().includes(words));
  if (others.length) await page.locator(`article[data-session="${others[0].id}"]`).waitFor({ state: 'detached' });
  // A speaker's name with its diacritics folded away finds their session.
  const withSpeaker = day.sessions.find((s) => s.speakers.some((p) => /[^\x00-\x7f]/.test(p.name)));
  if (withSpeaker) {
    const name = withSpeaker.speakers.find((p) => /[^\x00-\x7f]/.test(p.name)).name;
    await search.fill(fold(name).toLowerCase());
    await page.locator(`article[data-session="${withSpeaker.id}"]`).waitFor();
  } else {
    console.log('# no session of that day has a speaker with diacritics; the speaker search is checked by title only');
  }
  await context.close();
});

// Every catalog string of a language that differs from English must be
// what the page shows; no English interface string may be left.
async function englishLeft(page) {
  const en = JSON.parse(await readFile(new URL('../../web/i18n/en.json', import.meta.url), 'utf8'));
  return page.evaluate((english) => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) texts.push(walker.currentNode.nodeValue.trim());
    for (const el of document.querySelectorAll('[aria-label],[alt],[placeholder]')) texts.push(el.getAttribute('aria-label') ?? el.getAttribute('alt') ?? '');
    const words = new Set(Object.values(english).filter((v) => !v.includes('{') && v.length > 3));
    return texts.filter((t) => words.has(t));
  }, en);
}

for (const [locale, heading, lang] of [
  ['vi-VN', 'Đang và sắp diễn ra', 'vi'],
  ['ms-MY', 'Sekarang dan seterusnya', 'ms'],
]) {
  test(`a phone set to ${locale} gets the interface and the content in that language`, { timeout: 180_000 }, async () => {
    const context = await phone(browser, { locale });
    const page = await context.newPage();
    await page.goto(`${server.url}/e/${kSlug}/`);
    await page.getByRole('heading', { name: heading }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    const data = (await server.api('GET', `/api/v1/events/${kSlug}/agenda?lang=${lang}`)).body;
    assert.equal(await page.locator('.brand').innerText(), data.event.title);
    assert.deepEqual(await englishLeft(page), [], 'English interface strings on the page');
    await context.close();
  });
}

test('switching the language changes the interface and the content, and is remembered', { timeout: 180_000 }, async () => {
  const context = await phone(browser, { locale: 'en-GB' });
  const page = await context.newPage();
  const vi = (await server.api('GET', `/api/v1/events/${kSlug}/agenda?lang=vi`)).body;
  const en = (await server.api('GET', `/api/v1/events/${kSlug}/agenda?lang=en`)).body;
  const day = vi.days.find((d) => d.sessions.length);
  const id = day.sessions[0].id;
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  const title = page.locator(`article[data-session="${id}"] .title`);
  await title.waitFor();
  assert.equal(await title.innerText(), en.days.find((d) => d.date === day.date).sessions[0].title);
  await page.getByLabel('Language').selectOption('vi');
  await page.getByRole('link', { name: 'Chương trình' }).first().waitFor();
  await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent === text, [`article[data-session="${id}"] .title`, day.sessions[0].title]);
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.reload();
  await page.getByRole('link', { name: 'Chương trình' }).first().waitFor();
  await context.close();
});

test('the room and kind filters leave only the sessions that match', { timeout: 180_000 }, async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  const data = await agenda(server);
  const day = data.days.find((d) => new Set(d.sessions.map((s) => s.room?.id)).size > 2);
  const room = day.sessions.find((s) => s.room).room;
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  await page.locator('article').first().waitFor();
  await page.getByText('Filter by room, kind or track').click();
  await page.getByLabel('Room').selectOption(String(room.id));
  const expected = day.sessions.filter((s) => s.room?.id === room.id).map((s) => String(s.id));
  await page.waitForFunction((n) => document.querySelectorAll('article[data-session]').length === n, expected.length);
  assert.deepEqual(await page.locator('article[data-session]').evaluateAll((els) => els.map((e) => e.dataset.session)), expected);
  await page.getByLabel('Kind').selectOption('break');
  const breaks = day.sessions.filter((s) => s.room?.id === room.id && s.kind === 'break').length;
  await page.waitForFunction((n) => document.querySelectorAll('article[data-session]').length === n, breaks);
  assert.match(await page.locator('.count').innerText(), new RegExp(`^${breaks} session`));
  await context.close();
});
