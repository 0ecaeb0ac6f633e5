package web

import (
	"math"
	"strconv"
	"strings"
	"time"

	"revue"
)

// Article is the public JSON form of an article (API, `revue search --json`).
// The field set is part of the contract: change it only with DESIGN.md.
type Article struct {
	ID          int64         `json:"id"`
	Title       string        `json:"title"`
	URL         string        `json:"url"`
	Source      ArticleSource `json:"source"`
	PublishedAt string        `json:"published_at"`
	Lang        string        `json:"lang"`
	Section     string        `json:"section"`
	Regions     []string      `json:"regions"`
	StoryID     int64         `json:"story_id"`
	Byline      string        `json:"byline"`
	Summary     string        `json:"summary"`
	ContentHTML string        `json:"content_html"`
	Images      []Image       `json:"images"`
	// DateEstimated and AlsoPublishedIn go beyond DESIGN.md's article
	// fields: the feed gave no date and published_at is Revue's estimate;
	// the other outlets that carried the same article, each with its link.
	DateEstimated   bool     `json:"date_estimated"`
	AlsoPublishedIn []Credit `json:"also_published_in"`
}

// Credit is another outlet that published an article, with its own link.
type Credit struct {
	Source ArticleSource `json:"source"`
	URL    string        `json:"url"`
}

// ArticleSource names the source an article came from.
type ArticleSource struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Image is an article image as the API shows it: where the source put it,
// and the portal's proxy, the only address pages use.
type Image struct {
	ID       int64  `json:"id"`
	URL      string `json:"url"`
	ProxyURL string `json:"proxy_url"`
	Status   string `json:"status"`
}

// Source is the public JSON form of a source (API, `revue sources list --json`).
type Source struct {
	ID                  int64   `json:"id"`
	Name                string  `json:"name"`
	FeedURL             string  `json:"feed_url"`
	SiteURL             string  `json:"site_url"`
	Lang                string  `json:"lang"`
	Section             string  `json:"section"`
	Region              string  `json:"region"`
	Enabled             bool    `json:"enabled"`
	LastStatus          int     `json:"last_status"`
	LastError           string  `json:"last_error"`
	ConsecutiveFailures int     `json:"consecutive_failures"`
	LastSuccessAt       *string `json:"last_success_at"`
	NextFetchAt         *string `json:"next_fetch_at"`
	Articles            int64   `json:"articles"`
	// ItemsPerDay goes beyond DESIGN.md's source fields: the publishing
	// rate the schedule is learned from, part of a source's health.
	ItemsPerDay float64 `json:"items_per_day"`
}

// List is the envelope of paginated list endpoints; Next is "" on the last page.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}

// ArticleJSON converts a stored article; baseURL (no trailing slash needed)
// makes the image proxy URLs absolute.
func ArticleJSON(a revue.Article, baseURL string) Article {
	base := strings.TrimRight(baseURL, "/")
	regions := a.Regions
	if regions == nil {
		regions = []string{}
	}
	images := make([]Image, 0, len(a.Images))
	for _, img := range a.Images {
		images = append(images, Image{
			ID:       img.ID,
			URL:      img.URL,
			ProxyURL: base + imagePath(img.ID),
			Status:   string(img.Status),
		})
	}
	credits := make([]Credit, 0, len(a.Credits))
	for _, c := range a.Credits {
		credits = append(credits, Credit{Source: ArticleSource{ID: c.SourceID, Name: c.SourceName}, URL: c.URL})
	}
	return Article{
		ID:              a.ID,
		Title:           a.Title,
		URL:             a.URL,
		Source:          ArticleSource{ID: a.SourceID, Name: a.SourceName},
		PublishedAt:     rfc3339(a.PublishedAt),
		Lang:            a.Lang,
		Section:         a.Section,
		Regions:         regions,
		StoryID:         a.StoryID,
		Byline:          a.Byline,
		Summary:         a.Summary,
		ContentHTML:     a.ContentHTML,
		Images:          images,
		DateEstimated:   a.DateEstimated,
		AlsoPublishedIn: credits,
	}
}

// SourceJSON converts a stored source; zero times become null.
func SourceJSON(s revue.Source) Source {
	return Source{
		ID:                  s.ID,
		Name:                s.Name,
		FeedURL:             s.FeedURL,
		SiteURL:             s.SiteURL,
		Lang:                s.Lang,
		Section:             s.Section,
		Region:              s.Region,
		Enabled:             s.Enabled,
		LastStatus:          s.LastStatus,
		LastError:           s.LastError,
		ConsecutiveFailures: s.ConsecutiveFailures,
		LastSuccessAt:       optionalRFC3339(s.LastSuccessAt),
		NextFetchAt:         optionalRFC3339(s.NextFetchAt),
		Articles:            s.Articles,
		ItemsPerDay:         math.Round(s.ItemsPerDay*10) / 10,
	}
}

func imagePath(id int64) string { return "/images/" + strconv.FormatInt(id, 10) }

// rfc3339 keeps the stored microseconds so consumers can compare times exactly.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func optionalRFC3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := rfc3339(t)
	return &s
}
