// What the app knows of the meeting, in signals that pages read: the event,
// its agenda, speakers and announcements, the delegate's own agenda and
// record, and the live changes to mark on screen. Loaders fill them through
// api.ts; live messages patch them in place.
import { batch, computed, signal } from '@preact/signals';
import { ApiError, delegate, eventPath, get, NetworkError } from './api';
import type { Agenda, Announcement, EventInfo, MyAgendaItem, MyRecord, Page, Room, Session, Speaker } from './types';
import type { ChannelMessage } from './live';
import { language } from './i18n';

export const slug = signal<string | null>(null);
export const event = signal<EventInfo | null>(null);
export const agenda = signal<Agenda | null>(null);
export const speakers = signal<Speaker[] | null>(null);
export const announcements = signal<Announcement[]>([]);
export const myAgenda = signal<MyAgendaItem[] | null>(null);
export const myRecord = signal<MyRecord | null>(null);
// Why the event could not be shown (not found, offline with nothing kept).
export const loadError = signal<'not_found' | 'offline' | null>(null);

// A change the host made while the page was open, shown on the session
// until the page is left: what changed, and when we heard.
export interface Change {
  kind: 'moved' | 'delayed' | 'cancelled' | 'live' | 'ended' | 'updated' | 'created';
  fields: string[];
  at: number;
}
export const changes = signal<Record<number, Change>>({});
// One line for screen readers and the eye, about the latest change.
export const lastNotice = signal<string | null>(null);
// A seat that opened for the delegate while the app was open.
export const promotions = signal<number[]>([]);

export const sessions = computed<Session[]>(() => agenda.value?.days.flatMap((d) => d.sessions) ?? []);
export const sessionById = computed(() => new Map(sessions.value.map((s) => [s.id, s])));
export const rooms = computed<Room[]>(() => {
  const seen = new Map<number, Room>();
  for (const s of sessions.value) if (s.room && !seen.has(s.room.id)) seen.set(s.room.id, s.room);
  return [...seen.values()].sort((a, b) => a.id - b.id);
});
export const myItem = computed(() => new Map((myAgenda.value ?? []).map((i) => [i.id, i])));

async function quietly<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof NetworkError || error instanceof ApiError) return undefined;
    throw error;
  }
}

export async function loadEvent(eventSlug: string) {
  if (slug.value !== eventSlug) {
    batch(() => {
      slug.value = eventSlug;
      event.value = null;
      agenda.value = null;
      speakers.value = null;
      announcements.value = [];
      changes.value = {};
    });
  }
  try {
    await loadAgenda();
    loadError.value = null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) loadError.value = 'not_found';
    else if (error instanceof NetworkError) loadError.value = agenda.value ? null : 'offline';
    else throw error;
  }
  await Promise.all([loadAnnouncements(), loadMine()]);
}

export async function loadAgenda() {
  const s = slug.value;
  if (!s) return;
  const next = await get<Agenda>(`${eventPath(s)}/agenda`);
  if (slug.value !== s) return;
  batch(() => {
    agenda.value = next;
    event.value = next.event;
  });
}

export async function loadSpeakers() {
  const s = slug.value;
  if (!s) return;
  const page = await quietly(() => get<Page<Speaker>>(`${eventPath(s)}/speakers?limit=200`));
  if (page && slug.value === s) speakers.value = page.items;
}

export async function loadAnnouncements() {
  const s = slug.value;
  if (!s) return;
  const page = await quietly(() => get<Page<Announcement> | Announcement[]>(`${eventPath(s)}/announcements`));
  if (page && slug.value === s) announcements.value = Array.isArray(page) ? page : page.items;
}

export async function loadMine(fresh = false) {
  if (!delegate.value || delegate.value.event !== slug.value) {
    batch(() => {
      myAgenda.value = null;
      myRecord.value = null;
    });
    return;
  }
  const [items, record] = await Promise.all([
    quietly(() => get<{ sessions: MyAgendaItem[] }>('/api/v1/me/agenda', { fresh })),
    quietly(() => get<MyRecord>('/api/v1/me', { fresh })),
  ]);
  batch(() => {
    if (items) myAgenda.value = items.sessions;
    if (record) myRecord.value = record;
  });
}

