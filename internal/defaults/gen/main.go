// Command gen builds internal/defaults/sources.opml from the team's list of
// candidate sources, so the shipped list can be rebuilt and reviewed:
//
//	go generate ./internal/defaults
//	# or, from the repository root:
//	go run ./internal/defaults/gen -in ../shared/sources-candidates.tsv -out internal/defaults/sources.opml
//
// The input is tab-separated with a header row: outlet, feed_url, lang, area,
// section, third_party_check.
//
// Rules (also in internal/defaults/README.md):
//   - A row whose third_party_check is "blocked-or-broken" is left out: a
//     third party saw the feed refuse robots or fail, and shipping it would
//     give every new installation a failing source. "checked-ok", "partial"
//     (the feed answers but with some items or fields missing) and
//     "unverified" are kept: an unchecked feed fails visibly in fetch health,
//     while leaving it out loses a source for good.
//   - The language is the lang column. Rows whose lang column is empty and
//     whose section column holds a language code were shifted by one column in
//     the candidate list (the Maghreb rows); their section column is read as
//     the language and their section as "all".
//   - The section word (ar/fr/es/en, a parenthesised note stripped) maps to a
//     fixed slug. A general feed ("all", "portada", "à la une" …) is
//     "actualite" for a Moroccan outlet and "international" for any other,
//     because for a Moroccan readership a foreign outlet's front page is
//     foreign news.
//   - The region is set only for an outlet marked "(regional)", from its
//     city. Ceuta and Melilla outlets get none: they are not in any of
//     Morocco's twelve regions, and the gazetteer does not take sides.
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"revue/internal/opml"
)

// blockedCheck is the third_party_check value of rows left out.
const blockedCheck = "blocked-or-broken"

var languages = map[string]bool{"ar": true, "fr": true, "es": true, "en": true}

// generalWords name a feed of everything an outlet publishes.
var generalWords = map[string]bool{
	"all": true, "portada": true, "home": true, "à la une": true, "actualités": true,
	"news": true, "noticias": true, "latest": true, "last 24 h": true,
	"الكل": true, "الرئيسية": true,
}

// topicWords maps a topical section word to its slug.
var topicWords = map[string]string{
	"politique": "politique", "politics": "politique", "política": "politique", "سياسة": "politique",
	"économie": "economie", "economy": "economie", "business": "economie", "bourse": "economie",
	"finance": "economie", "economía": "economie", "اقتصاد": "economie",
	"société": "societe", "society": "societe", "sociedad": "societe", "مجتمع": "societe",
	"sport": "sport", "sports": "sport", "deportes": "sport", "رياضة": "sport",
	"culture": "culture", "cultura": "culture", "ثقافة": "culture",
	"régions": "regions", "regions": "regions", "regiones": "regions", "جهات": "regions",
	"monde": "international", "world": "international", "mundo": "international", "عالم": "international",
	"middle east": "international", "africa": "international", "afrique": "international",
	"áfrica": "international", "france": "international", "españa": "international",
	"tech": "tech", "technologie": "tech", "tecnología": "tech", "technology": "tech",
	"santé": "sante", "health": "sante", "salud": "sante", "صحة": "sante",
	// AllAfrica's per-country headlines: national news of Morocco.
	"morocco": "actualite",
}

// regionalCities maps the city of an outlet marked "(regional)" to its
// region slug.
var regionalCities = map[string]string{
	"marrakech": "marrakech-safi", "agadir": "souss-massa", "tanger": "tanger-tetouan-al-hoceima",
	"tétouan": "tanger-tetouan-al-hoceima", "oujda": "oriental", "fès": "fes-meknes",
	"meknès": "fes-meknes", "rabat": "rabat-sale-kenitra", "casablanca": "casablanca-settat",
	"béni mellal": "beni-mellal-khenifra", "errachidia": "draa-tafilalet", "guelmim": "guelmim-oued-noun",
	"laâyoune": "laayoune-sakia-el-hamra", "dakhla": "dakhla-oued-ed-dahab",
}

var parenthesised = regexp.MustCompile(`\s*\(([^)]*)\)`)

