-- State shared between requests lives in the database, so that several instances behind
-- a load balancer behave as one (a restart no longer forgives the throttle either).
-- Times here are milliseconds since the Unix epoch on the database's clock (never an
-- instance's: two instances with skewed clocks must agree).

-- The sign-in throttle: one row per counted password check and dimension (account and
-- address, address, account). `key` is the SHA-256 of the dimension's name, so neither
-- usernames typed by strangers nor addresses rest here, and every key has one size.
-- Refused checks are not counted, so a key has at most its limit of rows in the window;
-- rows older than the window are deleted as new ones come (the table stays bounded).
CREATE TABLE sign_in_attempts (
    id  INTEGER PRIMARY KEY,
    key BLOB    NOT NULL CHECK (length(key) = 32),
    at  INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_attempts_by_key ON sign_in_attempts (key, at);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (at);

-- New access tokens waiting to be shown once, under a random one-time key that the
-- redirect after creation carries. The token's owner is the access token's; revoking the
-- token (or deleting its owner) takes the reveal along. The token is kept in clear for at
-- most five minutes (see auth::bearer_token::Reveals).
CREATE TABLE token_reveals (
    key        TEXT    PRIMARY KEY CHECK (length(key) = 32),
    token_id   INTEGER NOT NULL REFERENCES access_tokens(id) ON DELETE CASCADE,
    token      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX token_reveals_by_token ON token_reveals (token_id);
CREATE INDEX token_reveals_by_expiry ON token_reveals (expires_at);

-- Notifications: "read" was a high-water mark (users.notifications_seen, the newest id
-- seen). With several writers a notification can commit with an id below a mark already
-- set, and would never have counted as unread. Now each notification is marked seen when
-- a page shows it, and only then.
ALTER TABLE notifications ADD COLUMN seen INTEGER NOT NULL DEFAULT 0 CHECK (seen IN (0, 1));
UPDATE notifications SET seen = 1
WHERE id <= (SELECT u.notifications_seen FROM users u WHERE u.id = notifications.recipient_id);
-- The unread count reads only the unseen ones.
CREATE INDEX notifications_unseen ON notifications (recipient_id, id) WHERE NOT seen;
ALTER TABLE users DROP COLUMN notifications_seen;
