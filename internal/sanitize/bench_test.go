package sanitize

import (
	"os"
	"path/filepath"
	"testing"
)

// go test -bench . -benchmem ./internal/sanitize
func BenchmarkHTML(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "pat-MarioXSSVectors.txt"))
	if err != nil {
		b.Fatal(err)
	}
	s := New()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		s.HTML(string(raw), "https://example.org/")
	}
}

func BenchmarkText(b *testing.B) {
	s := New()
	in := `<p>Le roi a ordonné <b>le déploiement</b> de trois hôpitaux militaires de campagne&nbsp;: <a href="/x">lire</a></p>`
	for b.Loop() {
		s.Text(in)
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New()
	}
}
