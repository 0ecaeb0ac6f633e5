-- Search (mirrors the SQLite migration 0006). Go analyzes each article's
-- title and body (internal/search) and writes the terms as a tsvector
-- literal, titles at weight A: the 'simple' configuration's behaviour
-- (lower case, no stop words, no stems) with the parsing left to the Go
-- analyzer, so PostgreSQL's parser splits no term differently from SQLite.
-- Existing articles are indexed by Go in the migration's transaction.
-- search_terms keeps the same terms as text (title, a newline, body), which
-- ranking reads (internal/search.Rank), as SQLite's article_terms.
ALTER TABLE articles ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
ALTER TABLE articles ADD COLUMN search_terms text NOT NULL DEFAULT '';
CREATE INDEX articles_search ON articles USING gin (search);
