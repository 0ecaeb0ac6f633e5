package cluster

import (
	"strings"
	"testing"
)

// TestSameTextOnCorpus builds reprints of real articles of the shared
// story set (the texts stay there; nothing is copied into the repository)
// and checks that SameText recognises them and no two different
// articles.
func TestSameTextOnCorpus(t *testing.T) {
	dev := readLabelled(t, "dev.jsonl")
	var long []labelled
	for _, a := range dev {
		if len(strings.Fields(a.Text)) >= 40 {
			long = append(long, a)
		}
	}
	if len(long) < 20 {
		t.Fatalf("only %d articles of 40 words or more in dev.jsonl", len(long))
	}
	for i, a := range long {
		other := long[(i+7)%len(long)]
		added := firstSentence(other.Text)
		words := strings.Fields(a.Text)
		variants := []struct {
			name, text string
		}{
			{"reprinted", a.Text},
			{"a sentence added", a.Text + " " + added},
			{"a sentence added in front", added + " " + a.Text},
			{"last tenth cut", strings.Join(words[:len(words)*9/10], " ")},
			{"respaced and recased", strings.ToUpper(strings.Join(words, "  "))},
		}
		for _, v := range variants {
			if same, r := SameText(a.Text, v.text); !same {
				t.Errorf("%s %s: not the same text (%+v)", a.ID, v.name, r)
			}
		}
	}
	// Two articles of different stories are never one text. Within a
	// story some are (wire copy shortened by an outlet); they are logged.
	maxJ := 0.0
	shingles := make([][]uint64, len(dev))
	for i, a := range dev {
		shingles[i] = Shingles(a.Text)
	}
	for i, a := range dev {
		for j, b := range dev[i+1:] {
			same, r := SameShingles(shingles[i], shingles[i+1+j])
			switch {
			case same && a.Story != b.Story:
				t.Errorf("%s and %s, of different stories (%s / %s), taken for the same text: %+v", a.ID, b.ID, a.Story, b.Story, r)
			case same:
				t.Logf("same text within story %s: %s and %s (%+v)", a.Story, a.ID, b.ID, r)
			case a.Story != b.Story:
				maxJ = max(maxJ, r.Jaccard)
			}
		}
	}
	t.Logf("highest Jaccard between articles of different stories: %.3f", maxJ)
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, ".!?"); i > 0 {
		return s[:i+1]
	}
	return s
}

func TestSameTextShort(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Le Maroc bat l'Espagne aux tirs au but.", "Le Maroc bat l'Espagne aux tirs au but.", true},
		{"Le Maroc bat l'Espagne aux tirs au but.", "LE MAROC BAT L'ESPAGNE AUX TIRS AU BUT", true},
		{"Le Maroc bat l'Espagne aux tirs au but.", "Le Maroc bat le Portugal en quart de finale.", false},
		// A short excerpt contained in a long text is a quote, not a reprint.
		{"Le Maroc bat l'Espagne", "Le Maroc bat l'Espagne aux tirs au but et rejoint les quarts de finale pour la première fois de son histoire, au terme d'un match tendu à Doha.", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, r := SameText(tt.a, tt.b); got != tt.want {
			t.Errorf("SameText(%q, %q) = %v (%+v), want %v", tt.a, tt.b, got, r, tt.want)
		}
	}
}
