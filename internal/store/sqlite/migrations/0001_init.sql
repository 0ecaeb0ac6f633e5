-- Revue schema for SQLite, mirroring /work/briefs/schema.md.
-- Times are INTEGER unix microseconds (NULL = zero time where the column may be empty).
-- AUTOINCREMENT keeps IDs from ever being reused after deletions, so
-- ArticlesAfter(lastSeenID) never misses an article that took a deleted one's ID.

CREATE TABLE sources (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    name                 TEXT    NOT NULL DEFAULT '',
    feed_url             TEXT    NOT NULL UNIQUE,
    site_url             TEXT    NOT NULL DEFAULT '',
    lang                 TEXT    NOT NULL DEFAULT '',
    section              TEXT    NOT NULL DEFAULT '',
    region               TEXT    NOT NULL DEFAULT '',
    enabled              INTEGER NOT NULL DEFAULT 1,
    etag                 TEXT    NOT NULL DEFAULT '',
    last_modified        TEXT    NOT NULL DEFAULT '',
    last_status          INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT    NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_fetch_at        INTEGER,
    last_success_at      INTEGER,
    next_fetch_at        INTEGER NOT NULL,
    interval_seconds     INTEGER NOT NULL DEFAULT 0,
    items_per_day        REAL    NOT NULL DEFAULT 0,
    lease_owner          TEXT,
    lease_until          INTEGER,
    created_at           INTEGER NOT NULL
) STRICT;

CREATE INDEX sources_due ON sources (next_fetch_at) WHERE enabled;

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    guid          TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    canonical_url TEXT    UNIQUE, -- NULL when the item had no link: such items are keyed by GUID alone
    title         TEXT    NOT NULL DEFAULT '',
    summary       TEXT    NOT NULL DEFAULT '',
    content_html  TEXT    NOT NULL DEFAULT '',
    byline        TEXT    NOT NULL DEFAULT '',
    lang          TEXT    NOT NULL DEFAULT '',
    section       TEXT    NOT NULL DEFAULT '',
    story_id      INTEGER NOT NULL DEFAULT 0,
    published_at  INTEGER NOT NULL,
    fetched_at    INTEGER NOT NULL,
    UNIQUE (source_id, guid)
) STRICT;

CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
CREATE INDEX articles_source    ON articles (source_id, published_at DESC, id DESC);
CREATE INDEX articles_lang      ON articles (lang, published_at DESC, id DESC);
CREATE INDEX articles_section   ON articles (section, published_at DESC, id DESC);
CREATE INDEX articles_story     ON articles (story_id);

-- published_at is a copy of the article's (it never changes), so that a
-- region's listing walks one index in order instead of sorting every
-- article of the region to find the newest 50.
CREATE TABLE article_regions (
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    region       TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, region)
) STRICT, WITHOUT ROWID;

CREATE INDEX article_regions_region ON article_regions (region, published_at DESC, article_id DESC);

CREATE TABLE images (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    url     TEXT    NOT NULL UNIQUE,
    status  TEXT    NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'blocked')),
    reports INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE article_images (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    image_id   INTEGER NOT NULL REFERENCES images (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, image_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE image_reports (
    image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    reporter    TEXT    NOT NULL,
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (image_id, reporter)
) STRICT, WITHOUT ROWID;

CREATE TABLE fetch_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '',
    items_seen  INTEGER NOT NULL DEFAULT 0,
    items_new   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX fetch_log_source ON fetch_log (source_id, at DESC);
