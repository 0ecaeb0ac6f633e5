-- Search at a million articles (issue 10).
--
-- Filters inside the index (internal/search.Facets): each article's
-- language, source, section and regions are lexemes of its tsvector,
-- without positions and starting with '=' (no word's term does), so the GIN
-- index answers a filtered search with its words.
--
-- The tsvectors move to a narrow table. In articles, a row with its text
-- passes PostgreSQL's 2 kB threshold, so its tsvector was compressed and
-- every row a search checked had to be decompressed first; here a row is
-- the ID and a tsvector of a few hundred bytes, stored plain, about ten to
-- a page. Its rows are written in ID order, so a BRIN index on the ID
-- gives the pages of an ID window almost for free: a search reads the
-- newest IDs first (see candidates in search.go) and the GIN index's
-- matches are intersected with the window's pages.
--
-- The rows are written by Go in this migration's transaction (see
-- Store.Migrate). articles.search_terms stays: ranking reads it for the
-- final candidates only.
DROP INDEX articles_search;
ALTER TABLE articles DROP COLUMN search;
CREATE TABLE article_search (
    article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    search     tsvector NOT NULL
);
CREATE INDEX article_search_words ON article_search USING gin (search);
CREATE INDEX article_search_ids ON article_search USING brin (article_id);
