package feed

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// Tests written to kill the mutants scripts/mutation found alive: each
// case holds one boundary or condition in place.

// TestParseDateBoundaries: the last value each field accepts, and the
// first it refuses. "EST" (and the like) keeps the well-formed layouts
// out, so every case goes through the forgiving parser.
func TestParseDateBoundaries(t *testing.T) {
	est := time.FixedZone("", -5*3600)
	tests := []dateCase{
		{"1 Jan 1900 12:00:00 +0000", time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC)},
		{"31 Dec 1899 12:00:00 +0000", time.Time{}},
		{"9999-12-31T12:00:00Z", time.Date(9999, 12, 31, 12, 0, 0, 0, time.UTC)},
		{"16 Mar 2021 12:30 pm", time.Date(2021, 3, 16, 12, 30, 0, 0, time.UTC)},
		{"16 Mar 2021 1:30 pm", time.Date(2021, 3, 16, 13, 30, 0, 0, time.UTC)},
		{"16 Mar 2021 10:00 am", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"16 Mar 2021 12:15 am", time.Date(2021, 3, 16, 0, 15, 0, 0, time.UTC)},
		{"31 Mar 2021 10:00 EST", time.Date(2021, 3, 31, 10, 0, 0, 0, est)},
		{"32 Mar 2021 10:00 EST", time.Time{}},
		{"16 Mar 2021 23:00 EST", time.Date(2021, 3, 16, 23, 0, 0, 0, est)},
		{"16 Mar 2021 10:59 EST", time.Date(2021, 3, 16, 10, 59, 0, 0, est)},
		{"16 Mar 2021 10:00:60 EST", time.Date(2021, 3, 16, 10, 0, 59, 0, est)}, // leap second
		{"16 Mar 2021 10:00:61 EST", time.Time{}},
		{"16 Mar 2021 10:00:00.5 EST", time.Date(2021, 3, 16, 10, 0, 0, 500_000_000, est)},
		{"16 Mar 2021 10:00:00Z", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		// A zone before the clock counts when it cannot be a number of
		// the date: four digits, or hours and minutes.
		{"16 Mar 2021 +0100 10:00", time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)},
		{"16 Mar 2021 +01:00 10:00", time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)},
		// Hours alone before the clock could be a number of the date.
		{"16 Mar 2021 +05 10:00", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"16 Mar 2021 10:00 +01", time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)},
		{"16 Mar 2021 10:00 +05:30", time.Date(2021, 3, 16, 4, 30, 0, 0, time.UTC)},
		{"16 Mar 2021 10:00 -05:30", time.Date(2021, 3, 16, 15, 30, 0, 0, time.UTC)},
		{"16 Mar 2021 10:00 +14:00", time.Date(2021, 3, 15, 20, 0, 0, 0, time.UTC)},
		{"16 Mar 2021 10:00 +15:00", time.Time{}},
		{"16 Mar 2021 10:00 +01:59", time.Date(2021, 3, 16, 8, 1, 0, 0, time.UTC)},
		{"16 Mar 2021 10:00 +01:60", time.Time{}},
		// Day first, unless the second number cannot be a month.
		{"05/12/2021 10:00 EST", time.Date(2021, 12, 5, 10, 0, 0, 0, est)},
		{"12/13/2021 10:00 EST", time.Date(2021, 12, 13, 10, 0, 0, 0, est)},
		{"2021-01-16 10:00 EST", time.Date(2021, 1, 16, 10, 0, 0, 0, est)},
		{"2021-12-16 10:00 EST", time.Date(2021, 12, 16, 10, 0, 0, 0, est)},
		{"2021-03-01 10:00 EST", time.Date(2021, 3, 1, 10, 0, 0, 0, est)},
		{"2021-00-16 10:00 EST", time.Time{}},
		{"2021-03-00 10:00 EST", time.Time{}},
		{"16 Mar 69 10:00 EST", time.Date(2069, 3, 16, 10, 0, 0, 0, est)},
		{"16 Mar 70 10:00 EST", time.Date(1970, 3, 16, 10, 0, 0, 0, est)},
	}
	checkParseDate(t, tests)
}

