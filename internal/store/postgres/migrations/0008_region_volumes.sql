-- The regional overview counts each region's articles of the last week.
-- Without this index PostgreSQL reads the whole of article_regions for it
-- (a sequential scan hash-joined to the week's articles: 14-19 ms at
-- 100 000 articles, growing with the history); with it, only the week's
-- rows (3.4 ms). SQLite needs none: it walks articles_published over the
-- week and probes article_regions by its key.
CREATE INDEX article_regions_published_idx ON article_regions (published_at, region, article_id);
