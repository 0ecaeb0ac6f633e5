package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"revue"
	"revue/internal/store"
	"revue/internal/web"
)

func TestSearchCommand(t *testing.T) {
	ta := newTestApp(t)
	ta.mustRun("sources", "add", "https://lematin.example/rss", "--no-check", "--name", "Le Matin", "--lang", "fr")
	st, err := store.Open(context.Background(), ta.env["REVUE_DATABASE"])
	if err != nil {
		t.Fatal(err)
	}
	published := time.Date(2024, 1, 30, 8, 0, 0, 0, time.UTC)
	_, err = st.SaveArticles(context.Background(), 1, []revue.Article{
		{GUID: "1", URL: "https://lematin.example/1", Title: "Élections législatives", Summary: "Le scrutin de l'été.", Lang: "fr", PublishedAt: published},
		{GUID: "2", URL: "https://lematin.example/2", Title: "Élections municipales", Summary: "Un autre scrutin.", Lang: "fr", PublishedAt: published},
		{GUID: "3", URL: "https://lematin.example/3", Title: "المغرب يفوز", Summary: "فاز المنتخب.", Lang: "ar", PublishedAt: published},
	}, published)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	out := ta.mustRun("search", "elections -municipales")
	if !strings.Contains(out, "Élections législatives") || strings.Contains(out, "municipales") {
		t.Errorf("search elections -municipales printed:\n%s", out)
	}
	out = ta.mustRun("search", "--json", "--lang", "fr", "scrutin")
	var res struct{ Items []web.SearchResult }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("decoding %s: %v", out, err)
	}
	if len(res.Items) != 2 || !strings.Contains(res.Items[0].Snippet, "<mark>scrutin</mark>") || res.Items[0].Score <= 0 {
		t.Errorf("search --json scrutin gave %+v", res.Items)
	}
	if out := ta.mustRun("search", "--lang", "ar", "scrutin"); !strings.Contains(out, "No article matches") {
		t.Errorf("search --lang ar scrutin printed:\n%s", out)
	}
	for _, bad := range [][]string{{"search"}, {"search", "--limit", "0", "x"}, {"search", "--", "-nothing"}} {
		if code, _, _ := ta.run(bad...); code != 2 {
			t.Errorf("%q exited %d, want 2 (usage)", bad, code)
		}
	}
}
