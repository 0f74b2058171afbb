-- People with an account. Usernames are stored in lower case and unique regardless of case.
-- session_epoch is bumped on password change: sessions carrying an older epoch are void.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL COLLATE NOCASE UNIQUE
                          CHECK (length(username) BETWEEN 1 AND 30),
    full_name     TEXT    NOT NULL CHECK (length(full_name) BETWEEN 1 AND 60),
    email         TEXT    NOT NULL CHECK (length(email) <= 254),
    bio           TEXT    NOT NULL DEFAULT '' CHECK (length(bio) <= 150),
    password_hash TEXT    NOT NULL,
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
) STRICT;
