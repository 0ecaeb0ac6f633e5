package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"revue"
)

// BenchmarkImageProxyCached measures /images/{id} for a picture already on
// disk, through the real SQLite store and handler (no network): the record
// read, the file read and its hash check, and the answer.
func BenchmarkImageProxyCached(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"20KB", 20 << 10}, {"200KB", 200 << 10}, {"2MB", 2 << 20}} {
		body := append(bytes.Clone(pngPixel), bytes.Repeat([]byte{7}, size.bytes-len(pngPixel))...)
		o := newImageOrigin(b, map[string]originFile{"/p.png": {contentType: "image/png", body: body}})
		e := newEnv(b, func(c *Config) { c.Images = &httpImageFetcher{client: &http.Client{}} })
		src := e.addSource(b, "Hespress", "fr")
		a := e.save(b, src, revue.Article{URL: "https://www.hespress.com/bench", Title: "Bench", Lang: "fr",
			PublishedAt: testNow, Images: []revue.Image{{URL: o.URL + "/p.png"}}})[0]
		path := imagePath(a.Images[0].ID)
		h := e.server.Handler()
		get := func(header ...string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		first := get()
		if first.Code != http.StatusOK {
			b.Fatalf("first request: %d", first.Code)
		}
		etag := first.Header().Get("ETag")
		b.Run(size.name+"/200", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if rec := get(); rec.Code != http.StatusOK || rec.Body.Len() != len(body) {
					b.Fatalf("status %d, %d bytes", rec.Code, rec.Body.Len())
				}
			}
		})
		b.Run(size.name+"/304", func(b *testing.B) {
			for b.Loop() {
				if rec := get("If-None-Match", etag); rec.Code != http.StatusNotModified {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
		if n := o.hitsOf("/p.png"); n != 1 {
			b.Fatalf("the origin was asked %d times; the benchmark must measure the cached path", n)
		}
	}
}
