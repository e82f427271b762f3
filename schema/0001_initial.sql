-- Host accounts and their bearer tokens.
-- Instants are INTEGER seconds since the Unix epoch, UTC.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
  password_hash TEXT    NOT NULL,
  role          TEXT    NOT NULL CHECK (role IN ('admin', 'registrar')),
  created_at    INTEGER NOT NULL,
  disabled_at   INTEGER
) STRICT;

-- Only a hash of each token is kept: a copy of the database gives no one a
-- working token.
CREATE TABLE auth_tokens (
  token_hash     BLOB    PRIMARY KEY CHECK (length(token_hash) = 32),
  user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  revoked_at     INTEGER,
  remote_address TEXT,
  user_agent     TEXT
) STRICT, WITHOUT ROWID;

CREATE INDEX auth_tokens_by_user ON auth_tokens (user_id);
CREATE INDEX auth_tokens_by_expiry ON auth_tokens (expires_at);