func main() {
	in := flag.String("in", "../../../shared/sources-candidates.tsv", "candidate list (TSV)")
	out := flag.String("out", "sources.opml", "OPML file to write")
	// A fixed date keeps the output byte-identical between runs.
	created := flag.String("created", "2026-11-30", "dateCreated of the OPML (YYYY-MM-DD)")
	flag.Parse()
	if err := run(*in, *out, *created); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(inPath, outPath, created string) error {
	day, err := time.Parse(time.DateOnly, created)
	if err != nil {
		return fmt.Errorf("reading -created %q: %w", created, err)
	}
	f, err := os.Open(inPath)
	if err != nil {
		return fmt.Errorf("opening the candidate list: %w", err)
	}
	defer f.Close()
	outlines, stats, err := convert(f)
	if err != nil {
		return fmt.Errorf("%s: %w", inPath, err)
	}
	var buf bytes.Buffer
	if err := opml.Write(&buf, "Revue — default sources", outlines, day); err != nil {
		return err
	}
	if err := os.WriteFile(outPath, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", outPath, err)
	}
	fmt.Fprintf(os.Stderr, "gen: %d rows, %d kept, %d left out as %s; wrote %s\n",
		stats.rows, len(outlines), stats.blocked, blockedCheck, outPath)
	return nil
}

type stats struct{ rows, blocked int }

func convert(r io.Reader) ([]opml.Outline, stats, error) {
	tsv := csv.NewReader(r)
	tsv.Comma = '\t'
	tsv.FieldsPerRecord = 6
	header, err := tsv.Read()
	if err != nil {
		return nil, stats{}, fmt.Errorf("reading the header: %w", err)
	}
	if header[0] != "outlet" || header[1] != "feed_url" || header[5] != "third_party_check" {
		return nil, stats{}, fmt.Errorf("unexpected header %q", header)
	}
	outletRows := map[string]int{}
	var rows [][]string
	for {
		rec, err := tsv.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, stats{}, err
		}
		rows = append(rows, rec)
		outletRows[rec[0]]++
	}

	var st stats
	var outlines []opml.Outline
	seen := map[string]int{}
	for i, rec := range rows {
		line := i + 2
		st.rows++
		outlet, feedURL, lang, area, section, check := rec[0], rec[1], rec[2], rec[3], rec[4], rec[5]
		if check == blockedCheck {
			st.blocked++
			continue
		}
		if lang == "" && languages[section] {
			lang, section = section, "all"
		}
		if !languages[lang] {
			return nil, st, fmt.Errorf("line %d (%s): language %q is not one of ar, fr, es, en", line, outlet, lang)
		}
		u, err := url.Parse(feedURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, st, fmt.Errorf("line %d (%s): feed URL %q is not an absolute http(s) URL", line, outlet, feedURL)
		}
		if prev, dup := seen[feedURL]; dup {
			return nil, st, fmt.Errorf("line %d (%s): feed URL %s already on line %d", line, outlet, feedURL, prev)
		}
		seen[feedURL] = line

		slug, region, general, err := classify(section, area == "MA")
		if err != nil {
			return nil, st, fmt.Errorf("line %d (%s): %w", line, outlet, err)
		}
		title := outlet
		// Several rows of one outlet need telling apart in the sources list.
		if outletRows[outlet] > 1 && !general {
			title += " — " + strings.TrimSpace(parenthesised.ReplaceAllString(section, ""))
		}
		outlines = append(outlines, opml.Outline{
			Title: title, FeedURL: feedURL, Lang: lang, Section: slug, Region: region,
		})
	}
	return outlines, st, nil
}

// classify maps a section word to a section slug and, for a regional outlet,
// a region slug. general reports a feed of everything the outlet publishes.
func classify(word string, moroccan bool) (slug, region string, general bool, err error) {
	note := ""
	if m := parenthesised.FindStringSubmatch(word); m != nil {
		note = m[1]
	}
	key := strings.ToLower(strings.TrimSpace(parenthesised.ReplaceAllString(word, "")))
	if note == "regional" {
		region, ok := regionalCities[key]
		if !ok {
			return "", "", false, fmt.Errorf("regional outlet of %q: no region known for that city", key)
		}
		return "regions", region, false, nil
	}
	if generalWords[key] {
		if moroccan {
			return "actualite", "", true, nil
		}
		return "international", "", true, nil
	}
	if slug, ok := topicWords[key]; ok {
		return slug, "", false, nil
	}
	return "", "", false, fmt.Errorf("section %q has no slug: add it to topicWords or generalWords", word)
}
