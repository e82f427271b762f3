-- A badge code that was replaced (a lost badge) stays known, so a scan of the
-- old card is refused as "replaced" rather than "unknown".
CREATE TABLE retired_badges (
  code            TEXT    PRIMARY KEY,
  registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  retired_at      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX retired_badges_by_registration ON retired_badges (registration_id);

-- The host dashboard counts check-ins per event and per side event.
CREATE INDEX checkins_by_event ON checkins (event_id, session_id);
