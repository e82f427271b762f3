// The one module that owns what the delegate did while offline: bookmarks
// and seats are queued on the phone (localStorage), each with its own
// Idempotency-Key, sent in order once the network is there, and shown as
// pending until the server has answered. A retry after a dropped answer
// books nothing twice: the server replays its stored answer for the key.
import { signal } from '@preact/signals';
import { ApiError, delegate, eventPath, NetworkError, write } from './api';
import { storage, uuid } from './storage';

export type PendingKind = 'bookmark' | 'unbookmark' | 'rsvp' | 'unrsvp';

export interface PendingAction {
  key: string; // the Idempotency-Key, fixed when the delegate tapped
  kind: PendingKind;
  event: string;
  session_id: number;
  registration_id: number;
  queued_at: number;
}

export const pending = signal<PendingAction[]>(storage.getJson('pending', []));
// The last refusal to tell the delegate about ("That session takes no RSVPs.").
export const refused = signal<{ session_id: number; detail: string } | null>(null);

function save(next: PendingAction[]) {
  pending.value = next;
  storage.setJson('pending', next);
}

const family = (kind: PendingKind) => (kind === 'bookmark' || kind === 'unbookmark' ? 'bookmark' : 'rsvp');

export function pendingFor(sessionId: number, of: 'bookmark' | 'rsvp'): PendingAction | undefined {
  return pending.value.find((a) => a.session_id === sessionId && family(a.kind) === of);
}

let onSent: () => void = () => {};
export function whenSent(callback: () => void) {
  onSent = callback;
}

// Queues the action and tries to send it now. A second tap on the same
// button while the first is unsent replaces it (bookmark, then unbookmark,
// offline: nothing is sent for either).
export function act(kind: PendingKind, eventSlug: string, sessionId: number) {
  const who = delegate.value;
  if (!who) return;
  const earlier = pendingFor(sessionId, family(kind));
  const rest = pending.value.filter((a) => a !== earlier);
  const cancelsOut = earlier && earlier.kind !== kind && !sending.has(earlier.key);
  const next = cancelsOut
    ? rest
    : [...rest, { key: uuid(), kind, event: eventSlug, session_id: sessionId, registration_id: who.registration_id, queued_at: Date.now() }];
  save(next);
  void flush();
}

const sending = new Set<string>();
let flushing: Promise<void> | null = null;

function request(action: PendingAction) {
  const options = { idempotencyKey: action.key };
  switch (action.kind) {
    case 'bookmark':
      return write('PUT', `/api/v1/me/bookmarks/${action.session_id}`, options);
    case 'unbookmark':
      return write('DELETE', `/api/v1/me/bookmarks/${action.session_id}`, options);
    case 'rsvp':
      return write('POST', `${eventPath(action.event)}/sessions/${action.session_id}/rsvp`, options);
    case 'unrsvp':
      return write('DELETE', `${eventPath(action.event)}/sessions/${action.session_id}/rsvp`, options);
  }
}

// Sends the queue in order; stops at the first action the network did not
// carry (it stays queued, with its key, for the next try).
export function flush(): Promise<void> {
  if (flushing) return flushing;
  flushing = (async () => {
    // The first await comes before anything else, so `flushing` is set
    // before the finally below can clear it.
    await Promise.resolve();
    try {
      for (;;) {
        const who = delegate.value;
        const action = pending.value.find((a) => who && a.registration_id === who.registration_id && !sending.has(a.key));
        if (!action) return;
        sending.add(action.key);
        try {
          await request(action);
        } catch (error) {
          if (error instanceof NetworkError) return;
          if (error instanceof ApiError) {
            // 401 signed the delegate out: keep the action for after sign-in.
            // A server that cannot take it now (503, 429) gets it again later.
            if (error.status === 401 || error.status === 429 || error.status >= 500) return;
            refused.value = { session_id: action.session_id, detail: error.message };
          } else {
            throw error;
          }
        } finally {
          sending.delete(action.key);
        }
        save(pending.value.filter((a) => a.key !== action.key));
        onSent();
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

addEventListener('online', () => void flush());
// A try that the network did not carry (the link came back slowly, or not
// yet for real) is tried again while anything waits.
setInterval(() => {
  if (pending.value.length > 0) void flush();
}, 10_000);
