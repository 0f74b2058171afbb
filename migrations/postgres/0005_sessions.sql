-- Sessions in Shutter's own table (migrations/0010_sessions.sql says why): the person and
-- the epoch they signed in under are columns, so a page finds who is signed in with one
-- statement joining `users`. The old table (tower-sessions' PostgresStore, the person in an
-- opaque blob) is dropped: everyone signs in again once after this upgrade.
DROP TABLE IF EXISTS sessions;
CREATE TABLE sessions (
    id          TEXT   COLLATE "C" PRIMARY KEY NOT NULL,
    user_id     BIGINT REFERENCES users (id) ON DELETE CASCADE,
    epoch       BIGINT,
    data        TEXT   NOT NULL,
    expiry_date BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expiry_date);
