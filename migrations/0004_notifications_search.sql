-- Notifications: likes, comments, follows and @mentions of a person, newest first.
-- Likes, follows and comments notify through triggers, in the same transaction as the
-- row that causes them, so an unlike or an unfollow also takes its notification back and
-- no concurrency can leave one behind. Mentions are found by the app (it parses the text)
-- and inserted in the transaction that stores the caption or comment.
-- "Read" is a high-water mark: users.notifications_seen is the newest id the person has
-- seen; unread = their notifications with a greater id.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    actor_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('like', 'comment', 'follow', 'mention')),
    post_id      INTEGER REFERENCES posts(id) ON DELETE CASCADE,
    comment_id   INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
    CHECK (recipient_id <> actor_id)
) STRICT;
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id DESC);
-- For taking back a like or follow notification, and for the cascades.
CREATE INDEX notifications_by_actor ON notifications (actor_id, kind);
CREATE INDEX notifications_by_post ON notifications (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX notifications_by_comment ON notifications (comment_id) WHERE comment_id IS NOT NULL;

ALTER TABLE users ADD COLUMN notifications_seen INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER notify_like AFTER INSERT ON likes
BEGIN
    INSERT INTO notifications (recipient_id, actor_id, kind, post_id)
    SELECT p.owner_id, NEW.user_id, 'like', NEW.post_id FROM posts p
    WHERE p.id = NEW.post_id AND p.owner_id <> NEW.user_id;
END;

CREATE TRIGGER unnotify_like AFTER DELETE ON likes
BEGIN
    DELETE FROM notifications
    WHERE actor_id = OLD.user_id AND kind = 'like' AND post_id = OLD.post_id;
END;

CREATE TRIGGER notify_follow AFTER INSERT ON follows
BEGIN
    INSERT INTO notifications (recipient_id, actor_id, kind)
    VALUES (NEW.followee_id, NEW.follower_id, 'follow');
END;

CREATE TRIGGER unnotify_follow AFTER DELETE ON follows
BEGIN
    DELETE FROM notifications
    WHERE actor_id = OLD.follower_id AND kind = 'follow' AND recipient_id = OLD.followee_id;
END;

CREATE TRIGGER notify_comment AFTER INSERT ON comments
BEGIN
    INSERT INTO notifications (recipient_id, actor_id, kind, post_id, comment_id)
    SELECT p.owner_id, NEW.owner_id, 'comment', NEW.post_id, NEW.id FROM posts p
    WHERE p.id = NEW.post_id AND p.owner_id <> NEW.owner_id;
END;

-- Search: people by full-name prefix (usernames have their UNIQUE NOCASE index already;
-- LIKE 'x%' can use both because their collation is NOCASE).
CREATE INDEX users_by_full_name ON users (full_name COLLATE NOCASE);
