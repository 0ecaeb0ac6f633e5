package web

import (
	"mime"
	"net/http"
	"strings"
	"testing"
)

// FuzzImageContentType: whatever a source sends, the proxy serves only a
// raster image type that both its declaration and its bytes support.
func FuzzImageContentType(f *testing.F) {
	f.Add("image/png", pngPixel)
	f.Add("image/jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"))
	f.Add("image/avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"))
	f.Add("image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	f.Add("image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	f.Add("text/html", pngPixel)
	f.Add("image/gif; charset=binary", []byte("GIF89a\x01\x00\x01\x00"))
	f.Add("", []byte("GIF87a"))
	f.Fuzz(func(t *testing.T, declared string, body []byte) {
		ct, ok := imageContentType(declared, body)
		if !ok {
			if ct != "" {
				t.Errorf("refused, yet gave the type %q", ct)
			}
			return
		}
		mt, _, err := mime.ParseMediaType(declared)
		if err != nil || !strings.HasPrefix(mt, "image/") {
			t.Errorf("accepted what was declared %q (%q, %v)", declared, mt, err)
		}
		if len(body) == 0 {
			t.Error("accepted an empty body")
		}
		if strings.Contains(ct, "svg") || !strings.HasPrefix(ct, "image/") {
			t.Errorf("serves %q", ct)
		}
		if sniffed := http.DetectContentType(body); ct != sniffed && ct != "image/avif" {
			t.Errorf("serves %q, but the bytes look like %q", ct, sniffed)
		}
	})
}
