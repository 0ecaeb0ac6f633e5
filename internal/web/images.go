package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"revue"
	"revue/internal/imagecache"
)

// imageCSP forbids everything: an image needs no script, style or frame.
const imageCSP = "default-src 'none'"

// imageCacheControl lets browsers keep a picture a week, and shared caches
// (a CDN in front of the portal) only an hour: a picture blocked after
// readers reported it must stop reaching new readers soon, and the ETag
// makes each revalidation cheap.
const imageCacheControl = "public, max-age=604800, s-maxage=3600"

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

// gone answers for a blocked image: never its bytes, never cached.
func gone(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "this image was blocked after readers reported it", http.StatusGone)
}

func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		http.Error(w, "no such image", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Security-Policy", imageCSP)
	// The status is read on every request, so a block takes effect at
	// once, also for a picture already in the cache, in this process or
	// any other, before or after a restart.
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
		gone(w)
		return
	}
	pic, err := s.picture(r.Context(), img)
	if err != nil && r.Context().Err() != nil {
		return // the reader left; the fetch goes on for the others
	}
	if errors.Is(err, errPictureBlocked) {
		gone(w)
		return
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "the image proxy has nothing to show", "id", id, "url", img.URL, "err", err)
		unavailable(w)
		return
	}
	h := w.Header()
	h.Set("Content-Type", pic.content.Type)
	h.Set("ETag", `"`+pic.content.SHA256+`"`)
	h.Set("Cache-Control", imageCacheControl)
	// ServeContent answers If-None-Match and If-Modified-Since with 304,
	// HEAD without a body, and sets Content-Length and Last-Modified.
	http.ServeContent(w, r, "", pic.content.FetchedAt, bytes.NewReader(pic.body))
}

// errPictureBlocked: the bytes fetched are a picture blocked under
// another address.
var errPictureBlocked = errors.New("this picture is blocked under another address")

// picture is an image's bytes and what they are.
type picture struct {
	body    []byte
	content revue.ImageContent
}

// picture returns img's bytes from the disk cache, or else fetches them
// once however many readers ask at the same time.
func (s *Server) picture(ctx context.Context, img revue.Image) (picture, error) {
	if c := img.Content; c.SHA256 != "" && c.Type != "" {
		body, err := s.cache.Get(c.SHA256)
		if err == nil {
			return picture{body: body, content: c}, nil
		}
		if !errors.Is(err, imagecache.ErrNotCached) || errors.Is(err, imagecache.ErrCorrupt) {
			s.log.WarnContext(ctx, "the image cache failed; fetching the picture again", "id", img.ID, "err", err)
		}
	}
	// The fetch outlives a reader who leaves: the others waiting for it,
	// and the next reader, still want the picture.
	ch := s.fetches.DoChan(strconv.FormatInt(img.ID, 10), func() (any, error) {
		return s.fetchPicture(context.WithoutCancel(ctx), img)
	})
	select {
	case <-ctx.Done():
		return picture{}, context.Cause(ctx)
	case res := <-ch:
		if res.Err != nil {
			return picture{}, res.Err
		}
		return res.Val.(picture), nil
	}
}

// fetchPicture fetches img from its source, refuses anything but a raster
// image, keeps it on disk and records its hash.
func (s *Server) fetchPicture(ctx context.Context, img revue.Image) (picture, error) {
	declared, body, err := s.images.FetchImage(ctx, img.URL)
	if err != nil {
		return picture{}, err
	}
	ct, ok := imageContentType(declared, body)
	if !ok {
		return picture{}, fmt.Errorf("refusing what %s sent: not a raster image (declared %q, the bytes look like %q)",
			img.URL, declared, http.DetectContentType(body))
	}
	sum, err := s.cache.Put(body)
	if err != nil {
		s.log.WarnContext(ctx, "the image cache could not keep a picture", "id", img.ID, "err", err)
	}
	content := revue.ImageContent{SHA256: sum, Type: ct, FetchedAt: s.now().UTC()}
	if sum == img.Content.SHA256 && ct == img.Content.Type {
		// Unchanged at the source: revalidations by date still match.
		return picture{body: body, content: img.Content}, nil
	}
	status, err := s.store.RecordImageContent(ctx, img.ID, content)
	if err != nil {
		// The reader still gets the picture; the next one fetches it again.
		s.log.WarnContext(ctx, "recording a fetched picture's hash", "id", img.ID, "err", err)
	}
	if status == revue.ImageBlocked {
		// The same picture was blocked under another address.
		return picture{}, errPictureBlocked
	}
	return picture{body: body, content: content}, nil
}

// imageContentType decides what a fetched file is. Both the source's
// Content-Type and the bytes must say image, and the type served is the
// one the bytes show: Go's sniffer knows raster formats only, so SVG,
// which can carry script, is refused whatever it is declared as, and so
// is anything behind a lying Content-Type.
func imageContentType(declared string, body []byte) (string, bool) {
	if len(body) == 0 {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(declared)
	if err != nil || !strings.HasPrefix(mt, "image/") {
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
