package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"revue"
)

var imageTests = []storeTest{
	{"the content the proxy fetched is recorded and read back", testImageContent},
	{"recording the content of a missing image is ErrNotFound", testImageContentMissing},
	{"a malformed hash or a type that is no image is refused", testImageContentRefused},
	{"ImagesBySHA256 lists every copy of one picture", testImagesBySHA256},
}

// sumOf is the hex SHA-256 the proxy records for some bytes.
func sumOf(s string) string {
	b := sha256.Sum256([]byte(s))
	return hex.EncodeToString(b[:])
}

// saveImages stores one article showing images at these URLs and returns
// the images as stored, in that order.
func saveImages(t *testing.T, st revue.Store, images ...revue.Image) []revue.Image {
	t.Helper()
	src := mustAddSource(t, st, "Le Matin", t0)
	a := newArticle("pictures", t0)
	a.Images = images
	saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)[0]
	if len(saved.Images) != len(images) {
		t.Fatalf("saved %d images, want %d", len(saved.Images), len(images))
	}
	return saved.Images
}

func mustGetImage(t *testing.T, st revue.Store, id int64) revue.Image {
	t.Helper()
	img, err := st.GetImage(t.Context(), id)
	if err != nil {
		t.Fatalf("GetImage(%d): %v", id, err)
	}
	return img
}

func testImageContent(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := saveImages(t, st,
		revue.Image{URL: "https://img.example/a.jpg", Alt: "Un hôpital de campagne", Width: 640, Height: 480},
		revue.Image{URL: "https://img.example/b.png"})
	a, b := images[0], images[1]
	if got := mustGetImage(t, st, a.ID); got.Content != (revue.ImageContent{}) {
		t.Errorf("an image never fetched has content %+v, want none", got.Content)
	}

	first := revue.ImageContent{SHA256: sumOf("first picture"), Type: "image/jpeg", FetchedAt: t0}
	later := revue.ImageContent{SHA256: sumOf("picture replaced at the source"), Type: "image/webp", FetchedAt: t0.Add(36 * time.Hour)}
	for _, c := range []revue.ImageContent{first, later} {
		if _, err := st.RecordImageContent(ctx, a.ID, c); err != nil {
			t.Fatalf("RecordImageContent(%d, %+v): %v", a.ID, c, err)
		}
		got := mustGetImage(t, st, a.ID)
		if got.Content.SHA256 != c.SHA256 || got.Content.Type != c.Type {
			t.Errorf("after recording %+v: GetImage content %+v", c, got.Content)
		}
		checkTime(t, "Content.FetchedAt", got.Content.FetchedAt, c.FetchedAt)
		// Recording the content changes nothing else of the record.
		got.Content = revue.ImageContent{}
		if want := (revue.Image{ID: a.ID, URL: a.URL, Status: revue.ImageOK, Alt: "Un hôpital de campagne", Width: 640, Height: 480}); got != want {
			t.Errorf("after recording the content: GetImage = %+v, want %+v", got, want)
		}
	}
	if got := mustGetImage(t, st, b.ID); got.Content != (revue.ImageContent{}) {
		t.Errorf("recording image %d's content gave image %d content %+v", a.ID, b.ID, got.Content)
	}
}

func testImageContentMissing(t *testing.T, st revue.Store) {
	images := saveImages(t, st, revue.Image{URL: "https://img.example/a.jpg"})
	_, err := st.RecordImageContent(t.Context(), images[0].ID+1, revue.ImageContent{SHA256: sumOf("x"), Type: "image/png", FetchedAt: t0})
	if !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("RecordImageContent(%d) of a missing image: error %v, want ErrNotFound", images[0].ID+1, err)
	}
}

func testImageContentRefused(t *testing.T, st revue.Store) {
	ctx := t.Context()
	img := saveImages(t, st, revue.Image{URL: "https://img.example/a.jpg"})[0]
	good := revue.ImageContent{SHA256: sumOf("a picture"), Type: "image/jpeg", FetchedAt: t0}
	if _, err := st.RecordImageContent(ctx, img.ID, good); err != nil {
		t.Fatalf("RecordImageContent(%+v): %v", good, err)
	}
	tests := []struct {
		name string
		edit func(*revue.ImageContent)
	}{
		{"upper-case hex", func(c *revue.ImageContent) { c.SHA256 = strings.ToUpper(c.SHA256) }},
		{"63 digits", func(c *revue.ImageContent) { c.SHA256 = c.SHA256[:63] }},
		{"65 digits", func(c *revue.ImageContent) { c.SHA256 += "0" }},
		{"not hex", func(c *revue.ImageContent) { c.SHA256 = "g" + c.SHA256[1:] }},
		{"base64, not hex", func(c *revue.ImageContent) { c.SHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }},
		{"a web page", func(c *revue.ImageContent) { c.Type = "text/html" }},
		{"no subtype", func(c *revue.ImageContent) { c.Type = "image/" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := revue.ImageContent{SHA256: sumOf("another picture"), Type: "image/png", FetchedAt: t0.Add(time.Hour)}
			tc.edit(&bad)
			if _, err := st.RecordImageContent(ctx, img.ID, bad); err == nil {
				t.Errorf("RecordImageContent(%+v) succeeded, want an error", bad)
			}
			got := mustGetImage(t, st, img.ID)
			if got.Content.SHA256 != good.SHA256 || got.Content.Type != good.Type {
				t.Errorf("a refused record changed the content to %+v", got.Content)
			}
		})
	}
}

func testImagesBySHA256(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := saveImages(t, st,
		revue.Image{URL: "https://img.example/a.jpg"},
		revue.Image{URL: "https://img.example/b.jpg"},
		revue.Image{URL: "https://cdn.example/a-copy.jpg?w=640"},
		revue.Image{URL: "https://img.example/never-fetched.jpg"})
	record := func(img revue.Image, picture string) {
		t.Helper()
		if _, err := st.RecordImageContent(ctx, img.ID, revue.ImageContent{SHA256: sumOf(picture), Type: "image/jpeg", FetchedAt: t0}); err != nil {
			t.Fatalf("RecordImageContent(%d): %v", img.ID, err)
		}
	}
	check := func(when, sum string, want ...revue.Image) {
		t.Helper()
		got, err := st.ImagesBySHA256(ctx, sum)
		if err != nil {
			t.Fatalf("%s: ImagesBySHA256(%q): %v", when, sum, err)
		}
		var wantIDs []int64
		for _, img := range want {
			wantIDs = append(wantIDs, img.ID)
		}
		slices.Sort(wantIDs) // by ID, not by position in the article
		if len(got) != 0 || len(wantIDs) != 0 {
			if !slices.Equal(got, wantIDs) {
				t.Errorf("%s: ImagesBySHA256(%q) = %v, want %v", when, sum, got, wantIDs)
			}
		}
	}
	record(images[0], "the minister")
	record(images[1], "the hospital")
	record(images[2], "the minister")
	check("two URLs, one picture", sumOf("the minister"), images[0], images[2])
	check("two URLs, one picture", sumOf("the hospital"), images[1])
	check("a picture nobody showed", sumOf("elsewhere"))
	check("images never fetched are no copies", "")

	record(images[0], "the hospital") // the source replaced its picture
	check("after the source replaced a picture", sumOf("the minister"), images[2])
	check("after the source replaced a picture", sumOf("the hospital"), images[0], images[1])
}
