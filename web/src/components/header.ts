// The top of every page: the event, where to go, the language, which
// clock the times are on, and whether the data is live.
import { html } from '../html';
import { delegate, staleSince } from '../api';
import { event, slug } from '../data';
import { chooseLanguage, language, t } from '../i18n';
import { kLanguages, type Language } from '../languages';
import { liveStatus, offlineSince } from '../live';
import { appPath, route } from '../router';
import { chooseZone, deviceZone, eventZone, now, sameOffset, utcOffset, zoneChoice, zoneCity } from '../time';

// Drawn from the route, not the loaded event, so it is there from the
// first paint and nothing below it moves when the data arrives.
function Nav() {
  const r = route.value;
  const s = 'slug' in r ? r.slug : slug.value;
  if (!s) return null;
  const page = r.page;
  const current = (on: boolean) => (on ? 'page' : undefined);
  return html`<nav aria-label=${t('nav.label')}>
    <a href=${appPath.event(s)} aria-current=${current(page === 'event' || page === 'day' || page === 'session')}>${t('nav.agenda')}</a>
    <a href=${appPath.speakers(s)} aria-current=${current(page === 'speakers' || page === 'speaker')}>${t('nav.speakers')}</a>
    <a href=${appPath.me(s)} aria-current=${current(page === 'me')}>${delegate.value ? t('nav.me') : t('nav.sign_in')}</a>
  </nav>`;
}

function LanguagePicker() {
  return html`<label class="picker">
    <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2">
      <circle cx="12" cy="12" r="10" /><path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20" />
    </svg>
    <span class="visually-hidden">${t('language.label')}</span>
    <select value=${language.value} onChange=${(e: Event) => chooseLanguage((e.target as HTMLSelectElement).value as Language)}>
      ${kLanguages.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
    </select>
  </label>`;
}

// "Times in Ha Long, UTC+07:00", and the switch to the phone's own zone
// when that differs.
export function ZoneLine() {
  const e = event.value;
  // Its line is held from the first paint, so the page does not move down
  // when the event arrives.
  if (!e) return html`<p class="zone" aria-hidden="true"> </p>`;
  const at = now.value;
  const device = zoneChoice.value === 'device';
  const place = device ? zoneCity(deviceZone) : e.city ?? zoneCity(eventZone.value);
  const offset = utcOffset(device ? deviceZone : eventZone.value, at);
  return html`<p class="zone">
    <span>${device ? t('zone.device', { place, offset }) : t('zone.event', { place, offset })}</span>
    ${sameOffset.value && !device
      ? null
      : html` <button type="button" class="link" onClick=${() => chooseZone(device ? 'event' : 'device')}>
          ${device ? t('zone.use_event') : t('zone.use_device', { place: zoneCity(deviceZone) })}
        </button>`}
  </p>`;
}

function minutesAgo(since: number) {
  return Math.max(0, Math.round((now.value - since) / 60_000));
}

export function ConnectionLine() {
  const status = liveStatus.value;
  const stale = staleSince.value;
  if (status === 'online' && stale === null) return null;
  const since = offlineSince.value;
  const age = stale ?? since;
  // A pill over the page's corner: it comes and goes without moving anything.
  return html`<p class=${`connection ${status}`} role="status">
    ${status === 'offline' ? t('live.offline') : status === 'connecting' ? t('live.connecting') : t('live.cached')}
    ${age !== null && status !== 'connecting' ? ' ' + t('live.data_age', { count: minutesAgo(age) }) : null}
  </p>`;
}

export function Header() {
  const e = event.value;
  return html`<header class="top">
    <div class="bar">
      ${e
        ? html`<a class="brand" href=${appPath.event(e.slug)}>${e.title}</a>`
        : html`<a class="brand" href="/">Plenary</a>`}
      <${LanguagePicker} />
    </div>
    <${Nav} />
    <${ZoneLine} />
    <${ConnectionLine} />
  </header>`;
}
