-- Live updates. Every message an event's channel or a delegate's personal
-- channel sends is written here in the transaction of the change it tells
-- about, numbered per channel, so a phone that was offline (or a server that
-- restarted) catches up from the last number it saw. Old rows are trimmed;
-- a client whose gap is older than what is kept is told to refetch.
CREATE TABLE live_messages (
  event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL CHECK (seq > 0),
  type       TEXT    NOT NULL,
  -- Delegates-only sessions' changes go to the event's delegates and hosts only.
  audience   TEXT    NOT NULL CHECK (audience IN ('public', 'delegates')),
  data       TEXT    NOT NULL,  -- JSON, texts as full language maps
  created_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE personal_messages (
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL CHECK (seq > 0),
  type            TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (registration_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE announcements (
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  text       TEXT    NOT NULL,  -- JSON language map
  priority   TEXT    NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'important', 'urgent')),
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  expires_at INTEGER,
  withdrawn_at INTEGER
) STRICT;
CREATE INDEX announcements_by_event ON announcements (event_id, id);
