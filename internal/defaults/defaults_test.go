package defaults

import (
	"encoding/csv"
	"errors"
	"io"
	"net/url"
	"os"
	"slices"
	"testing"

	"revue/internal/shareddata"
)

func TestSourcesAreWellFormed(t *testing.T) {
	list, err := Sources()
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	if len(list) < 100 {
		t.Fatalf("Sources returned %d outlines, want the full list (over 100)", len(list))
	}
	languages := []string{"ar", "fr", "es", "en"}
	seen := map[string]bool{}
	perLang := map[string]int{}
	for _, s := range list {
		u, err := url.Parse(s.FeedURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("%s: feed URL %q is not an absolute http(s) URL", s.Title, s.FeedURL)
		}
		if seen[s.FeedURL] {
			t.Errorf("%s: feed URL %s listed twice", s.Title, s.FeedURL)
		}
		seen[s.FeedURL] = true
		if !slices.Contains(languages, s.Lang) {
			t.Errorf("%s: language %q not in %v", s.Title, s.Lang, languages)
		}
		perLang[s.Lang]++
		if !slices.Contains(Sections(), s.Section) {
			t.Errorf("%s: section %q not in %v", s.Title, s.Section, Sections())
		}
		if s.Region != "" && !slices.Contains(MoroccanRegions(), s.Region) {
			t.Errorf("%s: region %q is not one of Morocco's twelve", s.Title, s.Region)
		}
		if s.Title == "" {
			t.Errorf("%s: no title", s.FeedURL)
		}
	}
	for _, l := range languages {
		if perLang[l] == 0 {
			t.Errorf("no source in %s", l)
		}
	}
	t.Logf("%d sources: %v", len(list), perLang)
}

// TestSourcesMatchCandidates checks the shipped list against the candidate
// list it was generated from: every kept row present, no blocked row.
func TestSourcesMatchCandidates(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "sources-candidates.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tsv := csv.NewReader(f)
	tsv.Comma = '\t'
	if _, err := tsv.Read(); err != nil {
		t.Fatalf("reading the header: %v", err)
	}
	blocked := map[string]bool{}
	kept := map[string]bool{}
	for {
		rec, err := tsv.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec[5] == "blocked-or-broken" {
			blocked[rec[1]] = true
		} else {
			kept[rec[1]] = true
		}
	}
	if len(blocked) == 0 {
		t.Fatal("the candidate list has no blocked row; the test would prove nothing")
	}
	list, err := Sources()
	if err != nil {
		t.Fatal(err)
	}
	shipped := map[string]bool{}
	for _, s := range list {
		shipped[s.FeedURL] = true
		if blocked[s.FeedURL] {
			t.Errorf("%s (%s) is marked blocked-or-broken but is shipped", s.Title, s.FeedURL)
		}
	}
	if len(list) != len(kept) {
		t.Errorf("shipped %d sources, the candidate list keeps %d", len(list), len(kept))
	}
	for u := range kept {
		if !shipped[u] {
			t.Errorf("kept candidate %s is missing from sources.opml", u)
		}
	}
}

func TestKech24IsTheRegionalOutlet(t *testing.T) {
	list, err := Sources()
	if err != nil {
		t.Fatal(err)
	}
	var regional []string
	for _, s := range list {
		if s.Region != "" {
			regional = append(regional, s.FeedURL+" "+s.Region)
		}
	}
	want := []string{"https://kech24.com/feed marrakech-safi"}
	if !slices.Equal(regional, want) {
		t.Errorf("sources with a region: %v, want %v", regional, want)
	}
}
