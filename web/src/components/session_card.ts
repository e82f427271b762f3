// One session in a list: time, title, room, kind, status in words, and
// the live change the host just made, marked so the eye finds it.
import { html } from '../html';
import { changes, myItem, slug } from '../data';
import { ordinal, t } from '../i18n';
import { changeText, kindLabel, statusLabel } from '../labels';
import { pendingFor } from '../offline';
import { appPath } from '../router';
import { timeRange } from '../time';
import type { Session } from '../types';

export function SessionCard({ session, headingLevel = 3 }: { session: Session; headingLevel?: 2 | 3 }) {
  const change = changes.value[session.id];
  const mine = myItem.value.get(session.id);
  const bookmarked = pendingFor(session.id, 'bookmark')
    ? pendingFor(session.id, 'bookmark')!.kind === 'bookmark'
    : Boolean(mine?.bookmarked);
  const seat = mine?.rsvp;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return html`<article class=${`card status-${session.status}${change ? ' changed' : ''}`} data-session=${session.id}>
    <p class="when"><time datetime=${session.starts_at}>${timeRange(session.starts_at, session.ends_at)}</time></p>
    <${Heading} class="title"><a href=${appPath.session(slug.value!, session.id)}>${session.title}</a></${Heading}>
    <p class="meta">
      ${session.room ? html`<span>${session.room.name}</span>` : null}
      <span>${kindLabel(session.kind)}</span>
      ${session.visibility === 'delegates' ? html`<span>${t('session.delegates_only')}</span>` : null}
      ${session.status !== 'scheduled' ? html`<span class="status">${statusLabel(session.status)}</span>` : null}
      ${bookmarked ? html`<span class="mark">${t('session.bookmarked')}</span>` : null}
      ${seat ? html`<span class="mark">${seat.status === 'confirmed' ? t('rsvp.have_seat') : t('rsvp.waitlisted', { place: ordinal(seat.waitlist_place ?? 0) })}</span>` : null}
    </p>
    ${change ? html`<p class="change" role="status"><strong>${changeText(session, change)}</strong></p>` : null}
  </article>`;
}
