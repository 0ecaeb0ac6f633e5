package demo

import (
	"bytes"
	"context"
	"image/png"
	"testing"
)

// Each address has its own picture, the same on every request: a copy
// under another address must not be taken for the same picture (reports
// of one would block the other), and a picture must not change between
// the proxy's fetches.
func TestPictures(t *testing.T) {
	urls := []string{
		"https://i1.hespress.com/wp-content/uploads/2025/11/laftit.jpg",
		"https://i1.hespress.com/wp-content/uploads/2025/11/laftit.jpg?w=300",
		"https://static.telquel.ma/content/uploads/2026/01/ed2848.jpg",
		"",
	}
	seen := map[string]string{}
	for _, u := range urls {
		ct, body, err := Pictures{}.FetchImage(context.Background(), u)
		if err != nil || ct != "image/png" {
			t.Fatalf("%q: %s, %v", u, ct, err)
		}
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%q: not a PNG: %v", u, err)
		}
		if b := img.Bounds(); b.Dx() != pictureWidth || b.Dy() != pictureHeight {
			t.Errorf("%q: %v", u, b)
		}
		if prev, ok := seen[string(body)]; ok {
			t.Errorf("%q draws the picture of %q", u, prev)
		}
		seen[string(body)] = u
		_, again, _ := Pictures{}.FetchImage(context.Background(), u)
		if !bytes.Equal(body, again) {
			t.Errorf("%q: drawn differently the second time", u)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := (Pictures{}).FetchImage(ctx, urls[0]); err == nil {
		t.Error("drew a picture for a request that had ended")
	}
}
