package charset

import (
	"os"
	"path/filepath"
	"testing"
)

// go test -bench . -benchmem ./internal/charset
func BenchmarkToUTF8(b *testing.B) {
	for _, name := range []string{"windows-1251-aif.ru.health.xml", "cercle.psy.xml"} {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, _, err := ToUTF8(body, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
