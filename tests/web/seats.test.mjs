// A delegate signs in (by code, by the approval link), bookmarks a session,
// joins a full side event's waitlist and is told on the open page when the
// seat becomes theirs.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { agenda, delegateToken, kSlug, newDelegate, phone, placesOf, signInByLink, withPlenary } from './support.mjs';

const setting = withPlenary({ encoder: false });
let server;
let browser;
let admin;
before(async () => {
  ({ server, browser, admin } = await setting.ready);
});

test('sign-in by typed code forgives case, spaces and dashes', { timeout: 180_000 }, async () => {
  const someone = await newDelegate(server, { name: 'Trần Văn Bình' });
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}/e/${kSlug}/me`);
  const sloppy = someone.code.toLowerCase().replace(/(.{4})/g, '$1 - ').trim();
  await page.getByLabel('Access code').fill(sloppy);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My meeting' }).waitFor();
  assert.match(await page.locator('main .lead').innerText(), /Trần Văn Bình/);
  await context.close();
});

test('the approval link opens the app signed in and leaves no code in the address bar', { timeout: 180_000 }, async () => {
  const someone = await newDelegate(server);
  assert.match(someone.link, new RegExp(`^/e/${kSlug}/#code=`));
  const context = await phone(browser);
  const page = await context.newPage();
  await signInByLink(page, server, someone);
  assert.equal(new URL(page.url()).hash, '');
  assert.equal(await page.evaluate(() => history.length >= 1 && location.href.includes('code=')), false);
  await context.close();
});

test('a bookmark made on the session page is in the delegate’s agenda', { timeout: 180_000 }, async () => {
  const someone = await newDelegate(server);
  const token = await delegateToken(server, someone.code);
  const data = await agenda(server);
  const session = data.days.flatMap((d) => d.sessions).find((s) => s.kind === 'plenary');
  const context = await phone(browser);
  const page = await context.newPage();
  await signInByLink(page, server, someone);
  await page.goto(`${server.url}/e/${kSlug}/sessions/${session.id}`);
  await page.getByRole('button', { name: 'Bookmark' }).click();
  await page.getByRole('button', { name: 'Remove bookmark' }).waitFor();
  await page.locator('.pending').waitFor({ state: 'detached' });
  const mine = (await server.api('GET', '/api/v1/me/agenda', undefined, token)).body;
  assert.ok(mine.sessions.some((s) => s.id === session.id && s.bookmarked));
  await page.getByRole('link', { name: 'My agenda' }).click();
  await page.locator(`article[data-session="${session.id}"]`).waitFor();
  await context.close();
});

test('a full side event offers the waitlist with the place, and the open page says when the seat is theirs', { timeout: 180_000 }, async () => {
  const data = await agenda(server);
  const side = data.days.flatMap((d) => d.sessions).find((s) => s.rsvp_required && s.capacity && s.status === 'scheduled' && Date.parse(s.ends_at) > Date.now());
  assert.ok(side, 'the demo has a side event with seats ahead');
  const before = (await server.api('GET', `/api/v1/events/${kSlug}/sessions/${side.id}/seats`)).body;
  // Full: capacity down to the seats taken.
  const full = await server.api('PATCH', `/api/v1/events/${kSlug}/sessions/${side.id}`, { capacity: Math.max(1, before.confirmed), status: 'scheduled' }, admin);
  assert.equal(full.status, 200, JSON.stringify(full.body));
  let seats = (await server.api('GET', `/api/v1/events/${kSlug}/sessions/${side.id}/seats`)).body;
  if (seats.left > 0) {
    // Nobody had a seat: one other delegate takes the only one.
    const other = await newDelegate(server);
    await server.api('POST', `/api/v1/events/${kSlug}/sessions/${side.id}/rsvp`, {}, await delegateToken(server, other.code));
    seats = (await server.api('GET', `/api/v1/events/${kSlug}/sessions/${side.id}/seats`)).body;
  }
  assert.equal(seats.left, 0);

  const someone = await newDelegate(server);
  const context = await phone(browser);
  const page = await context.newPage();
  await signInByLink(page, server, someone);
  await page.goto(`${server.url}/e/${kSlug}/sessions/${side.id}`);
  const place = seats.waitlisted + 1;
  const join = page.getByRole('button', { name: new RegExp(`^Join the waitlist: you would be ${place}(st|nd|rd|th)$`) });
  await join.click();
  await page.locator('.seat-state', { hasText: new RegExp(`Waitlisted: ${place}(st|nd|rd|th)`) }).waitFor();
  await page.getByRole('button', { name: 'Leave the waitlist' }).waitFor();

  // The host adds seats for everyone waiting: the delegate's page says so.
  const raised = await server.api('PATCH', `/api/v1/events/${kSlug}/sessions/${side.id}`, { capacity: seats.confirmed + place }, admin);
  assert.equal(raised.status, 200, JSON.stringify(raised.body));
  await page.getByRole('alert').filter({ hasText: 'A seat is yours:' }).waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Give the seat back' }).waitFor();
  assert.equal(await placesOf(server, side.id, someone.id), 1, 'one place');
  await context.close();
});

