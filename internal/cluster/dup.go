package cluster

import (
	"hash/fnv"
	"slices"

	"revue/internal/textproc"
)

// shingleWords is how many consecutive words make one shingle: enough that
// two reports of one event in their own words share few, few enough that
// an edited reprint keeps most.
const shingleWords = 4

// Shingles returns the sorted, distinct hashes of text's runs of
// shingleWords folded words (accents, case, Arabic letter forms and
// diacritics do not matter). A text shorter than that gives one shingle
// of all its words.
func Shingles(text string) []uint64 {
	toks := textproc.Analyze(text, "")
	if len(toks) == 0 {
		return nil
	}
	n := max(len(toks)-shingleWords+1, 1)
	out := make([]uint64, 0, n)
	for i := range n {
		h := fnv.New64a()
		for _, t := range toks[i:min(i+shingleWords, len(toks))] {
			h.Write([]byte(t.Term))
			h.Write([]byte{0})
		}
		out = append(out, h.Sum64())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Resemblance is how much two texts' shingles overlap.
type Resemblance struct {
	// Jaccard is shared shingles over all distinct shingles.
	Jaccard float64
	// Containment is shared shingles over the shorter text's: near 1 when
	// one text is the other with sentences added.
	Containment float64
}

// Thresholds of SameText: a reprint with its title changed keeps the
// whole text (Jaccard near 1); one with a sentence or two added or cut
// keeps most of the shorter text (containment); a rewrite keeps neither.
const (
	sameJaccard     = 0.6
	sameContainment = 0.8
	// minContained: containment alone is trusted only when the shorter
	// text has this many shingles, or a one-line excerpt would be "the
	// same text" as every article quoting it.
	minContained = 12
)

// Resemble compares two shingle sets made by Shingles.
func Resemble(a, b []uint64) Resemblance {
	if len(a) == 0 || len(b) == 0 {
		return Resemblance{}
	}
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			shared++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return Resemblance{
		Jaccard:     float64(shared) / float64(len(a)+len(b)-shared),
		Containment: float64(shared) / float64(min(len(a), len(b))),
	}
}

// SameText reports whether two article texts are the same text, reprinted
// or lightly edited (wire copy carried by several outlets), as opposed to
// two reports of one story. Titles are left out by the caller: outlets
// retitle wire copy.
func SameText(a, b string) (bool, Resemblance) {
	return SameShingles(Shingles(a), Shingles(b))
}

// SameShingles is SameText over shingle sets already made by Shingles, so
// that a store can keep each article's shingles.
func SameShingles(sa, sb []uint64) (bool, Resemblance) {
	r := Resemble(sa, sb)
	same := r.Jaccard >= sameJaccard ||
		r.Containment >= sameContainment && min(len(sa), len(sb)) >= minContained
	return same, r
}
