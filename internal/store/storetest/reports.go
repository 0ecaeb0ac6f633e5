package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"revue"
)

var reportTests = []storeTest{
	{"a reader reporting ten times is one report", testReportOncePerReader},
	{"the threshold blocks every copy of the picture, once", testReportThresholdBlocksCopies},
	{"a reader who reported one copy does not count again on another", testReportAcrossCopies},
	{"a restored picture is not blocked again by the same reporters", testRestoreStartsANewWave},
	{"threshold 0 never blocks", testReportThresholdOff},
	{"a report of a missing image is ErrNotFound", testReportMissing},
	{"a picture blocked under one URL is blocked under another once fetched", testBlockedPictureUnderNewURL},
	{"1000 concurrent reports of one image leave an exact count", testConcurrentReports},
}

var moderationTests = []storeTest{
	{"moderators block by hand, confirm and restore every copy", testModerationActions},
	{"the queue shows what moderators need, awaiting first", testModerationQueue},
	{"the log keeps who did what and when", testModerationLog},
	{"the counts of pictures awaiting a moderator and of blocked records", testCountImages},
}

func testCountImages(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "picture A", "https://cdn.example/a.jpg": "picture A"},
		"https://img.example/a.jpg", "https://cdn.example/a.jpg", "https://img.example/b.jpg", "https://img.example/c.jpg")
	a1, b := images[0], images[2]
	count := func(when string, want revue.ImageCounts) {
		t.Helper()
		got, err := st.CountImages(ctx)
		if err != nil {
			t.Fatalf("CountImages: %v", err)
		}
		if got != want {
			t.Errorf("%s: %+v, want %+v", when, got, want)
		}
	}
	count("before any report", revue.ImageCounts{})
	report(t, st, a1.ID, "reader-1", t0)
	count("one copy of A reported", revue.ImageCounts{Pending: 1})
	report(t, st, images[1].ID, "reader-2", t0)
	count("A's other copy reported by another reader", revue.ImageCounts{Pending: 1})
	for _, r := range []string{"reader-1", "reader-2", "reader-3"} {
		report(t, st, b.ID, r, t0)
	}
	count("B blocked by readers", revue.ImageCounts{Pending: 2, Blocked: 1})
	if _, err := st.ModerateImage(ctx, revue.ModerationAction{ImageID: b.ID, Action: revue.ActionConfirm, Moderator: "leila", At: t0}); err != nil {
		t.Fatal(err)
	}
	count("B's block confirmed", revue.ImageCounts{Pending: 1, Blocked: 1})
	if _, err := st.ModerateImage(ctx, revue.ModerationAction{ImageID: a1.ID, Action: revue.ActionBlock, Moderator: "leila", At: t0}); err != nil {
		t.Fatal(err)
	}
	count("A blocked by hand, both copies", revue.ImageCounts{Pending: 0, Blocked: 3})
}

const threshold = 3

// picture stores two articles of two sources showing images at these
// URLs (the first article all of them, the second the first one) and
// records content for each: images with the same content are copies of
// one picture.
func picture(t *testing.T, st revue.Store, contents map[string]string, urls ...string) []revue.Image {
	t.Helper()
	var given []revue.Image
	for _, u := range urls {
		given = append(given, revue.Image{URL: u})
	}
	lematin := mustAddSource(t, st, "Le Matin", t0)
	hespress := mustAddSource(t, st, "Hespress", t0)
	a := newArticle("with-pictures", t0)
	a.Images = given
	images := mustSave(t, st, lematin.ID, []revue.Article{a}, t0)[0].Images
	b := newArticle("same-lead-picture", t0.Add(time.Hour))
	b.Images = given[:1]
	mustSave(t, st, hespress.ID, []revue.Article{b}, t0)
	for _, img := range images {
		if c, ok := contents[img.URL]; ok {
			if _, err := st.RecordImageContent(t.Context(), img.ID, revue.ImageContent{SHA256: sumOf(c), Type: "image/jpeg", FetchedAt: t0}); err != nil {
				t.Fatalf("RecordImageContent(%d): %v", img.ID, err)
			}
		}
	}
	return images
}

