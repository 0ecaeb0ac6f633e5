package storetest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"revue"
)

var fetchTests = []storeTest{
	{"RecordFetch updates the crawl state", testRecordFetch},
	{"RecordFetch of an unknown source is ErrNotFound", testRecordFetchUnknown},
	{"FetchLog is newest first and limited", testFetchLog},
}

// testRecordFetch plays one source's fetch history, step by step; each step
// says how the source must look afterwards.
func testRecordFetch(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	taker := mustAddSource(t, st, "Already there", t0)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	movedURL := "https://lematin.example/feed-moved.xml"

	steps := []struct {
		name string
		o    revue.FetchOutcome
		// edit turns the source before the step into the one expected after it.
		edit func(s *revue.Source, o revue.FetchOutcome)
	}{
		{"success", revue.FetchOutcome{Status: 200, ETag: `W/"v1"`, LastModified: "Tue, 16 Mar 2021 09:00:00 GMT",
			ItemsSeen: 20, ItemsNew: 20, NextFetchAt: at(61), Interval: time.Hour, ItemsPerDay: 31.5},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.ETag, s.LastModified = 200, o.ETag, o.LastModified
				s.LastFetchAt, s.LastSuccessAt = stored(o.At), stored(o.At)
			}},
		{"server error keeps validators and success time", revue.FetchOutcome{Status: 503, Err: "fetching https://lematin.example/rss: server answered 503 Service Unavailable",
			NextFetchAt: at(80), Interval: time.Hour, ItemsPerDay: 31.5},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.LastError, s.ConsecutiveFailures = 503, o.Err, 1
				s.LastFetchAt = stored(o.At)
			}},
		{"second error counts up", revue.FetchOutcome{Status: 0, Err: "fetching https://lematin.example/rss: connection refused",
			NextFetchAt: at(200), Interval: 2 * time.Hour, ItemsPerDay: 30},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.LastError, s.ConsecutiveFailures = 0, o.Err, 2
				s.LastFetchAt = stored(o.At)
			}},
		{"a feed read in part is a success with a warning", revue.FetchOutcome{Status: 200,
			Warning: "the feed ends before its end: 1 item kept", ItemsSeen: 1, ItemsNew: 1,
			NextFetchAt: at(250), Interval: 90 * time.Minute, ItemsPerDay: 30},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.LastError, s.ConsecutiveFailures = 200, o.Warning, 0
				s.LastFetchAt, s.LastSuccessAt = stored(o.At), stored(o.At)
			}},
		{"not modified is a success", revue.FetchOutcome{Status: 304, NotModified: true,
			NextFetchAt: at(300), Interval: 90 * time.Minute, ItemsPerDay: 30},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.LastError, s.ConsecutiveFailures = 304, "", 0
				s.LastFetchAt, s.LastSuccessAt = stored(o.At), stored(o.At)
			}},
		{"new validators replace old ones", revue.FetchOutcome{Status: 200, ETag: `"v2"`, ItemsSeen: 20, ItemsNew: 2,
			NextFetchAt: at(400), Interval: 90 * time.Minute, ItemsPerDay: 28.25},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.ETag = 200, o.ETag
				s.LastFetchAt, s.LastSuccessAt = stored(o.At), stored(o.At)
			}},
		{"permanent redirect to a free URL", revue.FetchOutcome{Status: 200, NewFeedURL: movedURL,
			NextFetchAt: at(500), Interval: 90 * time.Minute, ItemsPerDay: 28.25},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.FeedURL, s.Host = 200, movedURL, "lematin.example:443"
				s.LastFetchAt, s.LastSuccessAt = stored(o.At), stored(o.At)
			}},
		{"permanent redirect to a taken URL", revue.FetchOutcome{Status: 200, NewFeedURL: taker.FeedURL,
			NextFetchAt: at(600), Interval: 90 * time.Minute, ItemsPerDay: 28.25},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus = 200 // FeedURL kept; LastError checked below
				s.LastFetchAt, s.LastSuccessAt = stored(o.At), stored(o.At)
			}},
		{"gone disables", revue.FetchOutcome{Status: 410, Err: "fetching https://lematin.example/feed-moved.xml: the feed is gone (410)", Disable: true,
			NextFetchAt: at(700), Interval: 90 * time.Minute, ItemsPerDay: 28.25},
			func(s *revue.Source, o revue.FetchOutcome) {
				s.LastStatus, s.LastError, s.ConsecutiveFailures, s.Enabled = 410, o.Err, 1, false
				s.LastFetchAt = stored(o.At)
			}},
	}

	want, err := st.GetSource(ctx, src.ID)
	if err != nil {
		t.Fatalf("GetSource: %v", err)
	}
	for i, step := range steps {
		o := step.o
		o.SourceID, o.Worker = src.ID, "worker-1"
		o.At = at(i*100 + 1)
		o.Duration = time.Duration(i+1) * 250 * time.Millisecond
		if err := st.RecordFetch(ctx, o); err != nil {
			t.Fatalf("step %q: RecordFetch: %v", step.name, err)
		}
		step.edit(&want, o)
		want.NextFetchAt, want.Interval, want.ItemsPerDay = stored(o.NextFetchAt), o.Interval, o.ItemsPerDay
		got, err := st.GetSource(ctx, src.ID)
		if err != nil {
			t.Fatalf("step %q: GetSource: %v", step.name, err)
		}
		if step.name == "permanent redirect to a taken URL" {
			if !strings.Contains(got.LastError, taker.FeedURL) {
				t.Errorf("step %q: LastError %q does not say the feed moved to %s", step.name, got.LastError, taker.FeedURL)
			}
			want.LastError = got.LastError
		}
		if !reflect.DeepEqual(normSource(got), normSource(want)) {
			t.Errorf("step %q:\n got %+v\nwant %+v", step.name, got, want)
		}
		want = got
	}

	log, err := st.FetchLog(ctx, src.ID, 100)
	if err != nil {
		t.Fatalf("FetchLog: %v", err)
	}
	if len(log) != len(steps) {
		t.Fatalf("FetchLog has %d entries, want %d", len(log), len(steps))
	}
	for i, e := range log {
		step := len(steps) - 1 - i // newest first
		o := steps[step].o
		wantEntry := revue.FetchLogEntry{SourceID: src.ID, At: stored(at(step*100 + 1)), DurationMS: int64(step+1) * 250,
			Status: o.Status, Err: o.Err, Warning: o.Warning, ItemsSeen: o.ItemsSeen, ItemsNew: o.ItemsNew}
		e.At = e.At.UTC()
		if e != wantEntry {
			t.Errorf("FetchLog[%d] = %+v, want %+v", i, e, wantEntry)
		}
	}
	if other, err := st.FetchLog(ctx, taker.ID, 100); err != nil || len(other) != 0 {
		t.Errorf("the other source's FetchLog has %d entries (%v), want none", len(other), err)
	}
}