// parseRSS parses an RSS 2.0 channel made of channel (elements before the
// items) and items.
func parseRSS(t *testing.T, opt Options, channel string, items ...string) *Feed {
	t.Helper()
	doc := `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>T</title>` +
		channel + strings.Join(items, "") + `</channel></rss>`
	if opt.Now.IsZero() {
		opt.Now = testNow
	}
	f, err := Parse(context.Background(), []byte(doc), opt)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestParseMaxFuture: 0 means the default (a day ahead); any other value
// is kept.
func TestParseMaxFuture(t *testing.T) {
	item := `<item><title>a</title><link>http://x.example/a</link><pubDate>` + testNow.Add(12*time.Hour).Format(time.RFC1123Z) + `</pubDate></item>`
	tests := []struct {
		maxFuture time.Duration
		dated     bool
	}{
		{0, true},
		{time.Hour, false},
		{13 * time.Hour, true},
	}
	for _, tt := range tests {
		f := parseRSS(t, Options{MaxFuture: tt.maxFuture}, "", item)
		if got := !f.Items[0].PublishedAt.IsZero(); got != tt.dated {
			t.Errorf("MaxFuture %v: dated = %v, want %v", tt.maxFuture, got, tt.dated)
		}
	}
}

func TestParseTTL(t *testing.T) {
	tests := []struct {
		ttl  string
		want time.Duration
	}{
		{"0", 0},
		{"1440", 24 * time.Hour},
		{"527039", 527039 * time.Minute}, // a year of 366 days, less a minute
		{"527040", 0},
	}
	for _, tt := range tests {
		f := parseRSS(t, Options{}, "<ttl>"+tt.ttl+"</ttl>")
		if f.TTL != tt.want {
			t.Errorf("ttl %s: TTL = %v, want %v", tt.ttl, f.TTL, tt.want)
		}
	}
}

func TestParseLanguages(t *testing.T) {
	item := `<item><title>Maroc</title><link>http://x.example/a</link></item>`
	itemES := `<item><title>Maroc</title><link>http://x.example/b</link><dc:language>es-ES</dc:language></item>`
	tests := []struct {
		name, channel      string
		wantFeed, wantItem string
	}{
		{"dc:language when no language", "<dc:language>fr</dc:language>", "fr", "es"},
		{"language before dc:language", "<language>en</language><dc:language>fr</dc:language>", "en", "es"},
	}
	for _, tt := range tests {
		f := parseRSS(t, Options{}, tt.channel, item, itemES)
		if f.Lang != tt.wantFeed {
			t.Errorf("%s: feed Lang = %q, want %q", tt.name, f.Lang, tt.wantFeed)
		}
		if f.Items[0].Lang != tt.wantFeed {
			t.Errorf("%s: item Lang = %q, want the feed's %q", tt.name, f.Items[0].Lang, tt.wantFeed)
		}
		if f.Items[1].Lang != tt.wantItem {
			t.Errorf("%s: item with dc:language Lang = %q, want %q", tt.name, f.Items[1].Lang, tt.wantItem)
		}
	}
}

// Bare entries alike in everything are told apart by their rank.
func TestParseIdenticalBareEntries(t *testing.T) {
	bare := `<item><title>x</title></item>`
	f := parseRSS(t, Options{}, "", bare, bare, bare)
	if len(f.Items) != 3 {
		t.Fatalf("%d items, want 3", len(f.Items))
	}
	first := f.Items[0].GUID
	for i, suffix := range []string{"", "#2", "#3"} {
		if got := f.Items[i].GUID; got != first+suffix {
			t.Errorf("item %d GUID = %q, want %q", i, got, first+suffix)
		}
	}
}

func TestParseDCTermsDate(t *testing.T) {
	f := parseRSS(t, Options{}, "", `<item><title>a</title><link>http://x.example/a</link><dcterms:issued>2021-03-16T10:00:00Z</dcterms:issued><dcterms:modified>2021-03-17T10:00:00Z</dcterms:modified></item>`)
	if want := time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC); !f.Items[0].PublishedAt.Equal(want) {
		t.Errorf("PublishedAt = %v, want %v", f.Items[0].PublishedAt, want)
	}
	if want := time.Date(2021, 3, 17, 10, 0, 0, 0, time.UTC); !f.Items[0].Updated.Equal(want) {
		t.Errorf("Updated = %v, want %v", f.Items[0].Updated, want)
	}
}

func TestParseEnclosureImages(t *testing.T) {
	f := parseRSS(t, Options{}, "", `<item><title>a</title><link>http://x.example/a</link>`+
		`<enclosure url="http://x.example/untyped.jpg" length="1"/>`+
		`<enclosure url="http://x.example/typed" length="1" type="image/png"/>`+
		`<enclosure url="http://x.example/audio.mp3" length="1" type="audio/mpeg"/>`+
		`<enclosure url="http://x.example/odd.jpg" length="1" type="application/octet-stream"/></item>`)
	want := []string{"http://x.example/untyped.jpg", "http://x.example/typed"}
	if got := f.Items[0].Images; !slices.Equal(got, want) {
		t.Errorf("Images = %q, want %q", got, want)
	}
}

