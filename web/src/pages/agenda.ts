// `/e/{slug}/` (now and next, then today's agenda) and `/e/{slug}/day/{date}`
// (a day, with tabs for the days, filters and a search that forgives case
// and diacritics).
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html';
import { agenda, rooms, slug } from '../data';
import { t } from '../i18n';
import { allKinds, kindLabel } from '../labels';
import { appPath } from '../router';
import { matches } from '../search';
import { clock, dateIn, dayLabel, dayOf, eventZone, minutesUntil, now, shownZone } from '../time';
import type { Session } from '../types';
import { SessionCard } from '../components/session_card';

function todayOrFirst(dates: string[], at: number, zone: string): string | undefined {
  const today = dateIn(zone, at);
  if (dates.includes(today)) return today;
  return today < dates[0] ? dates[0] : dates[dates.length - 1];
}

// "13:30 · in 25 minutes" today; "Wed 9 Dec 13:30" on a later day.
function Countdown({ session, at }: { session: Session; at: number }) {
  const minutes = minutesUntil(session.starts_at, at);
  const time = clock(session.starts_at);
  if (dayOf(session.starts_at) !== dateIn(shownZone.value, at)) {
    return html`<span>${t('now.at', { time: `${dayLabel(dayOf(session.starts_at))} ${time}` })}</span>`;
  }
  if (minutes <= 0) return html`<span>${time} · ${t('now.starting')}</span>`;
  if (minutes < 60) return html`<span>${time} · ${t('now.in_minutes', { count: minutes })}</span>`;
  return html`<span>${time} · ${t('now.in_hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 })}</span>`;
}

// What is on in each room now, and what starts there next.
function NowAndNext() {
  const at = now.value;
  const all = (agenda.value?.days ?? []).flatMap((d) => d.sessions).filter((s) => s.status !== 'cancelled' && s.kind !== 'break');
  const rows = rooms.value
    .map((room) => {
      const here = all.filter((s) => s.room?.id === room.id);
      const current = here.find((s) => s.status === 'live' || (Date.parse(s.starts_at) <= at && at < Date.parse(s.ends_at) && s.status !== 'ended'));
      const next = here.find((s) => Date.parse(s.starts_at) > at && s !== current);
      return { room, current, next };
    })
    .filter((r) => r.current || r.next);
  const s = slug.value!;
  return html`<section class="now" aria-labelledby="now-title">
    <h2 id="now-title">${t('now.title')}</h2>
    ${rows.length === 0 ? html`<p>${t('now.nothing')}</p>` : null}
    <ul class="plain">
      ${rows.map(
        ({ room, current, next }) => html`<li class="room-now" data-room=${room.id}>
          <h3>${room.name}</h3>
          ${current
            ? html`<p><span class=${current.status === 'live' ? 'badge live' : 'badge now'}>${current.status === 'live' ? t('status.live') : t('now.on_now')}</span>
                <a href=${appPath.session(s, current.id)}>${current.title}</a>
                <span class="until">${t('now.until', { time: clock(current.ends_at) })}</span>
                ${current.status === 'live' && room.streamed ? html` <a class="button small" href=${appPath.watch(s, room.id)}>${t('session.watch')}</a>` : null}</p>`
            : null}
          ${next
            ? html`<p><span class="badge">${t('now.next')}</span> <a href=${appPath.session(s, next.id)}>${next.title}</a>
                <span class="until"><${Countdown} session=${next} at=${at} /></span></p>`
            : null}
        </li>`,
      )}
    </ul>
  </section>`;
}

function DayTabs({ current }: { current: string }) {
  const s = slug.value!;
  return html`<nav class="days" aria-label=${t('agenda.days')}>
    ${agenda.value!.days.map(
      (d) => html`<a href=${appPath.day(s, d.date)} aria-current=${d.date === current ? 'page' : undefined}>${dayLabel(d.date)}</a>`,
    )}
  </nav>`;
}

function searchable(session: Session) {
  return [session.title, session.description ?? '', ...session.speakers.map((p) => p.name)].join(' ');
}

function Day({ date }: { date: string }) {
  const [room, setRoom] = useState('');
  const [kind, setKind] = useState('');
  const [track, setTrack] = useState('');
  const [query, setQuery] = useState('');
  const day = agenda.value!.days.find((d) => d.date === date);
  const tracks = useMemo(() => {
    const seen = new Map<number, string>();
    for (const d of agenda.value!.days) for (const x of d.sessions) if (x.track) seen.set(x.track.id, x.track.name);
    return [...seen];
  }, [agenda.value]);
  if (!day) return html`<p>${t('agenda.no_such_day')}</p>`;
  const shown = day.sessions.filter(
    (x) =>
      (!room || String(x.room?.id) === room) &&
      (!kind || x.kind === kind) &&
      (!track || String(x.track?.id) === track) &&
      matches(searchable(x), query),
  );
  return html`<section aria-labelledby="day-title">
    <h2 id="day-title">${dayLabel(date, 'long')}</h2>
    <${DayTabs} current=${date} />
    <form class="filters" role="search" onSubmit=${(e: Event) => e.preventDefault()}>
      <label class="search"><span>${t('agenda.search')}</span>
        <input type="search" value=${query} onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} /></label>
      <details class="more" open=${Boolean(room || kind || track)}>
      <summary>${t('agenda.filters')}</summary>
      <div class="selects">
      <label><span>${t('agenda.room')}</span>
        <select value=${room} onChange=${(e: Event) => setRoom((e.target as HTMLSelectElement).value)}>
          <option value="">${t('agenda.all_rooms')}</option>
          ${rooms.value.map((r) => html`<option value=${String(r.id)}>${r.name}</option>`)}
        </select></label>
      <label><span>${t('agenda.kind')}</span>
        <select value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value)}>
          <option value="">${t('agenda.all_kinds')}</option>
          ${allKinds.map((k) => html`<option value=${k}>${kindLabel(k)}</option>`)}
        </select></label>
      ${tracks.length
        ? html`<label><span>${t('agenda.track')}</span>
            <select value=${track} onChange=${(e: Event) => setTrack((e.target as HTMLSelectElement).value)}>
              <option value="">${t('agenda.all_tracks')}</option>
              ${tracks.map(([id, name]) => html`<option value=${String(id)}>${name}</option>`)}
            </select></label>`
        : null}
      </div>
      </details>
    </form>
    <p class="count" aria-live="polite">${t('agenda.count', { count: shown.length })}</p>
    <div class="list">${shown.map((x) => html`<${SessionCard} session=${x} key=${x.id} />`)}</div>
  </section>`;
}

export function AgendaPage({ date, home }: { date?: string; home: boolean }) {
  const a = agenda.value;
  if (!a) return html`<main id="main" tabindex="-1"><p>${t('loading')}</p></main>`;
  const dates = a.days.map((d) => d.date);
  const shownDate = date ?? todayOrFirst(dates, now.value, eventZone.value) ?? dates[0];
  return html`<main id="main" tabindex="-1">
    <h1 class=${home ? '' : 'visually-hidden'}>${home ? a.event.title : t('agenda.title')}</h1>
    ${home && a.event.venue ? html`<p class="lead">${[a.event.venue, a.event.city].filter(Boolean).join(', ')}</p>` : null}
    ${home ? html`<${NowAndNext} />` : null}
    ${shownDate ? html`<${Day} date=${shownDate} key=${shownDate} />` : html`<p>${t('agenda.empty')}</p>`}
  </main>`;
}