test('a delegate corrects their own phone and notes, and signs out', { timeout: 180_000 }, async () => {
  const someone = await newDelegate(server);
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(server.url + someone.link);
  await page.getByRole('link', { name: 'My agenda' }).click();
  await page.getByRole('heading', { name: 'My meeting' }).waitFor();
  await page.getByRole('img', { name: /Your badge/ }).waitFor();
  await page.getByLabel('Phone').fill('+84 912 345 678');
  await page.getByLabel('Notes for the organisers').fill('Vegetarian; step-free access');
  await page.getByLabel('Preferred language').selectOption('vi');
  await page.getByRole('button', { name: 'Save my details' }).click();
  await page.getByText('Saved.').waitFor();
  const token = await delegateToken(server, someone.code).catch(() => null);
  const record = (await server.api('GET', `/api/v1/events/${kSlug}/registrations/${someone.id}`, undefined, admin)).body;
  assert.equal(record.phone, '+84 912 345 678');
  assert.equal(record.notes, 'Vegetarian; step-free access');
  assert.equal(record.preferred_language, 'vi');
  assert.ok(token);
  const appToken = await page.evaluate(() => JSON.parse(localStorage.getItem('plenary.session')).token);
  assert.equal((await server.api('GET', '/api/v1/me', undefined, appToken)).status, 200);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('plenary.session')), 'null');
  // Revoked on the server, not only forgotten by the phone.
  assert.equal((await server.api('GET', '/api/v1/me', undefined, appToken)).status, 401);
  await context.close();
});

test('a delegates-only session is in a signed-in delegate’s agenda and never in an anonymous visitor’s', { timeout: 180_000 }, async () => {
  const data = await agenda(server);
  const day = data.days[data.days.length - 1];
  const room = data.days.flatMap((d) => d.sessions).find((s) => s.room)?.room;
  const created = await server.api('POST', `/api/v1/events/${kSlug}/sessions?force=true`, {
    kind: 'official_meeting', title: { en: 'Heads of delegation closed session', vi: 'Phiên họp kín của trưởng đoàn', ms: 'Sesi tertutup ketua perwakilan' },
    starts_at: `${day.date}T07:00`, ends_at: `${day.date}T07:30`, room_id: room.id, visibility: 'delegates',
  }, admin);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const anonymous = await phone(browser);
  const page = await anonymous.newPage();
  await page.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  await page.locator('article').first().waitFor();
  assert.equal(await page.locator(`article[data-session="${created.body.id}"]`).count(), 0);
  assert.equal(await page.getByText('Heads of delegation closed session').count(), 0);
  await anonymous.close();

  const someone = await newDelegate(server);
  const context = await phone(browser);
  const mine = await context.newPage();
  await signInByLink(mine, server, someone);
  await mine.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  const card = mine.locator(`article[data-session="${created.body.id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /Delegates only/);
  // Signing out takes it off the phone's screen and out of its kept copies.
  await mine.getByRole('link', { name: 'My agenda' }).click();
  await mine.getByRole('button', { name: 'Sign out' }).click();
  await mine.getByRole('heading', { name: 'Sign in' }).waitFor();
  await mine.evaluate((path) => {
    history.pushState(null, '', path);
    dispatchEvent(new PopStateEvent('popstate'));
  }, `/e/${kSlug}/day/${day.date}`);
  await mine.locator('article').first().waitFor();
  await card.waitFor({ state: 'detached' });
  await mine.goto(`${server.url}/e/${kSlug}/day/${day.date}`);
  await mine.locator('article').first().waitFor();
  assert.equal(await mine.locator(`article[data-session="${created.body.id}"]`).count(), 0);
  await context.close();
});