func report(t *testing.T, st revue.Store, id int64, reporter string, at time.Time) revue.ReportResult {
	t.Helper()
	res, err := st.ReportImage(t.Context(), revue.ImageReport{ImageID: id, Reporter: reporter, Reason: revue.ReasonShocking, At: at}, threshold)
	if err != nil {
		t.Fatalf("ReportImage(%d, %s): %v", id, reporter, err)
	}
	return res
}

func checkStatus(t *testing.T, st revue.Store, when string, want revue.ImageStatus, images ...revue.Image) {
	t.Helper()
	for _, img := range images {
		if got := mustGetImage(t, st, img.ID).Status; got != want {
			t.Errorf("%s: image %d (%s) is %s, want %s", when, img.ID, img.URL, got, want)
		}
	}
}

func testReportOncePerReader(t *testing.T, st revue.Store) {
	img := picture(t, st, nil, "https://img.example/a.jpg")[0]
	for i := range 10 {
		res := report(t, st, img.ID, "reader-1", t0.Add(time.Duration(i)*time.Minute))
		if res.Counted != (i == 0) || res.Reports != 1 || res.Status != revue.ImageOK || len(res.Blocked) != 0 {
			t.Errorf("report %d of one reader: %+v, want counted only the first time, 1 report, shown", i+1, res)
		}
	}
	got := mustGetImage(t, st, img.ID)
	if got.Reports != 1 || got.Moderation.WaveReports != 1 || !got.Moderation.Pending {
		t.Errorf("after ten reports by one reader: %+v, want 1 report, pending", got)
	}
	checkTime(t, "LastReportAt", got.Moderation.LastReportAt, t0)
}

func testReportThresholdBlocksCopies(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := picture(t, st, map[string]string{
		"https://img.example/minister.jpg":      "the minister",
		"https://cdn.example/minister-copy.jpg": "the minister",
		"https://img.example/other-picture.jpg": "the hospital",
	}, "https://img.example/minister.jpg", "https://cdn.example/minister-copy.jpg", "https://img.example/other-picture.jpg")
	minister, copyOf, other := images[0], images[1], images[2]

	for i, reporter := range []string{"reader-1", "reader-2"} {
		if res := report(t, st, minister.ID, reporter, t0); res.Reports != i+1 || res.Status != revue.ImageOK || len(res.Blocked) != 0 {
			t.Fatalf("report %d: %+v, want %d reports and the picture shown", i+1, res, i+1)
		}
	}
	checkStatus(t, st, "below the threshold", revue.ImageOK, minister, copyOf, other)
	// The third distinct reader reports the copy: the picture's count.
	res := report(t, st, copyOf.ID, "reader-3", t0.Add(time.Minute))
	want := []int64{minister.ID, copyOf.ID}
	slices.Sort(want)
	if !res.Counted || res.Reports != 3 || res.Status != revue.ImageBlocked || !slices.Equal(res.Blocked, want) {
		t.Fatalf("the third reader's report: %+v, want counted, 3 reports, blocked %v", res, want)
	}
	checkStatus(t, st, "at the threshold", revue.ImageBlocked, minister, copyOf)
	checkStatus(t, st, "at the threshold", revue.ImageOK, other)
	if got := mustGetImage(t, st, minister.ID).Moderation; got.BlockedBy != revue.BlockedByReports || !got.Pending {
		t.Errorf("blocked by readers: moderation %+v, want blocked by reports and awaiting a moderator", got)
	}
	// Every article showing it sees it blocked.
	page, err := st.ListArticles(ctx, revue.ArticleQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Items {
		for _, img := range a.Images {
			if (img.ID == minister.ID || img.ID == copyOf.ID) != (img.Status == revue.ImageBlocked) {
				t.Errorf("article %d lists image %d as %s", a.ID, img.ID, img.Status)
			}
		}
	}
	// A fourth reader is counted but blocks nothing more.
	if res := report(t, st, minister.ID, "reader-4", t0.Add(2*time.Minute)); !res.Counted || res.Reports != 4 || len(res.Blocked) != 0 || res.Status != revue.ImageBlocked {
		t.Errorf("a report after the block: %+v", res)
	}
	log, err := st.ModerationLog(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != revue.ActionAutoBlock || log[0].Moderator != "" || log[0].Images != 2 || log[0].ImageID != copyOf.ID {
		t.Errorf("moderation log %+v, want one automatic block of 2 records, made by the report of image %d", log, copyOf.ID)
	}
}

func testReportAcrossCopies(t *testing.T, st revue.Store) {
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "one picture", "https://img.example/b.jpg": "one picture"},
		"https://img.example/a.jpg", "https://img.example/b.jpg")
	report(t, st, images[0].ID, "reader-1", t0)
	if res := report(t, st, images[1].ID, "reader-1", t0); res.Counted || res.Reports != 1 {
		t.Errorf("the same reader on a copy: %+v, want not counted, 1 report", res)
	}
}

