package revue

import (
	"cmp"
	"errors"
	"slices"
	"time"
)

// ErrConflict is returned (wrapped) when an action does not fit the
// current state, such as confirming the block of an image that is shown.
var ErrConflict = errors.New("not possible in the current state")

// Why a reader reports an image: the choices the report form offers.
const (
	ReasonShocking   = "shocking"   // violent, gory or otherwise shocking
	ReasonSexual     = "sexual"     // nudity or sexual content
	ReasonPrivacy    = "privacy"    // shows someone who did not agree, or private details
	ReasonMisleading = "misleading" // unrelated to the article or a manipulated picture
	ReasonOther      = "other"
)

// ReportReasons lists the reasons a report may give, in the form's order;
// a report may also give none ("").
var ReportReasons = []string{ReasonShocking, ReasonSexual, ReasonPrivacy, ReasonMisleading, ReasonOther}

// ImageReport is one reader's report of an image.
type ImageReport struct {
	ImageID int64
	// Reporter identifies the reader without naming them: a keyed hash of
	// their network address, the same for every report they make.
	Reporter string
	Reason   string // one of ReportReasons, or ""
	Note     string // the reader's own words, plain text, may be empty
	At       time.Time
}

// ReportResult is what Store.ReportImage did with a report.
type ReportResult struct {
	// Counted is false when this reporter had already reported the picture
	// (under this record or a copy, in any wave): a reader counts once.
	Counted bool
	// Reports is the picture's distinct reporters in the current wave,
	// over all its copies, this one included.
	Reports int
	// Status is the picture's status after the report.
	Status ImageStatus
	// Blocked lists, by ID, the image records this report blocked: empty
	// unless it was the one that reached the threshold.
	Blocked []int64
}

// Who blocked an image.
const (
	BlockedByReports   = "reports"   // readers' reports reached the threshold
	BlockedByModerator = "moderator" // a moderator, by hand
)

// ImageModeration is where an image stands with readers and moderators.
// The copies of one picture (records with the same content SHA-256) share
// it: a block, a restore or a confirmation covers them all.
type ImageModeration struct {
	// WaveReports is this record's distinct reporters since the picture
	// was last restored (a restore starts a new wave).
	WaveReports int
	BlockedBy   string // BlockedByReports, BlockedByModerator, or "" when shown
	// Pending is set while the picture awaits a moderator: reported since
	// a moderator last acted, or blocked by readers and not yet confirmed.
	Pending      bool
	LastReportAt time.Time
}

// Moderation actions, as ModerationAction.Action and in the log.
const (
	// ActionRestore shows the picture again and starts a new wave: its
	// reporters so far can never count against it again.
	ActionRestore = "restore"
	// ActionConfirm keeps a blocked picture blocked and off the queue.
	ActionConfirm = "confirm"
	// ActionBlock blocks the picture by hand.
	ActionBlock = "block"
	// ActionAutoBlock is logged when readers' reports reach the threshold.
	ActionAutoBlock = "auto-block"
)

// ModerationAction is one moderator's decision about an image; it covers
// every copy of the picture.
type ModerationAction struct {
	ImageID   int64
	Action    string // ActionRestore, ActionConfirm or ActionBlock
	Moderator string // the admin's name
	Note      string
	At        time.Time
}

// ModerationEntry is one line of the moderation log.
type ModerationEntry struct {
	ID        int64
	ImageID   int64
	Action    string
	Moderator string // "" for ActionAutoBlock: the readers' reports decided
	Note      string
	Images    int // image records the action changed
	At        time.Time
}

// Which pictures ModerationQuery.Filter selects.
const (
	QueuePending = "pending" // awaiting a moderator
	QueueBlocked = "blocked" // blocked, by readers or by hand
	QueueAll     = "all"     // ever reported, or blocked
)

// ModerationQuery selects pictures for the moderation queue.
type ModerationQuery struct {
	Filter string // QueuePending (the default), QueueBlocked or QueueAll
	Limit  int    // default 50, at most 500
}

