package feed

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"revue/internal/sanitize"
	"revue/internal/shareddata"
)

// Floors for TestRecoveryAgainstFeedparser, just under what was measured:
// a change that loses feeds or items fails here.
const (
	recoveryFeedsFloor = 350
	recoveryItemsFloor = 5300
)

// feedparserCount is one row of testdata/feedparser-counts.tsv, written by
// scripts/feedparser-counts with Python feedparser 6.
type feedparserCount struct {
	path    string // relative to ../shared/testdata/feeds
	entries int
	bozo    bool
	exc     string
}

func readFeedparserCounts(t *testing.T) []feedparserCount {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "feedparser-counts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []feedparserCount
	sc := bufio.NewScanner(f)
	for header := false; sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			header = true
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("feedparser-counts.tsv: %d columns in %q, want 4", len(cols), line)
		}
		n, err := strconv.Atoi(cols[1])
		if err != nil {
			t.Fatalf("feedparser-counts.tsv: %q: %v", line, err)
		}
		rows = append(rows, feedparserCount{path: cols[0], entries: n, bozo: cols[2] == "1", exc: cols[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// recoveryTally counts feeds with at least one item and items, for Revue
// and feedparser, over one folder of the corpus.
type recoveryTally struct {
	files, revueFeeds, fpFeeds, revueItems, fpItems int
	showable                                        int // Revue's items with something to show
}

func (r recoveryTally) String() string {
	return fmt.Sprintf("%3d files: feeds with items Revue %3d / feedparser %3d; items Revue %5d (%5d showable) / feedparser %5d",
		r.files, r.revueFeeds, r.fpFeeds, r.revueItems, r.showable, r.fpItems)
}

// TestRecoveryAgainstFeedparser reads the real-world and ill-formed feeds of
// the corpus through the production path (charset.ToUTF8, then Parse) and
// compares what Revue keeps with what Python's feedparser reads.
func TestRecoveryAgainstFeedparser(t *testing.T) {
	if testing.Short() {
		t.Skip("parses the whole shared feed corpus (seconds); not in -short")
	}
	root := filepath.Join(shareddata.Testdata(t), "feeds")
	rows := readFeedparserCounts(t)
	if len(rows) < 300 {
		t.Fatalf("only %d rows in feedparser-counts.tsv; rerun scripts/feedparser-counts", len(rows))
	}
	san := sanitize.New()
	folders := map[string]*recoveryTally{}
	var total recoveryTally
	for _, row := range rows {
		data, err := readMaybeGzip(filepath.Join(root, filepath.FromSlash(row.path)))
		if err != nil {
			t.Errorf("%s: %v (is feedparser-counts.tsv older than the corpus?)", row.path, err)
			continue
		}
		f, perr, ok := parseWithTimeout(data, "", "https://feeds.example.org/"+row.path, san)
		if !ok {
			t.Errorf("%s: %v", row.path, perr)
			continue
		}
		items, showable := 0, 0
		if perr == nil {
			items = len(f.Items)
			for _, it := range f.Items {
				if it.Showable() {
					showable++
				}
			}
		}
		folder := row.path
		for _, top := range []string{"real-maghreb", "real", "feedparser/illformed"} {
			if strings.HasPrefix(row.path, top+"/") {
				folder = top
				break
			}
		}
		tally := folders[folder]
		if tally == nil {
			tally = &recoveryTally{}
			folders[folder] = tally
		}
		for _, tl := range []*recoveryTally{tally, &total} {
			tl.files++
			tl.revueItems += items
			tl.showable += showable
			tl.fpItems += row.entries
			if items > 0 {
				tl.revueFeeds++
			}
			if row.entries > 0 {
				tl.fpFeeds++
			}
		}
		switch {
		case row.entries > 0 && items == 0:
			t.Errorf("%s: feedparser reads %d entries, Revue none (%v)", row.path, row.entries, perr)
		case items != row.entries && testing.Verbose():
			t.Logf("%s: Revue %d items, feedparser %d (bozo %s); %v", row.path, items, row.entries, row.exc, perr)
		}
	}
	names := make([]string, 0, len(folders))
	for name := range folders {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Logf("%-22s %v", name, folders[name])
	}
	t.Logf("%-22s %v", "total", total)
	if total.revueFeeds < recoveryFeedsFloor || total.revueItems < recoveryItemsFloor {
		t.Errorf("Revue reads %d feeds and %d items; the floors are %d and %d",
			total.revueFeeds, total.revueItems, recoveryFeedsFloor, recoveryItemsFloor)
	}
}