func testRestoreStartsANewWave(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "one picture", "https://img.example/b.jpg": "one picture"},
		"https://img.example/a.jpg", "https://img.example/b.jpg")
	first := []string{"reader-1", "reader-2", "reader-3"}
	for _, r := range first {
		report(t, st, images[0].ID, r, t0)
	}
	checkStatus(t, st, "after the first wave", revue.ImageBlocked, images...)
	ids, err := st.ModerateImage(ctx, revue.ModerationAction{ImageID: images[1].ID, Action: revue.ActionRestore, Moderator: "leila", At: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Errorf("restore covered %v, want both copies", ids)
	}
	checkStatus(t, st, "restored", revue.ImageOK, images...)
	got := mustGetImage(t, st, images[0].ID)
	if got.Moderation.WaveReports != 0 || got.Reports != 3 || got.Moderation.Pending || got.Moderation.BlockedBy != "" {
		t.Errorf("restored: %+v, want a new wave with no report, 3 reports in all, nothing pending", got)
	}
	// The same readers, on either copy, again and again: nothing.
	for range 3 {
		for _, r := range first {
			for _, img := range images {
				if res := report(t, st, img.ID, r, t0.Add(2*time.Hour)); res.Counted || res.Status != revue.ImageOK {
					t.Fatalf("%s reporting again after the restore: %+v", r, res)
				}
			}
		}
	}
	checkStatus(t, st, "the same reporters again", revue.ImageOK, images...)
	// A new wave of distinct readers blocks it again.
	for i, r := range []string{"reader-4", "reader-5", "reader-6"} {
		res := report(t, st, images[i%2].ID, r, t0.Add(3*time.Hour))
		if res.Reports != i+1 {
			t.Errorf("new wave, report %d: %d reports, want %d", i+1, res.Reports, i+1)
		}
	}
	checkStatus(t, st, "after a new wave", revue.ImageBlocked, images...)
	// The queue tells the moderator about this wave: its 3 reasons, not
	// the 6 given since the picture was first reported.
	queue, err := st.ModerationQueue(ctx, revue.ModerationQuery{Filter: revue.QueueBlocked})
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 1 || len(queue[0].Reasons) != 1 || queue[0].Reasons[0] != (revue.ReasonCount{Reason: revue.ReasonShocking, Count: 3}) ||
		queue[0].Image.Moderation.WaveReports != 3 || queue[0].Image.Reports != 6 {
		t.Errorf("queue after the second wave: %+v, want this wave's 3 shocking reports of 6 in all", queue)
	}
}

func testReportThresholdOff(t *testing.T, st revue.Store) {
	img := picture(t, st, nil, "https://img.example/a.jpg")[0]
	for i := range 5 {
		res, err := st.ReportImage(t.Context(), revue.ImageReport{ImageID: img.ID, Reporter: fmt.Sprint("reader-", i), At: t0}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != revue.ImageOK || res.Reports != i+1 {
			t.Errorf("threshold 0, report %d: %+v", i+1, res)
		}
	}
}

func testReportMissing(t *testing.T, st revue.Store) {
	img := picture(t, st, nil, "https://img.example/a.jpg")[0]
	_, err := st.ReportImage(t.Context(), revue.ImageReport{ImageID: img.ID + 100, Reporter: "reader-1", At: t0}, threshold)
	if !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("ReportImage of a missing image: %v, want ErrNotFound", err)
	}
	_, err = st.ModerateImage(t.Context(), revue.ModerationAction{ImageID: img.ID + 100, Action: revue.ActionBlock, Moderator: "leila", At: t0})
	if !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("ModerateImage of a missing image: %v, want ErrNotFound", err)
	}
	_, err = st.ReportImage(t.Context(), revue.ImageReport{ImageID: img.ID, Reporter: "reader-1", Reason: "boring", At: t0}, threshold)
	if err == nil {
		t.Error("a report with a reason not in ReportReasons was stored")
	}
}

