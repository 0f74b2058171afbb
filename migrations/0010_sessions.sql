-- Sessions in Shutter's own table. tower-sessions' SQLite store kept the signed-in person
-- inside an opaque MessagePack blob, so every signed-in page read the session and then the
-- person: two statements, each a hop to the connection's thread. Here the person and the
-- epoch they signed in under are columns, and a page finds who is signed in with one
-- statement joining `users` (db::sessions::signed_in_user). The old blobs cannot be read in
-- SQL: everyone signs in again once after this upgrade.
DROP TABLE IF EXISTS sessions;
CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY NOT NULL,
    -- NULL for a session that names nobody; deleting the person ends their sessions.
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    epoch       INTEGER,
    -- Everything the session holds, as JSON (tower-sessions' record).
    data        TEXT    NOT NULL,
    -- Unix seconds.
    expiry_date INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expiry_date);
