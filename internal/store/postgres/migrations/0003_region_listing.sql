-- A region's listing walks one index in date order, as in SQLite, instead
-- of probing article_regions for every newest article: published_at is a
-- copy of the article's, which never changes.
ALTER TABLE article_regions ADD COLUMN published_at timestamptz;
UPDATE article_regions r SET published_at = a.published_at FROM articles a WHERE a.id = r.article_id;
ALTER TABLE article_regions ALTER COLUMN published_at SET NOT NULL;
DROP INDEX article_regions_region_idx;
CREATE INDEX article_regions_region_idx ON article_regions (region, published_at DESC, article_id DESC);
