-- Search filters inside the index (internal/search.Facets): a third column
-- holds each article's language, source, section and regions as terms, so
-- a filtered search is one FTS5 match that stops after the newest
-- revue.SearchCandidates articles passing the filters, instead of walking
-- a common word's matches until enough of them pass (83 ms p50, 350 ms p99
-- at 1M articles for a language and section filter). A contentless table
-- cannot gain a column, so it is made again; Go indexes every article in
-- this migration's transaction (see Store.Migrate).
DROP TABLE article_search;
CREATE VIRTUAL TABLE article_search USING fts5 (
    title, body, facets,
    tokenize = 'ascii',
    content = '',
    contentless_delete = 1
);
