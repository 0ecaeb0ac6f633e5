package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkFetchGzipFeed measures one conditional-less fetch of a 1 MiB
// gzip-encoded feed over loopback: limiter, guardless dial reuse, decompression.
func BenchmarkFetchGzipFeed(b *testing.B) {
	feed := []byte(strings.Repeat("<item><title>Marruecos: 3 hospitales militares de campaña</title></item>\n", 1<<20/72))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(feed)
	w.Close()
	srv, _ := countingServer(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	})
	c, err := New(Config{UserAgent: testUA, AllowPrivateNetworks: true, HostConcurrency: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(feed)))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Fetch(context.Background(), Request{URL: srv.URL, Kind: KindFeed})
		if err != nil || len(resp.Body) != len(feed) {
			b.Fatal(err)
		}
	}
}