func TestHasImageExt(t *testing.T) {
	for u, want := range map[string]bool{
		"http://x.example/a.JPG":      true,
		"http://x.example/a.webp?w=1": true,
		"http://x.example/a.png#top":  true,
		"http://x.example/a.html":     false,
		"?.jpg":                       false, // all query
		"#.png":                       false,
	} {
		if got := hasImageExt(u); got != want {
			t.Errorf("hasImageExt(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestWithContent(t *testing.T) {
	gf := &gofeed.Feed{Items: []*gofeed.Item{
		nil,
		{},
		{Title: "a"},
		{Link: "http://x.example/a"},
		{Description: "d"},
		{Content: "c"},
		{Enclosures: []*gofeed.Enclosure{{URL: "http://x.example/a.mp3"}}},
		{GUID: "only an id"},
	}}
	if got := withContent(gf); got != 5 {
		t.Errorf("withContent = %d, want 5", got)
	}
}

func TestRepairNotesLine(t *testing.T) {
	tests := []struct {
		rep  repairReport
		want string
	}{
		{repairReport{problem: "x", problemLine: 0}, "malformed XML (x) was read leniently: 1 item kept"},
		{repairReport{problem: "x", problemLine: 1}, "malformed XML at line 1 (x) was read leniently: 1 item kept"},
	}
	for _, tt := range tests {
		if got := repairNotes(tt.rep, 1); len(got) != 1 || got[0] != tt.want {
			t.Errorf("repairNotes(%+v) = %q, want [%q]", tt.rep, got, tt.want)
		}
	}
}

// Documents ending where a tag starts: no index past the end.
func TestScanningToTheEnd(t *testing.T) {
	roots := map[string]string{
		"<rss":      "rss",
		"<rss>":     "rss",
		"x<":        "",
		"<?xml?>x<": "",
		"  <?xml version='1.0'?>\n<!-- c --><rdf:RDF x>": "rdf:RDF",
		"<!-- never closed": "",
	}
	for doc, want := range roots {
		if got := rootElementName([]byte(doc)); got != want {
			t.Errorf("rootElementName(%q) = %q, want %q", doc, got, want)
		}
	}
	entries := map[string]int{
		"<item":                       0,
		"<item>":                      1,
		"<entry/><item x='1'><items>": 2,
	}
	for doc, want := range entries {
		if got := countEntryTags([]byte(doc)); got != want {
			t.Errorf("countEntryTags(%q) = %d, want %d", doc, got, want)
		}
	}
}

func TestPrimaryLang(t *testing.T) {
	for tag, want := range map[string]string{
		"fr": "fr", "FR-fr": "fr", "am": "am", "zu": "zu", "ast": "ast",
		"f": "", "fran": "", "f1": "", "-fr": "", "": "",
	} {
		if got := primaryLang(tag); got != want {
			t.Errorf("primaryLang(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"abcde", 5, "abcde"},
		{"abcdefghij", 5, "abcd…"},
		// A space at max/2 is too early to cut at.
		{"ab cdefghij", 5, "ab c…"},
		{"abc defghij", 5, "abc…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.s, tt.max); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

// A cut summary loses its trailing punctuation, but not a closing
// parenthesis or quotation mark.
func TestTruncateTrailingPunctuation(t *testing.T) {
	for s, want := range map[string]string{
		"ab (cd) efghij": "ab (cd)…",
		`ab "cd" efghij`: `ab "cd"…`,
		"ab cd, efghij":  "ab cd…",
	} {
		if got := truncate(s, 10); got != want {
			t.Errorf("truncate(%q, 10) = %q, want %q", s, got, want)
		}
	}
}

// cancelledAfter is a context whose Err answers nil to its first allowed
// calls and context.Canceled after: it cancels a long loop at a known
// check.
type cancelledAfter struct {
	context.Context
	allowed atomic.Int32
}

func newCancelledAfter(allowed int32) *cancelledAfter {
	c := &cancelledAfter{Context: context.Background()}
	c.allowed.Store(allowed)
	return c
}

func (c *cancelledAfter) Err() error {
	if c.allowed.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// Long loops check their context at the start and every so many steps.
func TestLongLoopsCheckTheirContext(t *testing.T) {
	manyItems := &gofeed.Feed{Items: make([]*gofeed.Item, 65)}
	for i := range manyItems.Items {
		manyItems.Items[i] = &gofeed.Item{Title: "a"}
	}
	oneItem := &gofeed.Feed{Items: []*gofeed.Item{{Title: "a"}}}
	opt := Options{Now: testNow, MaxFuture: DefaultMaxFuture}
	manyTokens := []byte(rssHead + strings.Repeat("<a/>", 3000) + "</channel></rss>")
	tests := []struct {
		name string
		run  func(context.Context) error
		ctx  context.Context
	}{
		{"normalise, cancelled before", func(ctx context.Context) error { _, err := normalise(ctx, oneItem, opt); return err }, newCancelledAfter(0)},
		{"normalise, cancelled at the 65th item", func(ctx context.Context) error { _, err := normalise(ctx, manyItems, opt); return err }, newCancelledAfter(1)},
		{"repairXML, cancelled before", func(ctx context.Context) error { _, _, err := repairXML(ctx, nil); return err }, newCancelledAfter(0)},
		{"repairXML, cancelled at the 4097th token", func(ctx context.Context) error { _, _, err := repairXML(ctx, manyTokens); return err }, newCancelledAfter(1)},
	}
	for _, tt := range tests {
		if err := tt.run(tt.ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", tt.name, err)
		}
	}
}

func TestRepairXMLRestarts(t *testing.T) {
	tests := []struct {
		name, doc, wantOut, wantProblem string
		wantErr                         error
	}{
		// The bytes of a failed token are text, even those that would
		// read as a tag on their own.
		{"a failed start tag holding a tag", rssHead + `<item><title>p <a b="x<c>"> q</title></item></channel></rss>`,
			`<title>p &lt;a b="x&lt;c&gt;"&gt; q</title>`, "unescaped < inside quoted string", nil},
		// Errors outside the feed are not its problems, up to a thousand.
		{"a thousand errors before the root", strings.Repeat("< ", 1000) + rssHead + itemA + "</channel></rss>",
			itemA, "", nil},
		{"a thousand and one", strings.Repeat("< ", 1001) + rssHead + itemA + "</channel></rss>",
			"", "too many errors to read on", errNoFeedRoot},
	}
	for _, tt := range tests {
		out, rep, err := repairXML(context.Background(), []byte(tt.doc))
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.wantErr)
		}
		if !strings.Contains(string(out), tt.wantOut) {
			t.Errorf("%s: output %q does not hold %q", tt.name, out, tt.wantOut)
		}
		if rep.problem != tt.wantProblem {
			t.Errorf("%s: problem = %q, want %q", tt.name, rep.problem, tt.wantProblem)
		}
	}
}

func TestRepairXMLDepth(t *testing.T) {
	// rssHead leaves <rss> and <channel> open.
	nested := func(depth int) string {
		return rssHead + strings.Repeat("<a>", depth-2) + "<b>x</b>" + strings.Repeat("</a>", depth-2) + "</channel></rss>"
	}
	tests := []struct {
		depth       int
		wantProblem string
	}{
		{maxRepairDepth - 1, ""},
		{maxRepairDepth, "elements nested more than 1024 deep"},
	}
	for _, tt := range tests {
		_, rep, err := repairXML(context.Background(), []byte(nested(tt.depth)))
		if err != nil {
			t.Fatal(err)
		}
		if rep.problem != tt.wantProblem {
			t.Errorf("<b> inside %d elements: problem = %q, want %q", tt.depth, rep.problem, tt.wantProblem)
		}
	}
}

// End tags outside the feed balance the start tags before them: an
// element closed before an Atom entry document does not hide it, nor does
// a stray end tag.
func TestRepairXMLEntryDocumentAfterElements(t *testing.T) {
	const entry = `<entry xmlns="http://www.w3.org/2005/Atom"><title>a</title><id>urn:a</id></entry>`
	for _, before := range []string{"</x>", "<x></x>", "<x><y/></x>"} {
		_, rep, err := repairXML(context.Background(), []byte(before+entry))
		if err != nil {
			t.Errorf("%s before an entry: %v", before, err)
			continue
		}
		if !rep.entryDocument || rep.wrapper != "" {
			t.Errorf("%s before an entry: report %+v, want an entry document without a wrapper", before, rep)
		}
	}
}

// An entry left open in an Atom feed, whose entries sit right in the
// root, is closed at the next entry.
func TestRepairXMLUnclosedAtomEntry(t *testing.T) {
	doc := `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title>` + "\n" + `<entry><title>b</title></entry></feed>`
	out, rep, err := repairXML(context.Background(), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if want := "<entry><title>a</title>\n</entry><entry><title>b</title></entry>"; !strings.Contains(string(out), want) {
		t.Errorf("output %q does not hold %q", out, want)
	}
	if want := "<entry> not closed before <entry>"; rep.problem != want || rep.problemLine != 2 {
		t.Errorf("problem %q at line %d, want %q at line 2", rep.problem, rep.problemLine, want)
	}
}

// A document cut outside any entry loses the element it was cut in,
// unless that is the channel or the root.
func TestRepairXMLCutOutsideEntries(t *testing.T) {
	tests := []struct{ doc, want string }{
		{rssHead + `<description>nothing y`, `<title>T</title></channel></rss>`},
		{rssHead + `<description>whole</description>`, `<title>T</title><description>whole</description></channel></rss>`},
		{`<rss version="2.0"><channel>`, `<rss version="2.0"><channel></channel></rss>`},
	}
	for _, tt := range tests {
		out, rep, err := repairXML(context.Background(), []byte(tt.doc))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(string(out), tt.want) || !rep.truncated || rep.unfinished {
			t.Errorf("repairXML(%q) = %q, %+v; want it to end in %q, truncated, not unfinished", tt.doc, out, rep, tt.want)
		}
	}
}

// An RSS feed cut inside an Atom <entry>, which RSS readers ignore: no
// item to mark as cut.
func TestParseCutInsideAnEntryGofeedIgnores(t *testing.T) {
	f, err := Parse(context.Background(), []byte(rssHead+"<entry><title>a"), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 0 {
		t.Errorf("%d items, want none", len(f.Items))
	}
}

func TestLocalPart(t *testing.T) {
	for name, want := range map[string]string{"item": "item", "rdf:RDF": "RDF", "a:b:entry": "entry", ":x": "x"} {
		if got := localPart(name); got != want {
			t.Errorf("localPart(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestReferenceLen(t *testing.T) {
	name := func(n int) string { return strings.Repeat("a", n) }
	for s, want := range map[string]int{
		"&amp;":              5,
		"&#38; x":            5,
		"&;":                 0,
		"&abc":               0, // the document ends first
		"& x;":               0,
		"&" + name(62) + ";": 64,
		"&" + name(63) + ";": 0, // longer than any entity name
		"&a-b.c:d_e;":        11,
	} {
		if got := referenceLen([]byte(s)); got != want {
			t.Errorf("referenceLen(%q) = %d, want %d", s, got, want)
		}
	}
}

// A forbidden character reference is found wherever it stands, the first
// bytes of the document included.
func TestDropForbiddenCharRefs(t *testing.T) {
	tests := []struct {
		in, want string
		dropped  int
	}{
		{"&#1;x", "x", 1},
		{"&#38;&#x1;x", "&#38;x", 1},
		{"x&#38;", "x&#38;", 0},
		{"&#1;", "", 1},
		{"x&#12", "x&#12", 0}, // unterminated: text
		{"&#x2A;&#1;", "&#x2A;", 1},
		{"&#x2a;&#1;", "&#x2a;", 1},
		{"&#x10FFFF0;x", "x", 1}, // past the last code point
		{"&#x10FFFF;&#1;", "&#x10FFFF;", 1},
	}
	for _, tt := range tests {
		got, n := dropForbiddenXMLChars([]byte(tt.in))
		if string(got) != tt.want || n != tt.dropped {
			t.Errorf("dropForbiddenXMLChars(%q) = %q, %d; want %q, %d", tt.in, got, n, tt.want, tt.dropped)
		}
	}
}

func TestIsXMLChar(t *testing.T) {
	for r, want := range map[rune]bool{
		0x08: false, 0x09: true, 0x0A: true, 0x0D: true, 0x1F: false, 0x20: true,
		0xD7FF: true, 0xD800: false, 0xDFFF: false, 0xE000: true, 0xFFFD: true, 0xFFFE: false,
		0x10000: true, 0x10FFFF: true, 0x110000: false,
	} {
		if got := isXMLChar(r); got != want {
			t.Errorf("isXMLChar(%#x) = %v, want %v", r, got, want)
		}
	}
}

// gofeed reads fewer entries than the document has start tags for (one
// is text in a CDATA section), the repair reads no more content: gofeed's
// reading stands and the stray end tag the repair met is not reported.
func TestParseRepairReadingNoMoreIsNotKept(t *testing.T) {
	doc := rssHead + `<item><title>a</title><link>http://x.example/a</link><description><![CDATA[<item>]]></description></item></p></channel></rss>`
	f, err := Parse(context.Background(), []byte(doc), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 || f.Items[0].Title != "a" || len(f.Notes) != 0 {
		t.Errorf("%d items, notes %q; want item a and no note", len(f.Items), f.Notes)
	}
}
