-- Whether a photo has its middle sizes (<stem>_640.jpg, <stem>_1080.jpg): the same change
-- as the SQLite migration 0008_photo_sizes.sql (see its comments for the why).
ALTER TABLE post_images ADD COLUMN middle_sizes BOOLEAN NOT NULL DEFAULT FALSE;
