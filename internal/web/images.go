package web

import (
	"bytes"
	"container/list"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"revue"
)

// imageCSP forbids everything: an image needs no script, style or frame.
const imageCSP = "default-src 'none'"

// blankGIF is a transparent 1×1 GIF. When a source's image cannot be had,
// the proxy still answers 502 but with this body, so a page shows an
// empty frame instead of a broken-image icon; the origin's bytes are
// never passed on.
var blankGIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// unavailable answers 502 with the blank image.
func unavailable(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "image/gif")
	h.Set("Content-Length", strconv.Itoa(len(blankGIF)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = w.Write(blankGIF)
}

func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		http.Error(w, "no such image", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Security-Policy", imageCSP)
	// The status is read on every request, so a block takes effect at
	// once even for images already in the cache.
	img, err := s.store.GetImage(r.Context(), id)
	if errors.Is(err, revue.ErrNotFound) {
		http.Error(w, "no such image", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "loading an image record", "id", id, "err", err)
		http.Error(w, "the image could not be loaded", http.StatusInternalServerError)
		return
	}
	if img.Status == revue.ImageBlocked {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "this image was blocked after readers reported it", http.StatusGone)
		return
	}
	entry, ok := s.cache.get(id)
	if !ok {
		declared, body, err := s.images.FetchImage(r.Context(), img.URL)
		if err != nil {
			s.log.WarnContext(r.Context(), "fetching an image for the proxy", "id", id, "url", img.URL, "err", err)
			unavailable(w)
			return
		}
		ct, ok := imageContentType(declared, body)
		if !ok {
			s.log.WarnContext(r.Context(), "refusing a proxied file that is not a safe image",
				"id", id, "url", img.URL, "declared", declared, "sniffed", http.DetectContentType(body))
			unavailable(w)
			return
		}
		entry = cachedImage{contentType: ct, body: body}
		s.cache.put(id, entry)
	}
	h := w.Header()
	h.Set("Content-Type", entry.contentType)
	h.Set("Content-Length", strconv.Itoa(len(entry.body)))
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(entry.body)
	}
}

// imageContentType decides what a fetched file is. Both the source's
// Content-Type and the bytes must say raster image: SVG is refused because
// it can carry script, and a lying Content-Type is refused too.
func imageContentType(declared string, body []byte) (string, bool) {
	if len(body) == 0 {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(declared)
	if err != nil || !strings.HasPrefix(mt, "image/") || strings.Contains(mt, "svg") {
		return "", false
	}
	sniffed := http.DetectContentType(body)
	if strings.HasPrefix(sniffed, "image/") {
		return sniffed, true
	}
	// Go's sniffer does not know AVIF; accept it by its ISO-BMFF brand.
	if mt == "image/avif" && len(body) >= 12 && string(body[4:8]) == "ftyp" &&
		(bytes.Equal(body[8:12], []byte("avif")) || bytes.Equal(body[8:12], []byte("avis"))) {
		return "image/avif", true
	}
	return "", false
}

type cachedImage struct {
	contentType string
	body        []byte
}

// imageCache keeps the most recently served images, bounded in bytes, so a
// popular lead image is not fetched again for every reader.
type imageCache struct {
	mu       sync.Mutex
	maxBytes int64
	bytes    int64
	order    *list.List // front = most recent; values are *cacheItem
	byID     map[int64]*list.Element
}

type cacheItem struct {
	id  int64
	img cachedImage
}

func newImageCache(maxBytes int64) *imageCache {
	return &imageCache{maxBytes: maxBytes, order: list.New(), byID: map[int64]*list.Element{}}
}

func (c *imageCache) get(id int64) (cachedImage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[id]
	if !ok {
		return cachedImage{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheItem).img, true
}

func (c *imageCache) put(id int64, img cachedImage) {
	size := int64(len(img.body))
	if size > c.maxBytes/4 { // one huge image must not flush the cache
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[id]; ok {
		c.bytes -= int64(len(el.Value.(*cacheItem).img.body))
		el.Value.(*cacheItem).img = img
		c.order.MoveToFront(el)
	} else {
		c.byID[id] = c.order.PushFront(&cacheItem{id: id, img: img})
	}
	c.bytes += size
	for c.bytes > c.maxBytes {
		oldest := c.order.Back()
		item := oldest.Value.(*cacheItem)
		c.order.Remove(oldest)
		delete(c.byID, item.id)
		c.bytes -= int64(len(item.img.body))
	}
}
