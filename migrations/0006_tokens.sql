-- Personal access tokens for the REST API. Only the SHA-256 of a token is stored; the
-- token itself is shown once, at creation. A deleted user's tokens go with them.
-- last_used_at is refreshed at most once a minute, so reading the API is not a write.
CREATE TABLE access_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    token_hash   BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
    last_used_at TEXT
) STRICT;
CREATE INDEX access_tokens_by_user ON access_tokens (user_id, id);
