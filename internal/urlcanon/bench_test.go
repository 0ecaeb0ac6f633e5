package urlcanon

import "testing"

// go test -bench . -benchmem ./internal/urlcanon
func BenchmarkCanonical(b *testing.B) {
	u := "https://www.hespress.com/%d8%b4%d9%86%d9%8a%d9%88%d9%92%d9%84%d8%a7-1700061.html?utm_source=rss&utm_medium=rss&p=2"
	for b.Loop() {
		if _, err := Canonical(u); err != nil {
			b.Fatal(err)
		}
	}
}
