-- Stories across outlets and languages (internal/cluster). Articles stored
-- before grouping existed stay their own stories (story_seq 0); a new
-- article is stored with story_seq NULL and waits for a grouping round,
-- found through the partial index.
ALTER TABLE articles ADD COLUMN story_seq INTEGER DEFAULT 0;
-- A reprint of another outlet's article: listings leave it out and the
-- article it reprints credits it. Removing that article (its source
-- removed) brings the reprint back as an article of its own.
ALTER TABLE articles ADD COLUMN duplicate_of INTEGER REFERENCES articles (id) ON DELETE SET NULL;
CREATE INDEX articles_ungrouped ON articles (id) WHERE story_seq IS NULL;
CREATE INDEX articles_grouped ON articles (story_seq) WHERE story_seq > 0;
CREATE INDEX articles_duplicates ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX articles_story_published ON articles (story_id, published_at DESC, id DESC);
DROP INDEX articles_story;

-- The log of grouping decisions, replayed by every process's grouper (one
-- row per grouped article). Rows older than the grouping window are of no
-- use to anyone and are deleted as rounds go.
CREATE TABLE story_members (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id    INTEGER NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    story_id      INTEGER NOT NULL,
    duplicate_of  INTEGER NOT NULL DEFAULT 0,
    source_id     INTEGER NOT NULL,
    lang          TEXT NOT NULL DEFAULT '',
    canonical_url TEXT NOT NULL DEFAULT '',
    published_at  INTEGER NOT NULL,
    signature     BLOB
);
CREATE INDEX story_members_published ON story_members (published_at);
