-- Article pages: full text, per-source extraction rules, republishing
-- limits, image details. Mirrors the SQLite migration 0003.

ALTER TABLE sources ADD COLUMN body_selector text NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN drop_selectors text[] NOT NULL DEFAULT '{}';
ALTER TABLE sources ADD COLUMN republish text NOT NULL DEFAULT ''
    CHECK (republish IN ('', 'full', 'excerpt', 'title'));

ALTER TABLE articles ADD COLUMN text text NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN robots text NOT NULL DEFAULT ''
    CHECK (robots IN ('', 'excerpt', 'title'));

ALTER TABLE images ADD COLUMN alt text NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN width integer NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN height integer NOT NULL DEFAULT 0;

CREATE TABLE article_pages (
    article_id   bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    state        text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    next_at      timestamptz,
    published_at timestamptz NOT NULL,
    error        text NOT NULL DEFAULT '',
    lease_owner  text,
    lease_until  timestamptz
);
CREATE INDEX article_pages_pending_idx ON article_pages (published_at DESC) WHERE state = 'pending';
