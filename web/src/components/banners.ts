// What must reach the delegate wherever they are in the app: the hosts'
// announcements (urgent ones stay until withdrawn or expired and cannot be
// dismissed), a seat that opened for them, and a new version of the app.
import { signal } from '@preact/signals';
import { html } from '../html';
import { announcements, lastNotice, promotions, sessionById, slug } from '../data';
import { t } from '../i18n';
import { appPath } from '../router';
import { storage } from '../storage';
import { now } from '../time';
import { applyUpdate, updateReady } from '../sw_bridge';

const dismissed = signal<number[]>(storage.getJson('dismissed', []));
function dismiss(id: number) {
  dismissed.value = [...dismissed.value, id].slice(-100);
  storage.setJson('dismissed', dismissed.value);
}

function Announcements() {
  const at = now.value;
  const shown = announcements.value.filter(
    (a) => (!a.expires_at || Date.parse(a.expires_at) > at) && (a.priority === 'urgent' || !dismissed.value.includes(a.id)),
  );
  if (shown.length === 0) return null;
  const order = { urgent: 0, important: 1, normal: 2 } as const;
  shown.sort((a, b) => order[a.priority] - order[b.priority] || Date.parse(b.created_at) - Date.parse(a.created_at));
  return html`<section class="announcements" aria-label=${t('announcement.label')}>
    ${shown.map(
      (a) => html`<div class=${`announcement ${a.priority}`} role=${a.priority === 'urgent' ? 'alert' : 'status'} data-announcement=${a.id}>
        <p><strong>${a.priority === 'urgent' ? t('announcement.urgent') : a.priority === 'important' ? t('announcement.important') : t('announcement.normal')}</strong> ${a.text}</p>
        ${a.priority === 'urgent'
          ? null
          : html`<button type="button" class="link" onClick=${() => dismiss(a.id)}>${t('announcement.dismiss')}</button>`}
      </div>`,
    )}
  </section>`;
}

function Promotions() {
  const s = slug.value;
  if (!s || promotions.value.length === 0) return null;
  return html`<section class="promotions">
    ${promotions.value.map((id) => {
      const session = sessionById.value.get(id);
      return html`<div class="announcement good" role="alert">
        <p><strong>${t('rsvp.promoted')}</strong> <a href=${appPath.session(s, id)}>${session?.title ?? t('rsvp.promoted_session')}</a></p>
        <button type="button" class="link" onClick=${() => (promotions.value = promotions.value.filter((p) => p !== id))}>${t('announcement.dismiss')}</button>
      </div>`;
    })}
  </section>`;
}

function UpdatePrompt() {
  if (!updateReady.value) return null;
  return html`<div class="announcement update" role="status">
    <p>${t('update.ready')}</p>
    <button type="button" class="button" onClick=${applyUpdate}>${t('update.reload')}</button>
  </div>`;
}

export function Banners() {
  return html`<${UpdatePrompt} /><${Announcements} /><${Promotions} />
    <p class="visually-hidden" aria-live="polite">${lastNotice.value ?? ''}</p>`;
}
