// The API's shapes, as static/openapi.json describes them (the fields the app reads).
export type SessionKind = 'plenary' | 'official_meeting' | 'side_event' | 'press_conference' | 'break' | 'other';
export type SessionStatus = 'scheduled' | 'delayed' | 'moved' | 'cancelled' | 'live' | 'ended';

export interface EventInfo {
  slug: string;
  title: string;
  description: string | null;
  venue: string | null;
  city: string | null;
  time_zone: string;
  first_day: string;
  last_day: string;
  languages: string[];
  default_language: string;
  visibility: 'public' | 'delegates';
}

export interface Room {
  id: number;
  name: string;
  venue: string | null;
  capacity: number | null;
  streamed: boolean;
  stream?: { hls: string };
}

export interface Track {
  id: number;
  name: string;
  color: string | null;
}

export interface SessionSpeaker {
  id: number;
  role: 'speaker' | 'moderator' | 'chair';
  name: string;
  honorific: string | null;
  position: string | null;
  organisation: string | null;
  country: string | null;
}

export interface Session {
  id: number;
  kind: SessionKind;
  title: string;
  description: string | null;
  starts_at: string;
  ends_at: string;
  status: SessionStatus;
  visibility: 'public' | 'delegates';
  spoken_language: string | null;
  interpretation_languages: string[];
  room: Room | null;
  track: Track | null;
  speakers: SessionSpeaker[];
  stream?: { hls: string };
  replay?: { hls: string; seconds: number };
  capacity?: number | null;
  rsvp_required?: boolean;
}

export interface Agenda {
  event: EventInfo;
  language: string;
  days: { date: string; sessions: Session[] }[];
}

export interface Speaker {
  id: number;
  name: string;
  honorific: string | null;
  position: string | null;
  organisation: string | null;
  country: string | null;
  bio: string | null;
  photo_url: string | null;
  sessions?: { id: number }[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Announcement {
  id: number;
  text: string;
  priority: 'normal' | 'important' | 'urgent';
  created_at: string;
  expires_at: string | null;
}

export interface Rsvp {
  status: 'confirmed' | 'waitlisted';
  waitlist_place: number | null;
  notice: string | null;
}

// A session of the delegate's own agenda: the session with their marks.
export interface MyAgendaItem extends Session {
  bookmarked: boolean;
  rsvp: Rsvp | null;
}

export interface MyRecord {
  id: number;
  event: string;
  name: string;
  position: string | null;
  organisation: string | null;
  delegation: string;
  category: string;
  email: string | null;
  phone: string | null;
  preferred_language: string | null;
  attendance: 'in_person' | 'remote';
  notes: string | null;
  status: string;
}

export interface Seats {
  session_id: number;
  capacity: number;
  confirmed: number;
  waitlisted: number;
  left: number;
}

export interface StreamLanguage {
  code: string;
  name: string;
  floor: boolean;
  rendition: string;
}

export interface StreamInfo {
  room: { id: number; name: string };
  streamed: boolean;
  state: 'idle' | 'live' | 'reconnecting' | 'error' | 'off' | 'unavailable';
  session?: { id: number; href: string } | null;
  languages?: StreamLanguage[];
  renditions?: { name: string; type: string; codecs: string | null; bitrate: number }[];
  playback?: { hls: string; expires_at?: string } | null;
  visibility?: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; detail: string }[];
}
