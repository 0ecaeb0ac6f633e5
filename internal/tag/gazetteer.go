package tag

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// kind says what a gazetteer line names.
type kind uint8

const (
	kindPlace kind = iota // a region, province, prefecture, city or town
	kindOrg               // an organisation named after a place (a club)
	kindSeat              // an institution seated in a region's capital
)

// flags are the conditions under which a name counts; see regions/README.md.
type flags uint8

const (
	// flagCapital: the region's capital, whose name also stands for the
	// state ("Rabat a salué…"); it counts only where something happens
	// there (à Rabat, بالرباط, au Palais royal de Rabat), not in a dateline
	// alone, and not when an institution seated there is named.
	flagCapital flags = 1 << iota
	// flagLocative: an ambiguous word that counts only after a locative
	// (à, in, في, بـ, "la ville de"): البيضاء (white), الجديدة (new).
	flagLocative
	// flagCased: a Latin-script spelling counts only written with a
	// capital: "Oriental" the region, not "oriental" the adjective.
	flagCased
	// flagArticle: a definite article before it is enough context:
	// "l'Oriental", "the Oriental".
	flagArticle
	// flagAlone: not when the next word is capitalised too, which makes
	// it part of a longer proper name ("Casa Blanca", "Oriental Bank").
	flagAlone
)

var flagNames = map[string]flags{
	"capital":  flagCapital,
	"locative": flagLocative,
	"cased":    flagCased,
	"article":  flagArticle,
	"alone":    flagAlone,
}

// name is one spelling of a place or organisation, as folded tokens.
type name struct {
	tokens []string
	kind   kind
	region int // index into Gazetteer.slugs; -1 for organisations
	flags  flags
	// unless: when any of these folded words occurs in the article, this
	// spelling is taken for a homonym ("Dar El Beida" near "Alger").
	unless []string
}

// Gazetteer is a country's regions and the names that place an article in
// each. It is read-only once parsed, so one may serve many goroutines.
type Gazetteer struct {
	slugs []string
	// byFirst indexes names by their first folded token.
	byFirst map[string][]*name
}

// Slugs returns the region slugs in the gazetteer's order, the order
// Tagger.Regions reports them in.
func (g *Gazetteer) Slugs() []string { return slices.Clone(g.slugs) }

// ParseGazetteer reads a gazetteer in the tab-separated format of
// regions/ma.tsv; source names it in error messages.
func ParseGazetteer(r io.Reader, source string) (*Gazetteer, error) {
	g := &Gazetteer{byFirst: map[string][]*name{}}
	regionIndex := map[string]int{}
	lines, err := readTable(r, "gazetteer", source)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		if len(l.fields) < 4 || len(l.fields) > 5 {
			return nil, fmt.Errorf("gazetteer %s line %d: want 4 or 5 tab-separated fields (kind, region, flags, names, unless), found %d", source, l.n, len(l.fields))
		}
		if l.fields[0] == "region" {
			slug := l.fields[1]
			if !validSlug(slug) {
				return nil, fmt.Errorf("gazetteer %s line %d: region slug %q must be lower-case letters, digits and hyphens", source, l.n, slug)
			}
			if _, seen := regionIndex[slug]; !seen {
				regionIndex[slug] = len(g.slugs)
				g.slugs = append(g.slugs, slug)
			}
		}
	}
	if len(g.slugs) == 0 {
		return nil, fmt.Errorf("gazetteer %s declares no region (a line starting with \"region\")", source)
	}
	for _, l := range lines {
		if err := g.addLine(l.fields, regionIndex); err != nil {
			return nil, fmt.Errorf("gazetteer %s line %d: %w", source, l.n, err)
		}
	}
	return g, nil
}

func (g *Gazetteer) addLine(fields []string, regionIndex map[string]int) error {
	var k kind
	switch fields[0] {
	case "region", "place":
		k = kindPlace
	case "org":
		k = kindOrg
	case "seat":
		k = kindSeat
	default:
		return fmt.Errorf("unknown kind %q (want region, place, org or seat)", fields[0])
	}
	region := -1
	if k != kindOrg {
		i, ok := regionIndex[fields[1]]
		if !ok {
			return fmt.Errorf("region %q is not declared by a \"region\" line", fields[1])
		}
		region = i
	}
	var fl flags
	for f := range strings.SplitSeq(fields[2], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, ok := flagNames[f]
		if !ok {
			return fmt.Errorf("unknown flag %q (want capital, locative, cased, article or alone)", f)
		}
		fl |= v
	}
	var unless []string
	if len(fields) == 5 {
		for u := range strings.SplitSeq(fields[4], "|") {
			toks := tokenize(u, nil)
			if len(toks) == 0 {
				continue
			}
			if len(toks) > 1 {
				return fmt.Errorf("unless word %q must be a single word", u)
			}
			unless = append(unless, toks[0].text)
		}
	}
	added := 0
	for spelling := range strings.SplitSeq(fields[3], "|") {
		toks := tokenize(spelling, nil)
		if len(toks) == 0 {
			continue
		}
		n := &name{kind: k, region: region, flags: fl, unless: unless}
		for _, t := range toks {
			n.tokens = append(n.tokens, t.text)
		}
		if g.has(n) {
			continue
		}
		g.byFirst[n.tokens[0]] = append(g.byFirst[n.tokens[0]], n)
		added++
	}
	if added == 0 && !g.anyName(fields[3]) {
		return errors.New("no name in the names field")
	}
	return nil
}

// has reports whether an identical spelling with the same meaning is
// already indexed: spellings that fold alike (Marrakech, Marrakèch) are
// kept once.
func (g *Gazetteer) has(n *name) bool {
	for _, o := range g.byFirst[n.tokens[0]] {
		if o.kind == n.kind && o.region == n.region && o.flags == n.flags && slices.Equal(o.tokens, n.tokens) {
			return true
		}
	}
	return false
}

func (g *Gazetteer) anyName(field string) bool {
	for s := range strings.SplitSeq(field, "|") {
		if len(tokenize(s, nil)) > 0 {
			return true
		}
	}
	return false
}

func validSlug(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