function kindOf(message: ChannelMessage, changed: string[]): Change['kind'] {
  const status = message.data?.session?.status;
  if (message.type === 'session.cancelled' || status === 'cancelled') return 'cancelled';
  if (message.type === 'session.live') return 'live';
  if (message.type === 'session.ended') return 'ended';
  if (message.type === 'session.created') return 'created';
  if (status === 'delayed') return 'delayed';
  if (changed.includes('room') || changed.includes('time') || status === 'moved') return 'moved';
  return 'updated';
}

// The fields of a live session message laid over the session we show; the
// message carries room_id, the agenda a room object.
function patched(current: Session | undefined, incoming: any): Session | null {
  const base: any = current ? { ...current } : null;
  if (!base) return null;
  for (const key of ['kind', 'title', 'description', 'starts_at', 'ends_at', 'status', 'visibility']) {
    if (incoming[key] !== undefined && (typeof incoming[key] !== 'object' || incoming[key] === null)) base[key] = incoming[key];
  }
  if ('room_id' in incoming) base.room = rooms.value.find((r) => r.id === incoming.room_id) ?? base.room;
  else if (incoming.room && typeof incoming.room === 'object') base.room = incoming.room;
  return base as Session;
}

function placeSession(session: Session | null, id: number) {
  const current = agenda.value;
  if (!current) return;
  const days = current.days.map((day) => ({ ...day, sessions: day.sessions.filter((s) => s.id !== id) }));
  if (session) {
    const day = days.find((d) => d.date === session.starts_at.slice(0, 10));
    if (day) {
      day.sessions.push(session);
      day.sessions.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id - b.id);
    }
  }
  agenda.value = { ...current, days };
}

let reconcileTimer: number | undefined;
// After a change is shown in place, the full rendering (speakers, rooms'
// names in this language) is read again, once for a burst of changes.
function reconcileSoon() {
  clearTimeout(reconcileTimer);
  reconcileTimer = window.setTimeout(() => {
    void quietly(loadAgenda);
  }, 1500);
}

export function applyEventMessage(message: ChannelMessage, describe: (s: Session, c: Change) => string) {
  const data = message.data ?? {};
  switch (message.type) {
    case 'session.created':
    case 'session.updated':
    case 'session.cancelled':
    case 'session.live':
    case 'session.ended': {
      const id: number | undefined = data.session?.id;
      if (typeof id !== 'number') break;
      const fields: string[] = Array.isArray(data.changes) ? data.changes : Object.keys(data.changes ?? {});
      const next = patched(sessionById.value.get(id), data.session);
      if (next) {
        if (message.type === 'session.ended' && data.replay) next.replay = data.replay;
        placeSession(next, id);
      }
      const change: Change = { kind: kindOf(message, fields), fields, at: Date.now() };
      changes.value = { ...changes.value, [id]: change };
      if (next) lastNotice.value = describe(next, change);
      reconcileSoon();
      break;
    }
    case 'session.deleted':
      if (typeof data.id === 'number') placeSession(null, data.id);
      break;
    case 'announcement':
      if (data.announcement) {
        const a = { ...data.announcement };
        // Subscribed with `lang`, texts come in one language; a full map otherwise.
        if (a.text && typeof a.text === 'object') a.text = a.text[language.value] ?? Object.values(a.text)[0] ?? '';
        announcements.value = [a, ...announcements.value.filter((x) => x.id !== a.id)];
      }
      break;
    case 'announcement.withdrawn':
      announcements.value = announcements.value.filter((a) => a.id !== data.id);
      break;
  }
}

export function applyPersonalMessage(message: ChannelMessage) {
  if (message.type === 'rsvp.promoted' && typeof message.data?.session_id === 'number') {
    promotions.value = [...promotions.value.filter((id) => id !== message.data.session_id), message.data.session_id];
  }
  void loadMine(true);
}
