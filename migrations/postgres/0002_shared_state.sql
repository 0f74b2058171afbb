-- State shared between requests, in the database, so that several instances behind a
-- load balancer behave as one: the same tables and changes as the SQLite migration
-- 0007_shared_state.sql (see its comments for the why), in PostgreSQL's types. Times
-- here are milliseconds since the Unix epoch on the database's clock.

CREATE TABLE sign_in_attempts (
    id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key BYTEA  NOT NULL CHECK (length(key) = 32),
    at  BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_by_key ON sign_in_attempts (key, at);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (at);

CREATE TABLE token_reveals (
    key        TEXT   COLLATE "C" PRIMARY KEY CHECK (length(key) = 32),
    token_id   BIGINT NOT NULL REFERENCES access_tokens(id) ON DELETE CASCADE,
    token      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX token_reveals_by_token ON token_reveals (token_id);
CREATE INDEX token_reveals_by_expiry ON token_reveals (expires_at);

ALTER TABLE notifications ADD COLUMN seen BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE notifications n SET seen = TRUE
FROM users u WHERE u.id = n.recipient_id AND n.id <= u.notifications_seen;
CREATE INDEX notifications_unseen ON notifications (recipient_id, id) WHERE NOT seen;
ALTER TABLE users DROP COLUMN notifications_seen;
