package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"revue"
	"revue/internal/search"
	"revue/internal/textproc"
	"revue/internal/web"
)

// searchCmd runs `revue search [--json] [--lang L] [--limit N] QUERY`.
func (a *app) searchCmd(ctx context.Context, args []string) error {
	fs := a.flags("search")
	var cfg config
	errs := cfg.bind(fs, a.env, "db")
	asJSON := fs.Bool("json", false, "print JSON (the /api/v1/articles?q= format)")
	lang := fs.String("lang", "", "only articles in this language (fr, ar, es, en…); the words are stemmed as in it")
	limit := fs.Int("limit", 20, "how many results, best first (at most 500)")
	pos, err := parseChecked(fs, args, &cfg, errs)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(pos, " "))
	if text == "" {
		return fmt.Errorf("%w: give the words to search for, e.g. revue search 'élections -municipales'", errUsage)
	}
	if *limit < 1 {
		return fmt.Errorf("%w: --limit %d: give a number from 1 to 500", errUsage, *limit)
	}
	q := revue.SearchQuery{Query: textproc.AnalyzeQuery(text, *lang), Lang: *lang, Limit: *limit, Now: time.Now()}
	plan := search.PlanQuery(q.Query)
	if plan.Empty() {
		return fmt.Errorf("%w: %q has no word to search for (a query of -exclusions alone finds nothing)", errUsage, text)
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	page, err := st.SearchArticles(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		items := make([]web.SearchResult, 0, len(page.Hits))
		for _, h := range page.Hits {
			// The operator reads their own database: whole texts.
			items = append(items, web.SearchResultJSON(h, plan, cfg.baseURL(), revue.RepublishFull))
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"items": items})
	}
	if len(page.Hits) == 0 {
		fmt.Fprintf(a.stdout, "No article matches %q.\n", text)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tLANG\tSOURCE\tTITLE")
	for _, h := range page.Hits {
		art := h.Article
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", art.ID, art.PublishedAt.Format(time.DateOnly), dash(art.Lang), clip(art.SourceName, 24), art.Title)
		if snip := plainSnippet(search.Snippet(search.BodyText(art), art.Lang, plan)); snip != "" {
			fmt.Fprintf(tw, "\t\t\t\t%s\n", snip)
		}
	}
	return tw.Flush()
}

var markTag = regexp.MustCompile(`</?mark>`)

// plainSnippet is a snippet for a terminal: the matched words between
// asterisks, the HTML escapes undone.
func plainSnippet(snip template.HTML) string {
	return html.UnescapeString(markTag.ReplaceAllLiteralString(string(snip), "*"))
}
