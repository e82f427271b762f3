// `/e/{slug}/speakers` and `/e/{slug}/speakers/{id}`. Names are shown as
// written; a speaker's sessions come from the agenda, so both open offline.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html';
import { loadSpeakers, sessions, slug, speakers } from '../data';
import { t } from '../i18n';
import { appPath } from '../router';
import { matches } from '../search';
import { SessionCard } from '../components/session_card';

export function SpeakersPage() {
  const [query, setQuery] = useState('');
  useEffect(() => void loadSpeakers(), [slug.value]);
  const list = speakers.value;
  const s = slug.value!;
  const shown = (list ?? []).filter((p) => matches([p.name, p.organisation ?? '', p.position ?? ''].join(' '), query));
  return html`<main id="main" tabindex="-1">
    <h1>${t('speakers.title')}</h1>
    <label class="search"><span>${t('speakers.search')}</span>
      <input type="search" value=${query} onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} /></label>
    ${list === null ? html`<p>${t('loading')}</p>` : null}
    <ul class="plain people">
      ${shown.map(
        (p) => html`<li class="card"><a href=${appPath.speaker(s, p.id)}>${p.name}</a>
          <span class="meta">${[p.position, p.organisation].filter(Boolean).join(', ')}</span></li>`,
      )}
    </ul>
  </main>`;
}

export function SpeakerPage({ id }: { id: number }) {
  useEffect(() => {
    if (speakers.value === null) void loadSpeakers();
  }, [slug.value]);
  const person = speakers.value?.find((p) => p.id === id);
  const theirs = sessions.value.filter((x) => x.speakers.some((p) => p.id === id));
  const name = person?.name ?? theirs[0]?.speakers.find((p) => p.id === id)?.name;
  if (!name) return html`<main id="main" tabindex="-1"><h1>${speakers.value ? t('error.not_found') : t('loading')}</h1></main>`;
  return html`<main id="main" tabindex="-1">
    <p class="crumbs"><a href=${appPath.speakers(slug.value!)}>${t('speakers.title')}</a></p>
    <h1>${person?.honorific ? `${person.honorific} ` : ''}${name}</h1>
    ${person ? html`<p class="lead">${[person.position, person.organisation].filter(Boolean).join(', ')}</p>` : null}
    ${person?.bio ? html`<p>${person.bio}</p>` : null}
    <h2>${t('speakers.sessions')}</h2>
    <div class="list">${theirs.map((x) => html`<${SessionCard} session=${x} key=${x.id} />`)}</div>
  </main>`;
}
