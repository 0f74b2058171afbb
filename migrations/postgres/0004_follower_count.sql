-- Each person's follower count, kept by a trigger, and the index of posts by time: the
-- same change as the SQLite migration 0009_follower_count.sql (see its comments for the
-- why). `migrate-data` copies the counts with the rows, with the triggers off.
ALTER TABLE users ADD COLUMN follower_count BIGINT NOT NULL DEFAULT 0 CHECK (follower_count >= 0);
UPDATE users u SET follower_count = (SELECT count(*) FROM follows f WHERE f.followee_id = u.id);
CREATE INDEX users_by_follower_count ON users (follower_count DESC, id DESC);

CREATE FUNCTION count_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE users SET follower_count = follower_count + 1 WHERE id = NEW.followee_id;
    ELSE
        UPDATE users SET follower_count = follower_count - 1 WHERE id = OLD.followee_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER count_follow AFTER INSERT OR DELETE ON follows FOR EACH ROW EXECUTE FUNCTION count_follow();

CREATE INDEX posts_by_created_at ON posts (created_at DESC, id DESC);
