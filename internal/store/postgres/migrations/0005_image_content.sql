-- What the image proxy fetched for each image: the SHA-256 of the bytes
-- (one picture, one hash, whatever its URL: moderation blocks every copy
-- by it), the raster type served and when. Mirrors the SQLite migration 0004.

ALTER TABLE images
    ADD COLUMN content_sha256 text NOT NULL DEFAULT ''
        CHECK (content_sha256 ~ '^([0-9a-f]{64})?$'),
    ADD COLUMN content_type text NOT NULL DEFAULT ''
        CHECK (content_type = '' OR content_type LIKE 'image/_%'),
    ADD COLUMN fetched_at timestamptz;

CREATE INDEX images_content_sha256_idx ON images (content_sha256) WHERE content_sha256 <> '';