func testRecordFetchUnknown(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Le Matin", t0)
	err := st.RecordFetch(t.Context(), revue.FetchOutcome{SourceID: src.ID + 1000, Worker: "w", At: t0, Status: 200, NextFetchAt: t0})
	if !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("RecordFetch of an unknown source: error %v, want ErrNotFound", err)
	}
}

func testFetchLog(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	empty, err := st.FetchLog(ctx, src.ID, 10)
	if err != nil || len(empty) != 0 {
		t.Fatalf("FetchLog of a new source: %d entries, %v; want none", len(empty), err)
	}
	// Recorded out of time order: the log is by time, not by insertion.
	minutes := []int{3, 1, 4, 5, 2}
	for _, m := range minutes {
		if err := st.RecordFetch(ctx, revue.FetchOutcome{SourceID: src.ID, Worker: "w", At: t0.Add(time.Duration(m) * time.Minute),
			Status: 200, ItemsSeen: m, NextFetchAt: t0.Add(time.Hour)}); err != nil {
			t.Fatalf("RecordFetch: %v", err)
		}
	}
	cases := []struct {
		limit int
		want  []int // ItemsSeen, which here is the minute
	}{
		{10, []int{5, 4, 3, 2, 1}},
		{3, []int{5, 4, 3}},
		{1, []int{5}},
	}
	for _, tc := range cases {
		log, err := st.FetchLog(ctx, src.ID, tc.limit)
		if err != nil {
			t.Fatalf("FetchLog(%d): %v", tc.limit, err)
		}
		var got []int
		for _, e := range log {
			got = append(got, e.ItemsSeen)
			checkTime(t, "FetchLog At", e.At, t0.Add(time.Duration(e.ItemsSeen)*time.Minute))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FetchLog(limit %d) minutes %v, want %v", tc.limit, got, tc.want)
		}
	}
}
