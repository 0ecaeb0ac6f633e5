// Package defaults ships Revue's starting list of real news sources, used by
// `revue sources import --defaults`.
//
// sources.opml is generated from the team's candidate list by ./gen (see
// README.md for the rules and counts); edit the candidate list and
// regenerate rather than editing the OPML by hand.
package defaults

//go:generate go run ./gen -in ../../../shared/sources-candidates.tsv -out sources.opml

import (
	"bytes"
	_ "embed"
	"fmt"

	"revue/internal/opml"
)

//go:embed sources.opml
var sourcesOPML []byte

// Sources returns the shipped sources, in the candidate list's order.
func Sources() ([]opml.Outline, error) {
	list, err := opml.Parse(bytes.NewReader(sourcesOPML))
	if err != nil {
		return nil, fmt.Errorf("reading the built-in source list: %w", err)
	}
	return list, nil
}

// Sections returns the section slugs the shipped sources and the demo use.
func Sections() []string {
	return []string{
		"actualite", "politique", "economie", "societe", "sport",
		"culture", "international", "regions", "tech", "sante",
	}
}

// MoroccanRegions returns the slugs of Morocco's twelve regions, as in the
// gazetteer.
func MoroccanRegions() []string {
	return []string{
		"tanger-tetouan-al-hoceima", "oriental", "fes-meknes", "rabat-sale-kenitra",
		"beni-mellal-khenifra", "casablanca-settat", "marrakech-safi", "draa-tafilalet",
		"souss-massa", "guelmim-oued-noun", "laayoune-sakia-el-hamra", "dakhla-oued-ed-dahab",
	}
}
