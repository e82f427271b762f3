// `/e/{slug}/me`: sign-in by access code, or the delegate's own agenda
// (bookmarks and seats with waitlist places), the badge to show at the
// door, their record, and sign-out.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html';
import { ApiError, blobUrl, delegate, eventPath, NetworkError, write } from '../api';
import { signInWithCode, signOut } from '../auth';
import { loadMine, myAgenda, myRecord, sessionById, slug } from '../data';
import { t } from '../i18n';
import { categoryLabel } from '../labels';
import { kLanguages } from '../languages';
import type { MyRecord } from '../types';
import { SessionCard } from '../components/session_card';

export const signInProblem = { value: null as string | null };

function SignIn() {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(signInProblem.value);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signInWithCode(code, slug.value!);
    } catch (error) {
      setProblem(
        error instanceof NetworkError
          ? t('signin.offline')
          : error instanceof ApiError && error.status === 429
            ? t('signin.too_many')
            : t('signin.wrong_code'),
      );
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" tabindex="-1">
    <h1>${t('signin.title')}</h1>
    <p>${t('signin.explain')}</p>
    <form class="stack" onSubmit=${submit}>
      <label for="access-code">${t('signin.code')}</label>
      <input id="access-code" name="code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false"
        required value=${code} onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)}
        aria-describedby=${problem ? 'signin-problem' : undefined} />
      ${problem ? html`<p id="signin-problem" class="problem" role="alert">${problem}</p>` : null}
      <button type="submit" class="button primary" disabled=${busy}>${t('signin.submit')}</button>
    </form>
  </main>`;
}

function Badge({ registrationId }: { registrationId: number }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    blobUrl(`${eventPath(slug.value!)}/delegates/${registrationId}/badge.svg`)
      .then((u) => setUrl((made = u)))
      .catch(() => setFailed(true));
    return () => made && URL.revokeObjectURL(made);
  }, [registrationId]);
  return html`<section aria-labelledby="badge-title">
    <h2 id="badge-title">${t('me.badge')}</h2>
    <p>${t('me.badge_explain')}</p>
    ${url ? html`<img class="badge-image" src=${url} alt=${t('me.badge_alt')} />` : failed ? html`<p>${t('me.badge_unavailable')}</p>` : html`<p>${t('loading')}</p>`}
  </section>`;
}

function Record({ record }: { record: MyRecord }) {
  const [form, setForm] = useState({
    preferred_language: record.preferred_language ?? '',
    phone: record.phone ?? '',
    notes: record.notes ?? '',
  });
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  const field = (name: keyof typeof form) => (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value });
  const save = async (e: Event) => {
    e.preventDefault();
    setState('saving');
    try {
      myRecord.value = await write<MyRecord>('PATCH', '/api/v1/me', {
        body: { preferred_language: form.preferred_language || null, phone: form.phone || null, notes: form.notes || null },
      });
      setState('saved');
    } catch (error) {
      setState(error instanceof NetworkError ? t('me.save_offline') : (error as Error).message);
    }
  };
  return html`<section aria-labelledby="record-title">
    <h2 id="record-title">${t('me.record')}</h2>
    <dl class="facts">
      <dt>${t('me.name')}</dt><dd>${record.name}</dd>
      <dt>${t('me.delegation')}</dt><dd>${record.delegation}</dd>
      <dt>${t('me.category')}</dt><dd>${categoryLabel(record.category)}</dd>
    </dl>
    <form class="stack" onSubmit=${save}>
      <label for="me-language">${t('me.preferred_language')}</label>
      <select id="me-language" value=${form.preferred_language} onChange=${field('preferred_language')}>
        <option value="">${t('me.no_preference')}</option>
        ${kLanguages.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
      </select>
      <label for="me-phone">${t('me.phone')}</label>
      <input id="me-phone" type="tel" autocomplete="tel" value=${form.phone} onInput=${field('phone')} />
      <label for="me-notes">${t('me.notes')}</label>
      <p class="hint" id="me-notes-hint">${t('me.notes_hint')}</p>
      <textarea id="me-notes" rows="3" aria-describedby="me-notes-hint" value=${form.notes} onInput=${field('notes')}></textarea>
      <button type="submit" class="button primary" disabled=${state === 'saving'}>${t('me.save')}</button>
      <p role="status">${state === 'saved' ? t('me.saved') : state === 'idle' || state === 'saving' ? '' : state}</p>
    </form>
  </section>`;
}

export function MePage() {
  const who = delegate.value;
  useEffect(() => void loadMine(), [who?.token]);
  if (!who || who.event !== slug.value) return html`<${SignIn} />`;
  const items = myAgenda.value;
  const record = myRecord.value;
  return html`<main id="main" tabindex="-1">
    <h1>${t('me.title')}</h1>
    ${record ? html`<p class="lead">${record.name} · ${record.delegation}</p>` : null}
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">${t('me.agenda')}</h2>
      ${items === null ? html`<p>${t('loading')}</p>` : items.length === 0 ? html`<p>${t('me.agenda_empty')}</p>` : null}
      <div class="list">
        ${(items ?? []).map((item) => html`<${SessionCard} session=${sessionById.value.get(item.id) ?? item} key=${item.id} />`)}
      </div>
    </section>
    <${Badge} registrationId=${who.registration_id} />
    ${record ? html`<${Record} record=${record} key=${record.id} />` : null}
    <p><button type="button" class="button" onClick=${() => void signOut()}>${t('me.sign_out')}</button></p>
  </main>`;
}
