-- Photos get sizes between the thumbnail and the full size, for `srcset`: <stem>_640.jpg
-- and <stem>_1080.jpg (longest side; each only where smaller than the full size, so which
-- files exist follows from width and height). A row says whether its photo has them, so a
-- page never offers a file that is not there: photos uploaded before have 0 until
-- `server backfill-photos` has stored their files.
ALTER TABLE post_images ADD COLUMN middle_sizes INTEGER NOT NULL DEFAULT 0 CHECK (middle_sizes IN (0, 1));
