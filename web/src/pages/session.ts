// `/e/{slug}/sessions/{id}`: one session, drawn from the agenda at once
// (so it opens offline) and read again from the API for the freshest state.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html';
import { ApiError, eventPath, get } from '../api';
import { changes, sessionById, slug, agenda } from '../data';
import { t } from '../i18n';
import { changeText, kindLabel, languageName, roleLabel, statusLabel } from '../labels';
import { appPath } from '../router';
import { clock, dayLabel, dayOf } from '../time';
import type { Session } from '../types';
import { SeatCounts, SessionActions } from '../components/session_actions';

export function SessionPage({ id }: { id: number }) {
  const s = slug.value!;
  const [fetched, setFetched] = useState<Session | null>(null);
  const [missing, setMissing] = useState(false);
  const known = sessionById.value.get(id);
  useEffect(() => {
    setFetched(null);
    setMissing(false);
    get<Session>(`${eventPath(s)}/sessions/${id}`)
      .then(setFetched)
      .catch((error) => {
        if (error instanceof ApiError && error.status === 404) setMissing(true);
      });
  }, [s, id, agenda.value?.language]);
  // A live change patches the agenda's copy: it wins over an older read.
  const session = known && (!fetched || changes.value[id]) ? known : fetched ?? known;
  if (!session) {
    return html`<main id="main" tabindex="-1"><h1>${missing ? t('error.not_found') : t('loading')}</h1></main>`;
  }
  const change = changes.value[id];
  const room = session.room;
  return html`<main id="main" tabindex="-1" class="session" data-session=${session.id}>
    <p class="crumbs"><a href=${appPath.day(s, dayOf(session.starts_at))}>${dayLabel(dayOf(session.starts_at), 'long')}</a></p>
    <h1>${session.title}</h1>
    ${change ? html`<p class="change" role="status"><strong>${changeText(session, change)}</strong></p>` : null}
    <dl class="facts">
      <dt>${t('session.time')}</dt><dd><time datetime=${session.starts_at}>${dayLabel(dayOf(session.starts_at), 'long')}, ${clock(session.starts_at)}–${clock(session.ends_at)}</time></dd>
      ${room ? html`<dt>${t('session.room')}</dt><dd>${room.name}${room.venue ? ` (${room.venue})` : ''}</dd>` : null}
      <dt>${t('session.kind')}</dt><dd>${kindLabel(session.kind)}</dd>
      <dt>${t('session.status')}</dt><dd class="status">${statusLabel(session.status)}</dd>
      ${session.track ? html`<dt>${t('session.track')}</dt><dd>${session.track.name}</dd>` : null}
      ${session.spoken_language ? html`<dt>${t('session.spoken')}</dt><dd>${languageName(session.spoken_language)}</dd>` : null}
      ${session.interpretation_languages.length
        ? html`<dt>${t('session.interpretation')}</dt><dd>${session.interpretation_languages.map(languageName).join(', ')}</dd>`
        : null}
      ${session.visibility === 'delegates' ? html`<dt>${t('session.audience')}</dt><dd>${t('session.delegates_only')}</dd>` : null}
    </dl>
    <${SeatCounts} session=${session} />
    <${SessionActions} session=${session} />
    <p class="actions">
      ${session.status === 'live' && room?.streamed ? html`<a class="button primary" href=${appPath.watch(s, room.id)}>${t('session.watch')}</a>` : null}
      ${session.replay && room ? html`<a class="button" href=${appPath.watch(s, room.id, session.id)}>${t('session.replay')}</a>` : null}
    </p>
    ${session.description ? html`<div class="description"><h2>${t('session.about')}</h2><p>${session.description}</p></div>` : null}
    ${session.speakers.length
      ? html`<h2>${t('session.speakers')}</h2>
          <ul class="plain people">
            ${session.speakers.map(
              (p) => html`<li><a href=${appPath.speaker(s, p.id)}>${p.name}</a>
                <span class="meta">${roleLabel(p.role)}${p.position ? ` · ${p.position}` : ''}${p.organisation ? `, ${p.organisation}` : ''}</span></li>`,
            )}
          </ul>`
      : null}
  </main>`;
}