func testBlockedPictureUnderNewURL(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "shocking picture"},
		"https://img.example/a.jpg", "https://mirror.example/a.jpg", "https://img.example/b.jpg")
	if _, err := st.ModerateImage(ctx, revue.ModerationAction{ImageID: images[0].ID, Action: revue.ActionBlock, Moderator: "leila", At: t0}); err != nil {
		t.Fatal(err)
	}
	status, err := st.RecordImageContent(ctx, images[1].ID, revue.ImageContent{SHA256: sumOf("shocking picture"), Type: "image/jpeg", FetchedAt: t0})
	if err != nil || status != revue.ImageBlocked {
		t.Errorf("the blocked picture fetched under a new URL: %s, %v; want blocked", status, err)
	}
	if got := mustGetImage(t, st, images[1].ID).Moderation.BlockedBy; got != revue.BlockedByModerator {
		t.Errorf("the new copy is blocked by %q, want as the picture: %q", got, revue.BlockedByModerator)
	}
	status, err = st.RecordImageContent(ctx, images[2].ID, revue.ImageContent{SHA256: sumOf("another picture"), Type: "image/jpeg", FetchedAt: t0})
	if err != nil || status != revue.ImageOK {
		t.Errorf("another picture: %s, %v; want ok", status, err)
	}
}

// testConcurrentReports sends 1000 reports of one image at once, by 800
// distinct readers (200 of them twice): the count is exact and exactly one
// report blocks.
func testConcurrentReports(t *testing.T, st revue.Store) {
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "one picture", "https://cdn.example/a.jpg": "one picture"},
		"https://img.example/a.jpg", "https://cdn.example/a.jpg")
	const reports, readers = 1000, 800
	// A store whose reports wait on each other forever fails, not hangs.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var blockers, counted int
	runConcurrently(t, reports, func(i int) error {
		img := images[i%2]
		res, err := st.ReportImage(ctx, revue.ImageReport{ImageID: img.ID, Reporter: fmt.Sprintf("reader-%03d", i%readers),
			Reason: revue.ReportReasons[i%len(revue.ReportReasons)], At: t0.Add(time.Duration(i) * time.Millisecond)}, threshold)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if len(res.Blocked) > 0 {
			blockers++
		}
		if res.Counted {
			counted++
		}
		return nil
	})
	if blockers != 1 || counted != readers {
		t.Errorf("%d reports by %d readers: %d blocked, %d counted; want 1 and %d", reports, readers, blockers, counted, readers)
	}
	total := 0
	for _, img := range images {
		total += mustGetImage(t, st, img.ID).Reports
	}
	if total != readers {
		t.Errorf("the copies hold %d reports, want exactly %d", total, readers)
	}
	checkStatus(t, st, "after the reports", revue.ImageBlocked, images...)
	log, err := st.ModerationLog(t.Context(), images[0].ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 {
		t.Errorf("the log has %d entries, want one automatic block: %+v", len(log), log)
	}
	queue, err := st.ModerationQueue(t.Context(), revue.ModerationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	if len(queue) == 1 {
		for _, r := range queue[0].Reasons {
			sum += r.Count
		}
	}
	if len(queue) != 1 || queue[0].Image.Reports != readers || queue[0].Image.Moderation.WaveReports != readers || sum != readers {
		t.Errorf("queue %+v, want one picture with %d reports, all in this wave", queue, readers)
	}
}

func testModerationActions(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "one picture", "https://img.example/b.jpg": "one picture"},
		"https://img.example/a.jpg", "https://img.example/b.jpg", "https://img.example/other.jpg")
	act := func(id int64, action string) error {
		_, err := st.ModerateImage(ctx, revue.ModerationAction{ImageID: id, Action: action, Moderator: "leila", Note: "vu", At: t0})
		return err
	}
	if err := act(images[0].ID, revue.ActionConfirm); !errors.Is(err, revue.ErrConflict) {
		t.Errorf("confirming the block of a shown picture: %v, want ErrConflict", err)
	}
	if err := act(images[0].ID, "delete"); err == nil {
		t.Error("an unknown action was applied")
	}
	if err := act(images[1].ID, revue.ActionBlock); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, st, "blocked by hand", revue.ImageBlocked, images[0], images[1])
	checkStatus(t, st, "blocked by hand", revue.ImageOK, images[2])
	if m := mustGetImage(t, st, images[0].ID).Moderation; m.BlockedBy != revue.BlockedByModerator || m.Pending {
		t.Errorf("blocked by hand: %+v", m)
	}
	report(t, st, images[0].ID, "reader-1", t0)
	if m := mustGetImage(t, st, images[0].ID).Moderation; !m.Pending {
		t.Errorf("a report of a blocked picture does not put it before moderators: %+v", m)
	}
	if err := act(images[0].ID, revue.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	for _, img := range images[:2] {
		if m := mustGetImage(t, st, img.ID); m.Status != revue.ImageBlocked || m.Moderation.Pending {
			t.Errorf("confirmed: image %d %+v", img.ID, m)
		}
	}
	if err := act(images[0].ID, revue.ActionRestore); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, st, "restored", revue.ImageOK, images...)
}

