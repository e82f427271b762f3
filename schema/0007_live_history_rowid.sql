-- The live history as rowid tables. A message is about a kilobyte (a
-- session with its texts in three languages), too large for a WITHOUT ROWID
-- table, whose rows should stay under a twentieth of a page: each one
-- spilled into an overflow page of its own, so storing one agenda change and
-- its notices to the session's followers wrote a page per message. Here a
-- message fits in its table page, and (channel, seq) stays unique, in an
-- index of small entries.
CREATE TABLE live_messages_v7 (
  event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL CHECK (seq > 0),
  type       TEXT    NOT NULL,
  -- Delegates-only sessions' changes go to the event's delegates and hosts only.
  audience   TEXT    NOT NULL CHECK (audience IN ('public', 'delegates')),
  data       TEXT    NOT NULL,  -- JSON, texts as full language maps
  created_at INTEGER NOT NULL,
  UNIQUE (event_id, seq)
) STRICT;
INSERT INTO live_messages_v7 (event_id, seq, type, audience, data, created_at)
  SELECT event_id, seq, type, audience, data, created_at FROM live_messages ORDER BY event_id, seq;
DROP TABLE live_messages;
ALTER TABLE live_messages_v7 RENAME TO live_messages;

CREATE TABLE personal_messages_v7 (
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL CHECK (seq > 0),
  type            TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  UNIQUE (registration_id, seq)
) STRICT;
INSERT INTO personal_messages_v7 (registration_id, seq, type, data, created_at)
  SELECT registration_id, seq, type, data, created_at FROM personal_messages ORDER BY registration_id, seq;
DROP TABLE personal_messages;
ALTER TABLE personal_messages_v7 RENAME TO personal_messages;