// ModerationItem is one picture in the queue: its first record (the lowest
// ID among its copies) and what was said and done about all of them.
type ModerationItem struct {
	Image      Image // with Content and Moderation filled; Moderation.WaveReports and Reports summed over the copies
	Copies     []int64
	Reasons    []ReasonCount // current wave, most given first
	Notes      []ImageReport // the latest reports with a note, newest first (Reporter left empty)
	Articles   []ArticleRef  // newest first, at most 10
	ArticleSum int           // articles showing any copy
}

// ReasonCount is how many reporters gave one reason.
type ReasonCount struct {
	Reason string
	Count  int
}

// ArticleRef names an article for lists that link to it.
type ArticleRef struct {
	ID          int64
	Title       string
	SourceName  string
	PublishedAt time.Time
}

// AdminSession is a signed-in administrator's session, kept in the store
// so that every web replica knows it.
type AdminSession struct {
	// ID is the SHA-256 (hex) of the token in the browser's cookie: a
	// stolen database gives no usable cookie.
	ID        string
	Admin     string
	CSRFToken string // the forms' token for this session
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SourceDay counts one source's articles published on one day.
type SourceDay struct {
	Day        time.Time // midnight UTC
	SourceID   int64
	SourceName string
	Articles   int
}

// FetchDay counts the feed fetches of one day and how many failed.
type FetchDay struct {
	Day     time.Time // midnight UTC
	Fetches int
	Errors  int
}

// PictureItem makes one queue item of a picture's records, lowest ID
// first: the first record stands for the picture, counts are summed over
// all, and the picture counts as blocked or pending when any record is.
// Both stores build their queue with it.
func PictureItem(records []Image) ModerationItem {
	if len(records) == 0 {
		return ModerationItem{}
	}
	item := ModerationItem{Image: records[0]}
	m := &item.Image.Moderation
	for i, r := range records {
		if i > 0 {
			item.Copies = append(item.Copies, r.ID)
			item.Image.Reports += r.Reports
			m.WaveReports += r.Moderation.WaveReports
			m.Pending = m.Pending || r.Moderation.Pending
			if r.Moderation.LastReportAt.After(m.LastReportAt) {
				m.LastReportAt = r.Moderation.LastReportAt
			}
		}
		if r.Status == ImageBlocked && item.Image.Status != ImageBlocked {
			item.Image.Status, m.BlockedBy = ImageBlocked, r.Moderation.BlockedBy
		}
	}
	return item
}

// InQueue reports whether item belongs in the queue filter selects.
func InQueue(item ModerationItem, filter string) bool {
	switch filter {
	case QueueAll:
		return true
	case QueueBlocked:
		return item.Image.Status == ImageBlocked
	}
	return item.Image.Moderation.Pending
}

// SortQueue orders items as ModerationQueue returns them (awaiting a
// moderator first, then the latest reported, then the newest record) and
// keeps the first limit (default 50, at most 500).
func SortQueue(items []ModerationItem, limit int) []ModerationItem {
	slices.SortFunc(items, func(a, b ModerationItem) int {
		ma, mb := a.Image.Moderation, b.Image.Moderation
		if ma.Pending != mb.Pending {
			if ma.Pending {
				return -1
			}
			return 1
		}
		if c := mb.LastReportAt.Compare(ma.LastReportAt); c != 0 {
			return c
		}
		return cmp.Compare(b.Image.ID, a.Image.ID)
	})
	switch {
	case limit <= 0:
		limit = 50
	case limit > 500:
		limit = 500
	}
	if len(items) > limit {
		items = items[:limit]
	}
	return items
}

// ImageCounts is where the store's images stand, for the dashboard and
// the metrics.
type ImageCounts struct {
	// Pending is the pictures awaiting a moderator (copies of one picture,
	// the same content SHA-256, count once), as ModerationQueue lists them.
	Pending int
	// Blocked is the image records blocked, each copy counted.
	Blocked int
}