func testModerationQueue(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "one picture", "https://img.example/b.jpg": "one picture"},
		"https://img.example/a.jpg", "https://img.example/b.jpg", "https://img.example/c.jpg", "https://img.example/d.jpg")
	a, b, c, d := images[0], images[1], images[2], images[3]
	add := func(id int64, reporter, reason, note string, at time.Time) {
		t.Helper()
		if _, err := st.ReportImage(ctx, revue.ImageReport{ImageID: id, Reporter: reporter, Reason: reason, Note: note, At: at}, threshold); err != nil {
			t.Fatal(err)
		}
	}
	add(b.ID, "reader-1", revue.ReasonShocking, "Une photo de victimes", t0)
	add(a.ID, "reader-2", revue.ReasonShocking, "", t0.Add(time.Minute))
	add(b.ID, "reader-3", revue.ReasonPrivacy, "On reconnaît un enfant", t0.Add(2*time.Minute))
	add(c.ID, "reader-1", "", "", t0.Add(3*time.Minute))
	if _, err := st.ModerateImage(ctx, revue.ModerationAction{ImageID: d.ID, Action: revue.ActionBlock, Moderator: "leila", At: t0}); err != nil {
		t.Fatal(err)
	}
	queue := func(filter string) []revue.ModerationItem {
		t.Helper()
		q, err := st.ModerationQueue(ctx, revue.ModerationQuery{Filter: filter})
		if err != nil {
			t.Fatalf("ModerationQueue(%s): %v", filter, err)
		}
		return q
	}
	itemIDs := func(items []revue.ModerationItem) []int64 {
		var out []int64
		for _, it := range items {
			out = append(out, it.Image.ID)
		}
		return out
	}
	// Pending: the blocked picture (a and b, under a) and c, the latest
	// reported first; d was blocked by hand and awaits nobody.
	pending := queue(revue.QueuePending)
	if got := itemIDs(pending); !slices.Equal(got, []int64{c.ID, a.ID}) {
		t.Fatalf("pending queue %v, want [%d %d]", got, c.ID, a.ID)
	}
	if got := itemIDs(queue(revue.QueueBlocked)); !slices.Equal(got, []int64{a.ID, d.ID}) {
		t.Errorf("blocked queue %v, want [%d %d]", got, a.ID, d.ID)
	}
	if got := itemIDs(queue(revue.QueueAll)); !slices.Equal(got, []int64{c.ID, a.ID, d.ID}) {
		t.Errorf("whole queue %v, want [%d %d %d]", got, c.ID, a.ID, d.ID)
	}
	item := pending[1]
	if item.Image.Status != revue.ImageBlocked || item.Image.Reports != 3 || item.Image.Moderation.BlockedBy != revue.BlockedByReports ||
		!slices.Equal(item.Copies, []int64{b.ID}) || item.Image.Content.SHA256 != sumOf("one picture") {
		t.Errorf("the blocked picture: %+v", item)
	}
	checkTime(t, "LastReportAt", item.Image.Moderation.LastReportAt, t0.Add(2*time.Minute))
	wantReasons := []revue.ReasonCount{{Reason: revue.ReasonShocking, Count: 2}, {Reason: revue.ReasonPrivacy, Count: 1}}
	if !slices.Equal(item.Reasons, wantReasons) {
		t.Errorf("reasons %+v, want %+v", item.Reasons, wantReasons)
	}
	if len(item.Notes) != 2 || item.Notes[0].Note != "On reconnaît un enfant" || item.Notes[1].Note != "Une photo de victimes" || item.Notes[0].Reporter != "" {
		t.Errorf("notes %+v, want the two notes, newest first, without reporters", item.Notes)
	}
	// a is shown by both articles, b by the first: two articles, newest first.
	if item.ArticleSum != 2 || len(item.Articles) != 2 || item.Articles[0].SourceName != "Hespress" || item.Articles[1].SourceName != "Le Matin" {
		t.Errorf("articles %+v (%d in all), want Hespress's then Le Matin's", item.Articles, item.ArticleSum)
	}
	if it := pending[0]; len(it.Reasons) != 1 || it.Reasons[0] != (revue.ReasonCount{Reason: "", Count: 1}) || it.ArticleSum != 1 {
		t.Errorf("the picture reported without a reason: %+v", it)
	}
	if got := len(queue("")); got != 2 {
		t.Errorf("the default queue has %d pictures, want the 2 pending", got)
	}
	q, err := st.ModerationQueue(ctx, revue.ModerationQuery{Filter: revue.QueueAll, Limit: 1})
	if err != nil || len(q) != 1 {
		t.Errorf("a queue of at most 1: %d items, %v", len(q), err)
	}
}

