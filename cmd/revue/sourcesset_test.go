package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"revue"
	"revue/internal/store"
)

func TestSourcesSet(t *testing.T) {
	ta := newTestApp(t)
	ta.mustRun("sources", "add", "https://lematin.example/rss", "--no-check", "--name", "Le Matin", "--lang", "fr", "--section", "actualite")
	read := func() revue.Source {
		t.Helper()
		st, err := store.Open(context.Background(), ta.env["REVUE_DATABASE"])
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		src, err := st.GetSource(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	cases := []struct {
		name  string
		args  []string
		check func(revue.Source) bool
	}{
		{"rules", []string{"--body", "article .content", "--drop", ".related", "--drop", "aside.pub"}, func(s revue.Source) bool {
			return s.Rules.Body == "article .content" && slices.Equal(s.Rules.Drop, []string{".related", "aside.pub"}) && s.Name == "Le Matin" && s.Section == "actualite"
		}},
		{"republishing mode", []string{"--republish", "excerpt"}, func(s revue.Source) bool {
			return s.Republish == revue.RepublishExcerpt && s.Rules.Body == "article .content"
		}},
		{"back to the default, renamed, disabled", []string{"--republish", "default", "--name", "Le Matin (Maroc)", "--disable"}, func(s revue.Source) bool {
			return s.Republish == "" && s.Name == "Le Matin (Maroc)" && !s.Enabled && len(s.Rules.Drop) == 2
		}},
		{"rules forgotten, enabled", []string{"--no-rules", "--enable"}, func(s revue.Source) bool {
			return s.Rules.IsZero() && s.Enabled
		}},
	}
	for _, tc := range cases {
		out := ta.mustRun(append([]string{"sources", "set", "1"}, tc.args...)...)
		if got := read(); !tc.check(got) {
			t.Errorf("%s: source is now %+v (said %q)", tc.name, got, out)
		}
	}
	for _, bad := range [][]string{
		{"sources", "set", "1", "--body", "article[unclosed"},
		{"sources", "set", "1", "--republish", "everything"},
		{"sources", "set", "1", "--enable", "--disable"},
		{"sources", "set", "x", "--name", "y"},
		{"sources", "set", "99", "--name", "y"},
	} {
		code, _, errOut := ta.run(bad...)
		if code == 0 || strings.TrimSpace(errOut) == "" {
			t.Errorf("%q: exit %d, stderr %q; want a refusal in words", bad, code, errOut)
		}
	}
	if got := read(); got.Name != "Le Matin (Maroc)" || !got.Rules.IsZero() {
		t.Errorf("a refused change changed the source: %+v", got)
	}
}
