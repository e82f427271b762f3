// How times are shown: in the event's zone (its IANA name, through
// Intl.DateTimeFormat), or in the phone's own zone when the delegate picks
// it; never by adding offsets by hand.
import { computed, signal } from '@preact/signals';
import { language } from './i18n';
import { event } from './data';
import { storage } from './storage';

export const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
// 'event' (the default) or 'device'.
export const zoneChoice = signal<'event' | 'device'>(storage.get('zone') === 'device' ? 'device' : 'event');
export function chooseZone(choice: 'event' | 'device') {
  storage.set('zone', choice);
  zoneChoice.value = choice;
}

export const eventZone = computed(() => event.value?.time_zone ?? 'UTC');
export const shownZone = computed(() => (zoneChoice.value === 'device' ? deviceZone : eventZone.value));

// A clock for countdowns and "now": ticks every 30 s.
export const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 30_000);

// Building an Intl.DateTimeFormat costs milliseconds on a phone and an
// agenda formats hundreds of times: each one is built once, then kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function cached(locale: string, options: Intl.DateTimeFormatOptions) {
  const key = locale + JSON.stringify(options);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}
const formatter = (options: Intl.DateTimeFormatOptions) => cached(language.value, { timeZone: shownZone.value, ...options });

// YYYY-MM-DD of an instant in a zone (en-CA formats dates that way).
export const dateIn = (zone: string, at: Date | number) =>
  cached('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

const kTime: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

export const clock = (iso: string) => formatter(kTime).format(new Date(iso));
export const timeRange = (from: string, to: string) => `${clock(from)}–${clock(to)}`;

// "Tue 19 Nov": a day of the event, named in the shown zone.
export function dayLabel(date: string, style: 'short' | 'long' = 'short') {
  // Noon UTC of a calendar date is that date in every zone within ±12 h; the
  // date is formatted in UTC so no zone shifts it.
  const noon = new Date(`${date}T12:00:00Z`);
  return cached(language.value, { timeZone: 'UTC', weekday: style, day: 'numeric', month: style }).format(noon);
}

export const dayOf = (iso: string) => dateIn(shownZone.value, new Date(iso));

// "UTC+07:00" for a zone at an instant.
export function utcOffset(zone: string, at = Date.now()) {
  const part = cached('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  if (!part || part === 'GMT') return 'UTC+00:00';
  return part.replace('GMT', 'UTC').replace('-', '−');
}

// The place a zone is named after: "Los Angeles" for America/Los_Angeles.
export const zoneCity = (zone: string) => zone.split('/').pop()!.replace(/_/g, ' ');

export const sameOffset = computed(() => utcOffset(deviceZone, now.value) === utcOffset(eventZone.value, now.value));

// Minutes from now to an instant, rounded up.
export const minutesUntil = (iso: string, at: number) => Math.ceil((Date.parse(iso) - at) / 60_000);
