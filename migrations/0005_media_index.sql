-- The start-up sweep asks, a batch of files at a time, whether any row points to each
-- file: photos are found through post_images.stem (UNIQUE), avatars through this index.
CREATE INDEX users_by_avatar ON users (avatar) WHERE avatar IS NOT NULL;
