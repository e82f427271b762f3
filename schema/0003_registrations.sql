-- Delegates and registrations, side-event seats, personal agendas, badges and
-- check-in. A registration is one delegate's record for one event.

CREATE TABLE registration_settings (
  event_id            INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  open                INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
  deadline            INTEGER,
  invitation_required INTEGER NOT NULL DEFAULT 0 CHECK (invitation_required IN (0, 1))
) STRICT;

-- Codes a host hands to one delegation; only a hash is kept.
CREATE TABLE invitation_codes (
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  delegation TEXT    NOT NULL CHECK (delegation GLOB '[A-Z][A-Z]'),
  code_hash  BLOB    NOT NULL UNIQUE,
  max_uses   INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
  uses       INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE TABLE registrations (
  id                 INTEGER PRIMARY KEY,
  event_id           INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name               TEXT    NOT NULL CHECK (length(name) > 0),
  position           TEXT,
  organisation       TEXT,
  delegation         TEXT    NOT NULL CHECK (delegation GLOB '[A-Z][A-Z]'),
  category           TEXT    NOT NULL CHECK (category IN ('head_of_delegation', 'delegate', 'observer', 'speaker',
                                                          'press', 'staff', 'organiser')),
  email              TEXT    COLLATE NOCASE,
  phone              TEXT,
  preferred_language TEXT,
  attendance         TEXT    NOT NULL DEFAULT 'in_person' CHECK (attendance IN ('in_person', 'remote')),
  notes              TEXT,
  -- Name, organisation and e-mail case-folded with diacritics removed, so
  -- "nguyen" finds "Nguyễn".
  search_key         TEXT    NOT NULL,
  status             TEXT    NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
  invitation_id      INTEGER REFERENCES invitation_codes (id) ON DELETE SET NULL,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  decided_at         INTEGER,
  decided_by         INTEGER REFERENCES users (id) ON DELETE SET NULL
) STRICT;
CREATE UNIQUE INDEX registrations_email ON registrations (event_id, email) WHERE email IS NOT NULL;
CREATE INDEX registrations_by_event ON registrations (event_id, id);
CREATE INDEX registrations_by_status ON registrations (event_id, status, id);

-- The personal access code a delegate types on a phone; one live code each.
CREATE TABLE access_codes (
  code_hash       BLOB    PRIMARY KEY CHECK (length(code_hash) = 32),
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  created_at      INTEGER NOT NULL,
  revoked_at      INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX access_codes_by_registration ON access_codes (registration_id);

CREATE TABLE delegate_tokens (
  token_hash      BLOB    PRIMARY KEY CHECK (length(token_hash) = 32),
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  revoked_at      INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX delegate_tokens_by_registration ON delegate_tokens (registration_id);

-- Side-event seats. `position` orders the waitlist (arrival order).
CREATE TABLE rsvps (
  id              INTEGER PRIMARY KEY,
  session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  status          TEXT    NOT NULL CHECK (status IN ('confirmed', 'waitlisted')),
  position        INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  confirmed_at    INTEGER,
  -- Set when the session moved or was cancelled after this RSVP.
  notice          TEXT    CHECK (notice IS NULL OR notice IN ('moved', 'cancelled')),
  UNIQUE (session_id, registration_id)
) STRICT;
CREATE INDEX rsvps_by_session ON rsvps (session_id, status, position);
CREATE INDEX rsvps_by_registration ON rsvps (registration_id);

CREATE TABLE bookmarks (
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (registration_id, session_id)
) STRICT, WITHOUT ROWID;

-- The first answer to a request sent with an Idempotency-Key, replayed to retries.
CREATE TABLE idempotency_keys (
  principal    TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  method       TEXT    NOT NULL,
  path         TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  content_type TEXT,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (principal, key)
) STRICT, WITHOUT ROWID;

-- Printed on the badge as a QR code; kept to render the badge again.
CREATE TABLE badges (
  registration_id INTEGER PRIMARY KEY REFERENCES registrations (id) ON DELETE CASCADE,
  code            TEXT    NOT NULL UNIQUE,
  issued_at       INTEGER NOT NULL,
  revoked_at      INTEGER
) STRICT;

CREATE TABLE checkins (
  id              INTEGER PRIMARY KEY,
  event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  session_id      INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
  scan_id         TEXT    NOT NULL,
  at              INTEGER NOT NULL,
  by_user         INTEGER REFERENCES users (id) ON DELETE SET NULL,
  UNIQUE (event_id, scan_id)
) STRICT;
-- One check-in per delegate at the meeting, and one per side event.
CREATE UNIQUE INDEX checkins_once_per_event ON checkins (registration_id) WHERE session_id IS NULL;
CREATE UNIQUE INDEX checkins_once_per_session ON checkins (registration_id, session_id) WHERE session_id IS NOT NULL;
