package feed

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"revue/internal/sanitize"
	"revue/internal/shareddata"
	"revue/internal/urlcanon"
)

// feedparserFloor is the least share of applicable feedparser expectations
// that must hold; set just under the measured rate so a regression fails.
const feedparserFloor = 0.965

// The fields of feedparser's model that Revue keeps, and how they map.
var feedparserFields = map[string]string{
	"feed.title": "feed.title", "feed.title_detail.value": "feed.title", "feed.link": "feed.link",
	"entries.title": "title", "entries.title_detail.value": "title", "entries.link": "link",
	"entries.id": "id", "entries.guid": "id",
	"entries.published_parsed": "published", "entries.issued_parsed": "published", "entries.date_parsed": "published",
	"entries.updated_parsed": "updated", "entries.modified_parsed": "updated",
	"entries.content.value": "content", "entries.summary": "summary", "entries.description": "summary",
	"entries.summary_detail.value": "summary",
	"entries.author":               "author", "entries.author_detail.name": "author",
	"entries.enclosures.href": "enclosure",
}

type fpCase struct {
	path, expect, headers, skipUnless string
}

type fpVerdict struct {
	applicable bool
	pass       bool
	class      string // why not applicable, or which field failed
}

func TestFeedparserExpectations(t *testing.T) {
	root := filepath.Join(shareddata.Testdata(t), "feeds", "feedparser")
	cases := readFeedparserIndex(t, filepath.Join(root, "INDEX.tsv"))
	san := sanitize.New()
	var applicable, passed int
	notApplicable := map[string]int{}
	failing := map[string][]string{}
	for _, c := range cases {
		v := evaluateFeedparserCase(t, root, c, san)
		if !v.applicable {
			notApplicable[v.class]++
			continue
		}
		applicable++
		if v.pass {
			passed++
		} else {
			failing[v.class] = append(failing[v.class], c.path)
		}
	}
	rate := float64(passed) / float64(max(applicable, 1))
	t.Logf("feedparser: %d cases, %d applicable, %d pass (%.1f %%)", len(cases), applicable, passed, 100*rate)
	for _, k := range sortedKeys(notApplicable) {
		t.Logf("  not applicable: %-45s %d", k, notApplicable[k])
	}
	for _, k := range sortedKeys(failing) {
		t.Logf("  FAIL %-40s %d, e.g. %s", k, len(failing[k]), strings.Join(failing[k][:min(3, len(failing[k]))], ", "))
	}
	if applicable < 800 {
		t.Errorf("only %d applicable cases; the evaluator lost track of INDEX.tsv", applicable)
	}
	if rate < feedparserFloor {
		t.Errorf("pass rate %.1f %% is under the floor %.1f %%", 100*rate, 100*feedparserFloor)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func readFeedparserIndex(t *testing.T, path string) []fpCase {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []fpCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		for len(cols) < 5 {
			cols = append(cols, "")
		}
		cases = append(cases, fpCase{path: cols[0], expect: cols[2], headers: cols[3], skipUnless: cols[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// unsupportedInputs are input features Revue does not read (gofeed does not
// either), recognised by feedparser's file naming: each is obsolete or rare.
var unsupportedInputs = []struct{ pattern, why string }{
	{"cdf", "CDF format (Microsoft Channel Definition Format)"},
	{"base64", "Atom 0.3 mode=\"base64\" content"},
	{"_body", "RSS <body>/<xhtml:body> item content"},
	{"fullitem", "RSS <fullitem> item content"},
	{"atom_namespace_", "Atom under a non-Atom namespace URI"},
}

func evaluateFeedparserCase(t *testing.T, root string, c fpCase, san *sanitize.Sanitizer) fpVerdict {
	for _, u := range unsupportedInputs {
		if strings.Contains(c.path, u.pattern) {
			return fpVerdict{class: "unsupported input: " + u.why}
		}
	}
	terms, err := splitConjunction(c.expect)
	if err != nil {
		return fpVerdict{class: "unsupported expression"}
	}
	var checks []fpCheck
	class := ""
	for _, term := range terms {
		chk, why := parseCheck(term)
		if why != "" {
			if class == "" {
				class = why
			}
			continue
		}
		checks = append(checks, chk)
	}
	if len(checks) == 0 {
		if class == "" {
			class = "no field we keep"
		}
		return fpVerdict{class: class}
	}
	data, err := readMaybeGzip(filepath.Join(root, c.path))
	if err != nil {
		t.Errorf("%s: %v", c.path, err)
		return fpVerdict{class: "unreadable"}
	}
	contentType := ""
	for _, h := range strings.Split(c.headers, " | ") {
		if name, val, ok := strings.Cut(h, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "content-type") {
			contentType = strings.TrimSpace(val)
		}
	}
	// feedparser's harness serves each file at this URL; a Content-Location
	// header moves the document's base, which is what a fetcher reports as
	// the feed URL.
	feedURL := "http://127.0.0.1:8097/tests/" + c.path
	for _, h := range strings.Split(c.headers, " | ") {
		if name, val, ok := strings.Cut(h, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "content-location") {
			if u, err := urlcanon.Resolve(feedURL, strings.TrimSpace(val)); err == nil {
				feedURL = u
			}
		}
	}
	f, perr, ok := parseWithOptions(data, contentType, Options{FeedURL: feedURL, Sanitizer: san})
	if !ok {
		t.Errorf("%s: %v", c.path, perr)
		return fpVerdict{applicable: true, class: "hang or panic"}
	}
	for _, chk := range checks {
		if perr != nil || f == nil {
			return fpVerdict{applicable: true, class: "parse error"}
		}
		if chk.entry && len(f.Items) <= chk.index {
			return fpVerdict{applicable: true, class: "entry missing"}
		}
		if !chk.holds(f, san) {
			if testing.Verbose() {
				t.Logf("%s: %s: want %q, got %q", c.path, chk.field, chk.want, chk.got(f))
			}
			return fpVerdict{applicable: true, class: chk.field}
		}
	}
	return fpVerdict{applicable: true, pass: true}
}

type fpCheck struct {
	field string // a value of feedparserFields
	entry bool
	index int
	want  any // string or []int
}

// dateTuple reads feedparser's time.struct_time prefix (y, m, d, H, M, S).
func (c fpCheck) holds(f *Feed, san *sanitize.Sanitizer) bool {
	var it Item
	if c.entry {
		it = f.Items[c.index]
	}
	str, _ := c.want.(string)
	text := san.Text(str)
	switch c.field {
	case "feed.title":
		return f.Title == text
	case "feed.link":
		return f.SiteURL == str
	case "title":
		return it.Title == text
	case "link":
		return it.URL == str
	case "id":
		return it.GUID == str
	case "author":
		return it.Author == text
	case "summary":
		return it.Summary == truncate(text, SummaryMax) && safeHTML(it.ContentHTML)
	case "content":
		return san.Text(it.ContentHTML) == text && safeHTML(it.ContentHTML)
	case "enclosure":
		for _, img := range it.Images {
			if img == str {
				return true
			}
		}
		return false
	case "published", "updated":
		tuple, _ := c.want.([]int)
		if len(tuple) < 6 {
			return false
		}
		want := time.Date(tuple[0], time.Month(tuple[1]), tuple[2], tuple[3], tuple[4], tuple[5], 0, time.UTC)
		got := it.PublishedAt
		if c.field == "updated" {
			got = it.Updated
		}
		return got.UTC().Truncate(time.Second).Equal(want)
	}
	return false
}

func (c fpCheck) got(f *Feed) string {
	if !c.entry {
		return f.Title + " | " + f.SiteURL
	}
	it := f.Items[c.index]
	return fmt.Sprintf("title=%q url=%q guid=%q summary=%q content=%q author=%q published=%v updated=%v images=%q",
		it.Title, it.URL, it.GUID, it.Summary, it.ContentHTML, it.Author, it.PublishedAt, it.Updated, it.Images)
}

var unsafeHTML = regexp.MustCompile(`(?i)<script|\son[a-z]+\s*=|javascript:|vbscript:`)

func safeHTML(s string) bool { return !unsafeHTML.MatchString(s) }

// splitConjunction splits "a and b and c" at top level (outside strings
// and brackets).
func splitConjunction(expr string) ([]string, error) {
	var terms []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(expr); i++ {
		ch := expr[i]
		switch {
		case quote != 0:
			if ch == '\\' {
				i++
			} else if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '(' || ch == '[':
			depth++
		case ch == ')' || ch == ']':
			depth--
		case depth == 0 && strings.HasPrefix(expr[i:], " and "):
			terms = append(terms, strings.TrimSpace(expr[start:i]))
			start = i + len(" and ")
			i += len(" and ") - 1
		}
	}
	if quote != 0 || depth != 0 {
		return nil, fmt.Errorf("unbalanced expression %q", expr)
	}
	return append(terms, strings.TrimSpace(expr[start:])), nil
}

var (
	lhsRe   = regexp.MustCompile(`^(feed|entries\[(\d+)\])((?:\['[a-z_]+'\]|\[\d+\]|\.[a-z_]+)+)\s*==\s*(.+)$`)
	stepRe  = regexp.MustCompile(`\['([a-z_]+)'\]|\[(\d+)\]|\.([a-z_]+)`)
	tupleRe = regexp.MustCompile(`^\(\s*-?\d+(\s*,\s*-?\d+)*\s*,?\s*\)$`)
)

// parseCheck reads one "path == literal" term; why says why a term is not
// one we evaluate.
func parseCheck(term string) (fpCheck, string) {
	switch {
	case term == "1" || term == "True":
		return fpCheck{}, "smoke test (expects no crash)"
	case strings.Contains(term, "bozo"):
		return fpCheck{}, "bozo flag (parser leniency report)"
	case strings.HasPrefix(term, "encoding") || strings.HasPrefix(term, "version") || strings.Contains(term, "namespaces") || strings.Contains(term, "headers"):
		return fpCheck{}, "encoding/version/namespaces/headers"
	}
	m := lhsRe.FindStringSubmatch(term)
	if m == nil {
		return fpCheck{}, "unsupported expression form"
	}
	var steps []string
	for _, s := range stepRe.FindAllStringSubmatch(m[3], -1) {
		switch {
		case s[1] != "":
			steps = append(steps, s[1])
		case s[3] != "":
			steps = append(steps, s[3])
		default:
			if s[2] != "0" {
				return fpCheck{}, "second content/enclosure/link"
			}
		}
	}
	key := "entries." + strings.Join(steps, ".")
	entry := strings.HasPrefix(m[1], "entries")
	if !entry {
		key = "feed." + strings.Join(steps, ".")
	}
	field, ok := feedparserFields[key]
	if !ok {
		return fpCheck{}, "field not kept: " + key
	}
	index := 0
	if entry {
		index, _ = strconv.Atoi(m[2])
	}
	lit := strings.TrimSpace(m[4])
	var want any
	if tupleRe.MatchString(lit) {
		var nums []int
		for _, p := range strings.Split(strings.Trim(lit, "() "), ",") {
			if p = strings.TrimSpace(p); p != "" {
				n, _ := strconv.Atoi(p)
				nums = append(nums, n)
			}
		}
		want = nums
	} else {
		s, err := pythonString(lit)
		if err != nil {
			return fpCheck{}, "unsupported literal"
		}
		want = s
	}
	if field == "enclosure" && !hasImageExt(want.(string)) {
		return fpCheck{}, "non-image enclosure (not kept)"
	}
	return fpCheck{field: field, entry: entry, index: index, want: want}, ""
}

// pythonString decodes a Python 2/3 string literal: optional u prefix,
// single or double quotes, \x \u \U \n \t \\ \' \" escapes.
func pythonString(lit string) (string, error) {
	var out strings.Builder
	rest := strings.TrimSpace(lit)
	for rest != "" {
		one, tail, err := pythonLiteral(rest)
		if err != nil {
			return "", err
		}
		out.WriteString(one)
		rest = strings.TrimSpace(tail)
		if rest == "" {
			break
		}
		if rest[0] != '+' {
			// Adjacent literals concatenate too.
			continue
		}
		rest = strings.TrimSpace(rest[1:])
	}
	return out.String(), nil
}

// pythonLiteral reads the first literal of lit and returns the rest.
func pythonLiteral(lit string) (string, string, error) {
	lit = strings.TrimPrefix(lit, "u")
	if lit == "" || (lit[0] != '\'' && lit[0] != '"') {
		return "", "", fmt.Errorf("not a string literal: %s", lit)
	}
	delim := lit[:1]
	if strings.HasPrefix(lit, strings.Repeat(delim, 3)) {
		delim = strings.Repeat(delim, 3)
	}
	end := -1
	for i := len(delim); i < len(lit); i++ {
		if lit[i] == '\\' {
			i++
			continue
		}
		if strings.HasPrefix(lit[i:], delim) {
			end = i
			break
		}
	}
	if end < 0 {
		return "", "", fmt.Errorf("unterminated literal: %s", lit)
	}
	s, err := decodePythonEscapes(lit[len(delim):end])
	return s, lit[end+len(delim):], err
}

func decodePythonEscapes(body string) (string, error) {
	lit := body
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 == len(body) {
			b.WriteByte(body[i])
			continue
		}
		i++
		switch body[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[body[i]]
			if i+width >= len(body) {
				return "", fmt.Errorf("short escape in %s", lit)
			}
			n, err := strconv.ParseUint(body[i+1:i+1+width], 16, 32)
			if err != nil {
				return "", err
			}
			b.WriteRune(rune(n))
			i += width
		default:
			b.WriteByte(body[i])
		}
	}
	if !utf8.ValidString(b.String()) {
		return "", fmt.Errorf("invalid UTF-8 in %s", lit)
	}
	return b.String(), nil
}
