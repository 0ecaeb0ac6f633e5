-- Article pages: full text, per-source extraction rules, republishing
-- limits, image details.

ALTER TABLE sources ADD COLUMN body_selector TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN drop_selectors TEXT NOT NULL DEFAULT '[]'; -- a JSON array of CSS selectors
ALTER TABLE sources ADD COLUMN republish TEXT NOT NULL DEFAULT ''
    CHECK (republish IN ('', 'full', 'excerpt', 'title'));

ALTER TABLE articles ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN robots TEXT NOT NULL DEFAULT ''
    CHECK (robots IN ('', 'excerpt', 'title'));

ALTER TABLE images ADD COLUMN alt TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN height INTEGER NOT NULL DEFAULT 0;

-- One row per article whose page was asked for. published_at is a copy of
-- the article's, so that claims take today's news first from one index.
CREATE TABLE article_pages (
    article_id   INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER,
    published_at INTEGER NOT NULL,
    error        TEXT    NOT NULL DEFAULT '',
    lease_owner  TEXT,
    lease_until  INTEGER
) STRICT;
CREATE INDEX article_pages_pending ON article_pages (published_at DESC) WHERE state = 'pending';
