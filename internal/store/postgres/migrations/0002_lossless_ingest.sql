-- Lossless ingest, honest health, host-aware claims, shared Crawl-delay.
-- Mirrors the SQLite migration of the same number.

ALTER TABLE sources ADD COLUMN host text NOT NULL DEFAULT '';
CREATE INDEX sources_host_due_idx ON sources (host, next_fetch_at) WHERE enabled;

ALTER TABLE fetch_log ADD COLUMN warning text NOT NULL DEFAULT '';

-- articles.canonical_url stays UNIQUE: it names the one article holding a
-- canonical URL; a same-source item with that link and another GUID is a
-- distinct article with a NULL canonical_url; another source's is credited.
ALTER TABLE articles ADD COLUMN date_estimated boolean NOT NULL DEFAULT false;

CREATE TABLE article_credits (
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source_id  bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    guid       text NOT NULL,
    url        text NOT NULL,
    seen_at    timestamptz NOT NULL,
    PRIMARY KEY (source_id, guid)
);
CREATE INDEX article_credits_article_idx ON article_credits (article_id);

CREATE TABLE hosts (
    host        text PRIMARY KEY,
    crawl_delay_ms bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL
);
