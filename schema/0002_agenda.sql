-- Meetings and their agendas. Human-readable texts are JSON objects mapping a
-- BCP 47 tag to NFC UTF-8 text ({"en":"…","vi":"…","ms":"…"}). Instants are
-- INTEGER seconds since the Unix epoch (UTC); days are the event's local dates.
-- JSON columns are written only by Plenary itself (no json_valid CHECKs: with
-- trusted_schema=OFF, SQLite 3.40 refuses JSON functions in the schema).

CREATE TABLE events (
  id               INTEGER PRIMARY KEY,
  slug             TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 2 AND 64),
  title            TEXT    NOT NULL,
  description      TEXT    NOT NULL DEFAULT '{}',
  venue            TEXT    NOT NULL DEFAULT '{}',
  city             TEXT    NOT NULL DEFAULT '{}',
  time_zone        TEXT    NOT NULL,
  first_day        TEXT    NOT NULL,
  last_day         TEXT    NOT NULL CHECK (last_day >= first_day),
  languages        TEXT    NOT NULL,
  default_language TEXT    NOT NULL,
  visibility       TEXT    NOT NULL CHECK (visibility IN ('public', 'delegates')),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE rooms (
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name       TEXT    NOT NULL,
  venue      TEXT    NOT NULL DEFAULT '{}',
  capacity   INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  streamed   INTEGER NOT NULL DEFAULT 0 CHECK (streamed IN (0, 1))
) STRICT;
CREATE INDEX rooms_by_event ON rooms (event_id, id);

CREATE TABLE tracks (
  id       INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name     TEXT    NOT NULL,
  color    TEXT    NOT NULL CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')
) STRICT;
CREATE INDEX tracks_by_event ON tracks (event_id, id);

-- Speakers, moderators and chairs. A name is stored as written, in any script.
CREATE TABLE people (
  id           INTEGER PRIMARY KEY,
  event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name         TEXT    NOT NULL CHECK (length(name) > 0),
  honorific    TEXT    NOT NULL DEFAULT '{}',
  position     TEXT    NOT NULL DEFAULT '{}',
  organisation TEXT    NOT NULL DEFAULT '{}',
  country      TEXT    CHECK (country IS NULL OR country GLOB '[A-Z][A-Z]'),
  bio          TEXT    NOT NULL DEFAULT '{}',
  photo_url    TEXT
) STRICT;
CREATE INDEX people_by_event ON people (event_id, id);

CREATE TABLE sessions (
  id                       INTEGER PRIMARY KEY,
  event_id                 INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  kind                     TEXT    NOT NULL CHECK (kind IN ('plenary', 'official_meeting', 'side_event',
                                                            'press_conference', 'break', 'other')),
  title                    TEXT    NOT NULL,
  description              TEXT    NOT NULL DEFAULT '{}',
  starts_at                INTEGER NOT NULL,
  ends_at                  INTEGER NOT NULL CHECK (ends_at > starts_at),
  room_id                  INTEGER REFERENCES rooms (id) ON DELETE RESTRICT,
  track_id                 INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
  spoken_language          TEXT,
  interpretation_languages TEXT    NOT NULL DEFAULT '[]',
  status                   TEXT    NOT NULL DEFAULT 'scheduled'
                                   CHECK (status IN ('scheduled', 'delayed', 'moved', 'cancelled', 'live', 'ended')),
  visibility               TEXT    NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'delegates')),
  capacity                 INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  rsvp_required            INTEGER NOT NULL DEFAULT 0 CHECK (rsvp_required IN (0, 1)),
  created_at               INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_event_start ON sessions (event_id, starts_at, id);
CREATE INDEX sessions_by_room_start ON sessions (room_id, starts_at);

CREATE TABLE session_speakers (
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
  role       TEXT    NOT NULL CHECK (role IN ('speaker', 'moderator', 'chair')),
  position   INTEGER NOT NULL,
  PRIMARY KEY (session_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX session_speakers_by_person ON session_speakers (person_id);

-- Who changed what, when: every host write, with the entity before and after.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  event_id    INTEGER REFERENCES events (id) ON DELETE SET NULL,
  event_slug  TEXT,
  at          INTEGER NOT NULL,
  actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  actor_email TEXT    NOT NULL,
  action      TEXT    NOT NULL,
  entity      TEXT    NOT NULL,
  entity_id   INTEGER,
  before      TEXT   ,
  after       TEXT   
) STRICT;
CREATE INDEX audit_log_by_event ON audit_log (event_id, id);
