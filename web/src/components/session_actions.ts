// The bookmark and seat buttons of a session. Each says what a tap will do
// ("Take a seat: 3 left", "Join the waitlist: you would be 4th", "Give the
// seat back"); what was tapped offline shows as pending until it is sent.
import { useEffect } from 'preact/hooks';
import { signal } from '@preact/signals';
import { html } from '../html';
import { delegate, eventPath, get } from '../api';
import { myItem, slug } from '../data';
import { ordinal, t } from '../i18n';
import { act, pendingFor, refused } from '../offline';
import { appPath } from '../router';
import { now } from '../time';
import type { Seats, Session } from '../types';

const seats = signal<Record<number, Seats>>({});

export async function loadSeats(eventSlug: string, sessionId: number) {
  try {
    const answer = await get<Seats>(`${eventPath(eventSlug)}/sessions/${sessionId}/seats`, { localized: false });
    seats.value = { ...seats.value, [sessionId]: answer };
  } catch {
    /* offline: the button falls back to words without counts */
  }
}

export function SessionActions({ session }: { session: Session }) {
  const eventSlug = slug.value!;
  const takesSeats = Boolean(session.rsvp_required && session.capacity);
  const mine = myItem.value.get(session.id);
  useEffect(() => {
    if (takesSeats) void loadSeats(eventSlug, session.id);
  }, [eventSlug, session.id, takesSeats, mine?.rsvp?.status, mine?.rsvp?.waitlist_place]);

  if (!delegate.value || delegate.value.event !== eventSlug) {
    return html`<p class="actions"><a class="button" href=${appPath.me(eventSlug)}>${t('session.sign_in_to_book')}</a></p>`;
  }
  const bookmarkPending = pendingFor(session.id, 'bookmark');
  const bookmarked = bookmarkPending ? bookmarkPending.kind === 'bookmark' : Boolean(mine?.bookmarked);
  const seatPending = pendingFor(session.id, 'rsvp');
  const rsvp = mine?.rsvp ?? null;
  const count = seats.value[session.id];
  // No new seats for what is over; giving one back stays possible.
  const closed = session.status === 'cancelled' || session.status === 'ended' || Date.parse(session.ends_at) < now.value;

  let seatLabel: string;
  let seatAction: 'rsvp' | 'unrsvp';
  if (seatPending) {
    seatAction = seatPending.kind === 'rsvp' ? 'unrsvp' : 'rsvp';
    seatLabel = seatPending.kind === 'rsvp' ? t('rsvp.pending_take') : t('rsvp.pending_give');
  } else if (rsvp?.status === 'confirmed') {
    seatAction = 'unrsvp';
    seatLabel = t('rsvp.give_back');
  } else if (rsvp?.status === 'waitlisted') {
    seatAction = 'unrsvp';
    seatLabel = t('rsvp.leave_waitlist');
  } else if (count && count.left > 0) {
    seatAction = 'rsvp';
    seatLabel = t('rsvp.take_left', { count: count.left });
  } else if (count) {
    seatAction = 'rsvp';
    seatLabel = t('rsvp.join_waitlist_place', { place: ordinal(count.waitlisted + 1) });
  } else {
    seatAction = 'rsvp';
    seatLabel = t('rsvp.take');
  }
  const problem = refused.value?.session_id === session.id ? refused.value.detail : null;

  return html`<div class="actions">
    <button type="button" class="button" aria-pressed=${bookmarked}
      onClick=${() => act(bookmarked ? 'unbookmark' : 'bookmark', eventSlug, session.id)}>
      ${bookmarked ? t('session.unbookmark') : t('session.bookmark')}
    </button>
    ${bookmarkPending ? html`<span class="pending">${t('offline.pending')}</span>` : null}
    ${takesSeats
      ? html`<p class="seat-state">
            ${rsvp?.status === 'confirmed' ? t('rsvp.have_seat') : null}
            ${rsvp?.status === 'waitlisted' ? t('rsvp.waitlisted', { place: ordinal(rsvp.waitlist_place ?? 0) }) : null}
          </p>
          <button type="button" class="button primary" disabled=${closed && seatAction === 'rsvp'}
            onClick=${() => act(seatAction, eventSlug, session.id)}>${seatLabel}</button>
          ${seatPending ? html`<span class="pending">${t('offline.pending')}</span>` : null}`
      : null}
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
  </div>`;
}

// For the session page: the seat counts anyone may see.
export function SeatCounts({ session }: { session: Session }) {
  const count = seats.value[session.id];
  const takesSeats = Boolean(session.rsvp_required && session.capacity);
  useEffect(() => {
    if (takesSeats) void loadSeats(slug.value!, session.id);
  }, [session.id, takesSeats]);
  if (!takesSeats) return null;
  if (!count) return html`<p>${t('seats.capacity', { count: session.capacity ?? 0 })}</p>`;
  return html`<p>${t('seats.state', { left: count.left, capacity: count.capacity, waitlisted: count.waitlisted })}</p>`;
}
