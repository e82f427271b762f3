// Signing a delegate in with their access code (typed, or from the
// approval link's #code=… fragment) and out again.
import { ApiError, delegate, forgetPersonalData, setDelegate, write } from './api';
import { loadAgenda, loadMine } from './data';
import { flush, pending } from './offline';
import { storage } from './storage';
import { warmOfflineCache } from './warm';

// As the API forgives them: case, spaces and dashes.
export const normalizeCode = (code: string) => code.replace(/[\s-]+/g, '').toUpperCase();

export async function signInWithCode(code: string, eventSlug: string) {
  const answer = await write<{ token: string; expires_at: string; registration_id: number }>('POST', '/api/v1/auth/code', {
    body: { code: normalizeCode(code) },
  });
  await forgetPersonalData();
  setDelegate({ token: answer.token, event: eventSlug, registration_id: answer.registration_id, expires_at: answer.expires_at });
  await loadMine();
  // Delegates-only sessions of their event join the agenda.
  void loadAgenda().catch(() => {});
  void flush();
  // The kept copies were dropped with the last person's: keep this one's.
  void warmOfflineCache();
}

export async function signOut() {
  const who = delegate.value;
  try {
    await write('POST', '/api/v1/auth/logout');
  } catch (error) {
    if (!(error instanceof ApiError)) {
      /* offline: the token is forgotten here; it expires on its own */
    }
  }
  setDelegate(null);
  if (who) {
    pending.value = pending.value.filter((a) => a.registration_id !== who.registration_id);
    storage.setJson('pending', pending.value);
  }
  await forgetPersonalData();
  await loadMine();
  // …and leave it with the delegate.
  void loadAgenda().catch(() => {});
  void warmOfflineCache();
}

// The approval link opens /e/{slug}/#code=…: sign in with it and take it out
// of the address bar (and so out of the history and any shared link).
export async function signInFromFragment(eventSlug: string): Promise<'none' | 'ok' | 'failed'> {
  const match = /(?:^#|&)code=([^&]+)/.exec(location.hash);
  if (!match) return 'none';
  history.replaceState(null, '', location.pathname + location.search);
  try {
    await signInWithCode(decodeURIComponent(match[1]), eventSlug);
    return 'ok';
  } catch {
    return 'failed';
  }
}
