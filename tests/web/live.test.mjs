// Changes reach an open page without a reload: a moved session changes in
// place and is marked, a change made while the phone was offline appears
// once it is back (the socket resumes by `since`), and an urgent
// announcement shows until it is withdrawn.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { agenda, kSlug, phone, withPlenary } from './support.mjs';

const setting = withPlenary({ encoder: false });
let server;
let browser;
let admin;
before(async () => {
  ({ server, browser, admin } = await setting.ready);
});

const local = (iso) => iso.slice(11, 16);
// The same instant an hour later, written in the event's offset.
function later(iso, minutes) {
  const offset = iso.slice(19);
  const shifted = new Date(Date.parse(iso) + minutes * 60_000 + offsetMinutes(offset) * 60_000);
  return shifted.toISOString().slice(0, 19) + offset;
}
function offsetMinutes(offset) {
  const [, sign, h, m] = /([+-])(\d\d):(\d\d)/.exec(offset);
  return (sign === '-' ? -1 : 1) * (Number(h) * 60 + Number(m));
}

async function pick() {
  const data = await agenda(server);
  const rooms = [...new Map(data.days.flatMap((d) => d.sessions).filter((s) => s.room).map((s) => [s.room.id, s.room])).values()];
  const day = data.days.find((d) => d.sessions.filter((s) => s.kind !== 'break' && s.room).length >= 2);
  return { data, rooms, day };
}

test('a session moved over the API while the page is open changes in place, marked with its new room and time', { timeout: 180_000 }, async () => {
  const { rooms, day } = await pick();
  const session = day.sessions.find((s) => s.kind !== 'break' && s.room && s.status === 'scheduled');
  const other = rooms.find((r) => r.id !== session.room.id);
  const context = await phone(browser, { timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  const card = page.locator(`article[data-session="${session.id}"]`);
  await card.waitFor();
  await page.locator('.connection').waitFor({ state: 'detached' }); // live
  const starts = later(session.starts_at, 30);
  const ends = later(session.ends_at, 30);
  const moved = await server.api('PATCH', `/api/v1/events/${kSlug}/sessions/${session.id}?force=true`, { room_id: other.id, starts_at: starts, ends_at: ends }, admin);
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  await card.locator('.change', { hasText: `Moved to ${other.name}, ${local(starts)}` }).waitFor({ timeout: 10_000 });
  assert.equal(await card.locator('.when time').innerText(), `${local(starts)}–${local(ends)}`);
  assert.match(await card.locator('.meta').innerText(), new RegExp(other.name));
  await context.close();
});

test('a change made while the phone was offline appears once it is back, without a reload', { timeout: 180_000 }, async () => {
  const { day } = await pick();
  const session = day.sessions.filter((s) => s.kind !== 'break' && s.status === 'scheduled').at(-1);
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  const card = page.locator(`article[data-session="${session.id}"]`);
  await card.waitFor();
  await page.locator('.connection').waitFor({ state: 'detached' });
  await context.setOffline(true);
  await page.locator('.connection', { hasText: 'Offline' }).waitFor();
  const cancelled = await server.api('PATCH', `/api/v1/events/${kSlug}/sessions/${session.id}`, { status: 'cancelled' }, admin);
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.equal(await card.locator('.change').count(), 0, 'the change arrived while offline');
  await context.setOffline(false);
  await card.locator('.change', { hasText: 'Cancelled' }).waitFor({ timeout: 20_000 });
  assert.match(await card.locator('.meta').innerText(), /Cancelled/);
  await context.close();
});

test('an urgent announcement shows on the page, cannot be dismissed, and its withdrawal removes it', { timeout: 180_000 }, async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/e/${kSlug}/`);
  await page.getByRole('heading', { name: 'Now and next' }).waitFor();
  await page.locator('.connection').waitFor({ state: 'detached' });
  const posted = await server.api('POST', `/api/v1/events/${kSlug}/announcements`,
    { text: { en: 'The plenary hall is being evacuated', vi: 'Đang sơ tán hội trường', ms: 'Dewan pleno sedang dikosongkan' }, priority: 'urgent' }, admin);
  assert.equal(posted.status, 201, JSON.stringify(posted.body));
  const banner = page.getByRole('alert').filter({ hasText: 'The plenary hall is being evacuated' });
  await banner.waitFor({ timeout: 10_000 });
  assert.equal(await banner.getByRole('button').count(), 0, 'an urgent announcement offers a dismiss button');
  const withdrawn = await server.api('DELETE', `/api/v1/events/${kSlug}/announcements/${posted.body.id}`, undefined, admin);
  assert.equal(withdrawn.status, 204);
  await banner.waitFor({ state: 'detached', timeout: 10_000 });
  await context.close();
});
