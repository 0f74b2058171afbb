-- Photo posts. Ids come from AUTOINCREMENT so a deleted post's id is never reused.
-- Media files are named by `stem` (128 random bits): <stem>.jpg full size, <stem>_t.jpg thumbnail.
ALTER TABLE users ADD COLUMN avatar TEXT CHECK (avatar IS NULL OR length(avatar) = 32);

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    caption    TEXT    NOT NULL DEFAULT '' CHECK (length(caption) <= 2200),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
) STRICT;
-- A profile's grid: newest first, keyset on id.
CREATE INDEX posts_by_owner ON posts (owner_id, id DESC);

CREATE TABLE post_images (
    post_id      INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position BETWEEN 0 AND 9),
    stem         TEXT    NOT NULL UNIQUE CHECK (length(stem) = 32),
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    thumb_width  INTEGER NOT NULL,
    thumb_height INTEGER NOT NULL,
    alt          TEXT    NOT NULL DEFAULT '' CHECK (length(alt) <= 500),
    PRIMARY KEY (post_id, position)
) STRICT;

-- Tags of a caption, normalised to lower case; `/tags/<tag>/` reads newest first.
CREATE TABLE post_tags (
    tag     TEXT    NOT NULL,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, post_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_tags_by_post ON post_tags (post_id);
