-- What the image proxy fetched for each image: the SHA-256 of the bytes
-- (one picture, one hash, whatever its URL: moderation blocks every copy
-- by it), the raster type served and when.

ALTER TABLE images ADD COLUMN content_sha256 TEXT NOT NULL DEFAULT ''
    CHECK (content_sha256 = '' OR (length(content_sha256) = 64 AND content_sha256 NOT GLOB '*[^0-9a-f]*'));
ALTER TABLE images ADD COLUMN content_type TEXT NOT NULL DEFAULT ''
    CHECK (content_type = '' OR content_type GLOB 'image/?*');
ALTER TABLE images ADD COLUMN fetched_at INTEGER;

CREATE INDEX images_content_sha256 ON images (content_sha256) WHERE content_sha256 <> '';
