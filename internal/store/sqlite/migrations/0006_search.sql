-- Search. Go analyzes each article's title and body (internal/search) and
-- writes the terms, space-separated, in this table under the article's ID.
-- The terms are already folded and stemmed, so the tokenizer must only
-- split at the spaces: 'ascii' keeps every non-ASCII letter inside its
-- term (unicode61 would split or fold Arabic marks differently from the
-- analyzer). Contentless, deletions allowed: the terms are kept once more
-- in article_terms, which ranking reads (internal/search.Rank). Existing
-- articles are indexed by Go in the same transaction as this migration
-- (see Store.Migrate).
CREATE VIRTUAL TABLE article_search USING fts5 (
    title, body,
    tokenize = 'ascii',
    content = '',
    contentless_delete = 1
);

CREATE TABLE article_terms (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL
) STRICT;

CREATE TRIGGER article_search_forget AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;
