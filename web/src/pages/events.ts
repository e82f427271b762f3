// `/`: the public events; a single one opens at once.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html';
import { get } from '../api';
import { t } from '../i18n';
import { appPath, navigate } from '../router';
import { dayLabel } from '../time';
import type { EventInfo, Page } from '../types';

export function EventsPage() {
  const [events, setEvents] = useState<EventInfo[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    get<Page<EventInfo>>('/api/v1/events?limit=200')
      .then((page) => {
        if (page.items.length === 1) navigate(appPath.event(page.items[0].slug), true);
        else setEvents(page.items);
      })
      .catch(() => setFailed(true));
  }, []);
  return html`<main id="main" tabindex="-1">
    <h1>${t('events.title')}</h1>
    ${failed ? html`<p role="alert">${t('error.offline_nothing')}</p>` : null}
    ${events === null && !failed ? html`<p>${t('loading')}</p>` : null}
    ${events?.length === 0 ? html`<p>${t('events.none')}</p>` : null}
    <ul class="plain">
      ${events?.map(
        (e) => html`<li class="card"><h2 class="title"><a href=${appPath.event(e.slug)}>${e.title}</a></h2>
          <p class="meta"><span>${[e.venue, e.city].filter(Boolean).join(', ')}</span>
          <span>${dayLabel(e.first_day, 'long')} – ${dayLabel(e.last_day, 'long')}</span></p></li>`,
      )}
    </ul>
  </main>`;
}
