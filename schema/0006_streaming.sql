-- The video relay. A streamed room (rooms.streamed = 1) has one SRT ingest:
-- the venue's encoder connects to `srt_port` and proves itself with
-- `stream_key` (the SRT streamid), and `passphrase` when the link is
-- encrypted. Hosts rotate the key; the relay applies it at once.
CREATE TABLE room_streams (
  room_id          INTEGER PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  srt_port         INTEGER NOT NULL UNIQUE CHECK (srt_port BETWEEN 1 AND 65535),
  stream_key       TEXT    NOT NULL CHECK (length(stream_key) BETWEEN 16 AND 128),
  passphrase       TEXT    CHECK (passphrase IS NULL OR length(passphrase) BETWEEN 10 AND 79),
  -- Languages of the audio tracks in PID order (JSON array of BCP 47 tags),
  -- for encoders that write no ISO 639 descriptor.
  track_languages  TEXT    NOT NULL DEFAULT '[]',
  audio_only       INTEGER NOT NULL DEFAULT 1 CHECK (audio_only IN (0, 1)),
  -- Height of the re-encoded low-resolution video variant; NULL: none.
  low_video_height INTEGER CHECK (low_video_height IS NULL OR low_video_height BETWEEN 144 AND 720),
  key_rotated_at   INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;

-- Each live session is recorded: the segments it was streamed in are kept
-- (hard links beside the live ones) and listed in a video-on-demand playlist
-- once it ends. `path` is relative to the media directory.
CREATE TABLE recordings (
  session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  room_id    INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  path       TEXT    NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('recording', 'complete')),
  started_at INTEGER NOT NULL,
  ended_at   INTEGER,
  seconds    REAL    NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX recordings_by_room ON recordings (room_id, started_at);

-- Secrets the server makes for itself on first start, such as the key that
-- signs playback tokens: kept with the data, so tokens outlive a restart.
CREATE TABLE server_secrets (
  name       TEXT    PRIMARY KEY,
  value      BLOB    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
