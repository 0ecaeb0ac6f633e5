-- Lossless ingest, honest health, host-aware claims, shared Crawl-delay.

-- Politeness key of the feed URL (revue.HostOf), filled by the store; rows
-- from before this migration are filled in by Migrate.
ALTER TABLE sources ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE INDEX sources_host_due ON sources (host, next_fetch_at) WHERE enabled;

-- A warning (feed read in part or repaired) is no failure, so it has its
-- own column beside error.
ALTER TABLE fetch_log ADD COLUMN warning TEXT NOT NULL DEFAULT '';

-- articles.canonical_url stays UNIQUE: it now names the one article that
-- holds a canonical URL across the portal. Another item of the same source
-- with the same link and a distinct GUID is a distinct article stored with a
-- NULL canonical_url; the same link from another source is credited.
ALTER TABLE articles ADD COLUMN date_estimated INTEGER NOT NULL DEFAULT 0;

-- An item that is an article already stored under another (source, GUID).
CREATE TABLE article_credits (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    guid       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    seen_at    INTEGER NOT NULL,
    PRIMARY KEY (source_id, guid)
) STRICT, WITHOUT ROWID;
CREATE INDEX article_credits_article ON article_credits (article_id);

-- robots.txt Crawl-delay per host, shared by every worker process.
CREATE TABLE hosts (
    host           TEXT    PRIMARY KEY,
    crawl_delay_ms INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
