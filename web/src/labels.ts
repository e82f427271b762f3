// The catalog keys for the API's enumerations, spelled out so that the
// catalog test sees every key used.
import { t } from './i18n';
import type { Change } from './data';
import type { Session, SessionKind, SessionStatus } from './types';
import { clock } from './time';

const kKind: Record<SessionKind, string> = {
  plenary: 'kind.plenary',
  official_meeting: 'kind.official_meeting',
  side_event: 'kind.side_event',
  press_conference: 'kind.press_conference',
  break: 'kind.break',
  other: 'kind.other',
};
const kStatus: Record<SessionStatus, string> = {
  scheduled: 'status.scheduled',
  delayed: 'status.delayed',
  moved: 'status.moved',
  cancelled: 'status.cancelled',
  live: 'status.live',
  ended: 'status.ended',
};
const kRole: Record<string, string> = { speaker: 'role.speaker', moderator: 'role.moderator', chair: 'role.chair' };
const kCategory: Record<string, string> = {
  head_of_delegation: 'category.head_of_delegation',
  delegate: 'category.delegate',
  observer: 'category.observer',
  speaker: 'category.speaker',
  press: 'category.press',
  staff: 'category.staff',
  organiser: 'category.organiser',
};

export const kindLabel = (kind: SessionKind) => t(kKind[kind] ?? 'kind.other');
export const allKinds = Object.keys(kKind) as SessionKind[];
export const statusLabel = (status: SessionStatus) => t(kStatus[status] ?? 'status.scheduled');
export const roleLabel = (role: string) => t(kRole[role] ?? 'role.speaker');
export const categoryLabel = (category: string) => (kCategory[category] ? t(kCategory[category]) : category);

// A language tag named in its own words: "Tiếng Việt", "English".
export function languageName(tag: string) {
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
    if (name && name !== tag) return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
  } catch {
    /* not a tag Intl knows */
  }
  return tag;
}

// "Moved to Bai Chay Room, 14:30", "Delayed to 10:15", "Cancelled".
export function changeText(session: Session, change: Change): string {
  switch (change.kind) {
    case 'cancelled':
      return t('change.cancelled');
    case 'live':
      return t('change.live');
    case 'ended':
      return t('change.ended');
    case 'created':
      return t('change.created');
    case 'delayed':
      return t('change.delayed', { time: clock(session.starts_at) });
    case 'moved':
      if (change.fields.includes('room') && session.room)
        return t('change.moved_room', { room: session.room.name, time: clock(session.starts_at) });
      return t('change.moved', { time: clock(session.starts_at) });
    default:
      return t('change.updated');
  }
}