func testModerationLog(t *testing.T, st revue.Store) {
	ctx := t.Context()
	images := picture(t, st, map[string]string{"https://img.example/a.jpg": "one picture", "https://img.example/b.jpg": "one picture"},
		"https://img.example/a.jpg", "https://img.example/b.jpg", "https://img.example/c.jpg")
	steps := []revue.ModerationAction{
		{ImageID: images[0].ID, Action: revue.ActionBlock, Moderator: "leila", Note: "violence", At: t0},
		{ImageID: images[2].ID, Action: revue.ActionBlock, Moderator: "omar", At: t0.Add(time.Minute)},
		{ImageID: images[1].ID, Action: revue.ActionConfirm, Moderator: "omar", At: t0.Add(2 * time.Minute)},
		{ImageID: images[1].ID, Action: revue.ActionRestore, Moderator: "leila", Note: "erreur", At: t0.Add(3 * time.Minute)},
	}
	for _, a := range steps {
		if _, err := st.ModerateImage(ctx, a); err != nil {
			t.Fatalf("ModerateImage(%+v): %v", a, err)
		}
	}
	all, err := st.ModerationLog(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(steps) {
		t.Fatalf("log has %d entries, want %d", len(all), len(steps))
	}
	for i, e := range all {
		want := steps[len(steps)-1-i]
		if e.ImageID != want.ImageID || e.Action != want.Action || e.Moderator != want.Moderator || e.Note != want.Note {
			t.Errorf("entry %d: %+v, want %+v", i, e, want)
		}
		checkTime(t, "entry time", e.At, want.At)
	}
	if all[0].Images != 2 || all[2].Images != 1 {
		t.Errorf("records changed: %d and %d, want 2 and 1", all[0].Images, all[2].Images)
	}
	one, err := st.ModerationLog(ctx, images[0].ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 3 {
		t.Errorf("the log of one picture (both copies) has %d entries, want 3: %+v", len(one), one)
	}
	if last, err := st.ModerationLog(ctx, 0, 1); err != nil || len(last) != 1 || last[0].ID != all[0].ID {
		t.Errorf("the latest entry: %+v, %v", last, err)
	}
}
