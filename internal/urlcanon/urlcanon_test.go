package urlcanon

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://WWW.Example.COM:443/a/b?x=1#frag", "https://www.example.com/a/b?x=1"},
		{"http://example.com:80", "http://example.com/"},
		{"http://example.com:8080/", "http://example.com:8080/"},
		{"https://example.com/?", "https://example.com/"},
		{"https://example.com/p?utm_source=rss&utm_medium=feed&id=7&fbclid=abc", "https://example.com/p?id=7"},
		{"https://example.com/p?b=2&a=1", "https://example.com/p?b=2&a=1"}, // order kept
		{"https://www.lemonde.fr/a.html?xtor=RSS-3208&at_medium=rss&at_campaign=x", "https://www.lemonde.fr/a.html"},
		{"https://example.com/p?gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&igshid=6&yclid=7&_ga=8&ref_src=9&ocid=10&cmpid=11", "https://example.com/p"},
		// Al Jazeera's tracker (real-maghreb captures).
		{"https://www.aljazeera.com/news/2026/8/13/israeli-settlers?traffic_source=rss", "https://www.aljazeera.com/news/2026/8/13/israeli-settlers"},
		// Hespress slug with a sukun: lower- and upper-case escapes are one URL.
		{"https://www.hespress.com/%d8%b4%d9%86%d9%8a%d9%88%d9%92%d9%84%d8%a7-1700061.html", "https://www.hespress.com/%D8%B4%D9%86%D9%8A%D9%88%D9%92%D9%84%D8%A7-1700061.html"},
		{"https://www.hespress.com/شنيوْلا-1700061.html", "https://www.hespress.com/%D8%B4%D9%86%D9%8A%D9%88%D9%92%D9%84%D8%A7-1700061.html"},
		{"https://example.com/%7Euser/%41", "https://example.com/~user/A"}, // unreserved decoded
		{"https://example.com/a%2Fb", "https://example.com/a%2Fb"},         // reserved kept escaped
		{"https://BÜCHER.example/", "https://xn--bcher-kva.example/"},
		{"https://xn--BCHER-KVA.example/", "https://xn--bcher-kva.example/"},
		{"https://example.com./x", "https://example.com/x"},
		{"  https://example.com/x  ", "https://example.com/x"},
		{"https://example.com/p?q=caf%c3%a9&&utm_campaign=z", "https://example.com/p?q=caf%C3%A9"},
		{"http://[::1]:80/x", "http://[::1]/x"},
		// Cases found by mutation testing (scripts/mutation): each pins a
		// comparison a surviving mutant could flip unnoticed.
		{"https://example.com/a%2fb%20c", "https://example.com/a%2Fb%20c"},                             // hex digits 0 and f
		{"https://example.com/Zoo/zebra-2019!", "https://example.com/Zoo/zebra-2019!"},                 // z, Z, 9 and ! are safe in a path
		{"https://example.com/p?q=caf\xc3\xa9&t=a:b,c!", "https://example.com/p?q=caf%C3%A9&t=a:b,c!"}, // raw bytes escaped, sub-delims kept in a query
		{"https://example.com/p?q=a b&r=\"x\"", "https://example.com/p?q=a%20b&r=%22x%22"},
		{"https://example.com/p?q=%4", "https://example.com/p?q=%254"},                // a cut escape at the very end
		{"https://s0.news9.example/x", "https://s0.news9.example/x"},                  // digits 0 and 9 in a host
		{"https://example.com/p?utm%5Fsource=rss&id=3", "https://example.com/p?id=3"}, // an escaped tracker is a tracker
	}
	for _, tt := range tests {
		got, err := Canonical(tt.in)
		if err != nil {
			t.Errorf("Canonical(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalRejects(t *testing.T) {
	for _, in := range []string{"", "/relative/path", "mailto:a@b.c", "javascript:alert(1)", "ftp://example.com/", "http://", "http://exa mple.com/", "tag:example.com,2006:x",
		"https://a!b.example/", "https://a*b.example/"} { // characters no host name has
		if got, err := Canonical(in); err == nil {
			t.Errorf("Canonical(%q) = %q, want an error", in, got)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct{ base, ref, want string }{
		{"https://example.com/feed/rss.xml", "/2021/03/16/a.html", "https://example.com/2021/03/16/a.html"},
		{"https://example.com/feed/rss.xml", "a.html", "https://example.com/feed/a.html"},
		{"https://example.com/feed/", "../img/x.jpg", "https://example.com/img/x.jpg"},
		{"https://example.com/", "//cdn.example.net/x.jpg", "https://cdn.example.net/x.jpg"},
		{"https://example.com/", "https://other.example/y", "https://other.example/y"},
		{"", "https://other.example/y", "https://other.example/y"},
		{"https://example.com/a", " \n/b ", "https://example.com/b"},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.base, tt.ref)
		if err != nil {
			t.Errorf("Resolve(%q, %q): %v", tt.base, tt.ref, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Resolve(%q, %q) = %q, want %q", tt.base, tt.ref, got, tt.want)
		}
	}
	if _, err := Resolve("", "/relative"); err == nil {
		t.Error("Resolve without base of a relative ref: want an error")
	}
}

// Every link of the real Maghreb feeds canonicalises, and twice gives the same.
func TestCanonicalRealLinks(t *testing.T) {
	linkRe := regexp.MustCompile(`<link>([^<]+)</link>`)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	n := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			for _, m := range linkRe.FindAllStringSubmatch(sc.Text(), -1) {
				c, err := Canonical(m[1])
				if err != nil {
					t.Errorf("%s: Canonical(%q): %v", name, m[1], err)
					continue
				}
				if again, _ := Canonical(c); again != c {
					t.Errorf("not idempotent: %q → %q → %q", m[1], c, again)
				}
				if regexp.MustCompile(`%([0-9a-f][a-f]|[a-f][0-9])|traffic_source`).MatchString(c) {
					t.Errorf("Canonical(%q) = %q keeps lower-case escapes or a tracker", m[1], c)
				}
				n++
			}
		}
		f.Close()
	}
	if n < 40 {
		t.Errorf("only %d links checked", n)
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"HTTPS://WWW.Example.COM:443/a/b?x=1#frag", "https://example.com/p?utm_source=rss&id=7",
		"https://www.hespress.com/%d8%b4%d9%86%d9%8a%d9%88%d9%92%d9%84%d8%a7-1700061.html",
		"https://BÜCHER.example/", "http://[::1]:80/x", "https://example.com/a%2Fb?q=%zz",
		"https://www.aljazeera.com/news/x?traffic_source=rss",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := Canonical(raw)
		if err != nil {
			return
		}
		again, err := Canonical(c)
		if err != nil {
			t.Fatalf("Canonical(%q) = %q, which is rejected: %v", raw, c, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q → %q → %q", raw, c, again)
		}
	})
}
