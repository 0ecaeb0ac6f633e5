package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revue/internal/shareddata"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		word         string
		moroccan     bool
		slug, region string
		general      bool
	}{
		{"all", true, "actualite", "", true},
		{"all", false, "international", "", true},
		{"all (SPIP backend)", true, "actualite", "", true},
		{"portada", false, "international", "", true},
		{"à la une", false, "international", "", true},
		{"politique", true, "politique", "", false},
		{"politics", true, "politique", "", false},
		{"économie", true, "economie", "", false},
		{"bourse", true, "economie", "", false},
		{"société", true, "societe", "", false},
		{"régions", true, "regions", "", false},
		{"Middle East", false, "international", "", false},
		{"España", false, "international", "", false},
		{"Marrakech (regional)", true, "regions", "marrakech-safi", false},
		{"Morocco (RSS 1.0/RDF)", true, "actualite", "", false},
	}
	for _, tt := range tests {
		slug, region, general, err := classify(tt.word, tt.moroccan)
		if err != nil || slug != tt.slug || region != tt.region || general != tt.general {
			t.Errorf("classify(%q, %v) = %q, %q, %v, %v; want %q, %q, %v",
				tt.word, tt.moroccan, slug, region, general, err, tt.slug, tt.region, tt.general)
		}
	}
	for _, word := range []string{"horoscope", "Nowhere (regional)"} {
		if _, _, _, err := classify(word, true); err == nil {
			t.Errorf("classify(%q) succeeded; an unknown word must stop the generator", word)
		}
	}
}

func TestConvertRejectsBadRows(t *testing.T) {
	header := "outlet\tfeed_url\tlang\tarea\tsection\tthird_party_check\n"
	tests := map[string]string{
		"relative URL":  "X\t/feed\tfr\tMA\tall\tunverified\n",
		"ftp URL":       "X\tftp://x.ma/feed\tfr\tMA\tall\tunverified\n",
		"language":      "X\thttps://x.ma/feed\tde\tMA\tall\tunverified\n",
		"duplicate URL": "X\thttps://x.ma/feed\tfr\tMA\tall\tok\nY\thttps://x.ma/feed\tfr\tMA\tall\tok\n",
	}
	for name, rows := range tests {
		if _, _, err := convert(strings.NewReader(header + rows)); err == nil {
			t.Errorf("%s: convert accepted %q", name, rows)
		}
	}
}

// TestGeneratedFileIsCurrent regenerates the OPML and compares it with the
// committed one, so a candidate-list change cannot ship unregenerated.
func TestGeneratedFileIsCurrent(t *testing.T) {
	in := shareddata.Path(t, "sources-candidates.tsv")
	out := filepath.Join(t.TempDir(), "sources.opml")
	if err := run(in, out, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../sources.opml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("internal/defaults/sources.opml is stale: run go generate ./internal/defaults")
	}
}
