package feed

import (
	"testing"
	"time"
)

// dateCase is a date as a feed writes it and the time it means; the zero
// time wants an error.
type dateCase struct {
	in   string
	want time.Time
}

func checkParseDate(t *testing.T, tests []dateCase) {
	t.Helper()
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.want.IsZero() {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	cet := time.FixedZone("", 3600)
	tests := []dateCase{
		{"Tue, 16 Mar 2021 10:00:00 +0100", time.Date(2021, 3, 16, 10, 0, 0, 0, cet)},
		{"Tue, 16 Mar 2021 10:00:00 GMT", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"Tue, 16 Mar 2021 10:00:00 EST", time.Date(2021, 3, 16, 15, 0, 0, 0, time.UTC)},
		{"Tue, 16 Mar 2021 10:00:00 CET", time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)},
		{"16 Mar 21 10:00 PDT", time.Date(2021, 3, 16, 17, 0, 0, 0, time.UTC)},
		{"Mar, 16 Mar 2021 10:00:00 +0000", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"Tue, 16 Mar 2021 10:00:00", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"Tue,16 Mar 2021 10:00:00 +01:00", time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)},
		{"2021-03-16T10:00:00+01:00", time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)},
		{"2021-03-16T10:00:00.52Z", time.Date(2021, 3, 16, 10, 0, 0, 520_000_000, time.UTC)},
		{"2021-03-16 10:00:00", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"2021-03-16", time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)},
		{"mardi 16 mars 2021 10:00:00 +0100", time.Date(2021, 3, 16, 9, 0, 0, 0, time.UTC)},
		{"16 mars 2021", time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)},
		{"Mardi 16 Mars 2021 à 10h30", time.Date(2021, 3, 16, 10, 30, 0, 0, time.UTC)},
		{"16 févr. 2021", time.Date(2021, 2, 16, 0, 0, 0, 0, time.UTC)},
		{"1er août 2021", time.Time{}}, // "1er" is not read: an error, not a wrong date
		{"martes, 16 de marzo de 2021 10:00", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"16/03/2021 10:00", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"03/16/2021", time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)},
		{"الثلاثاء 16 مارس 2021", time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)},
		{"الثلاثاء ١٦ مارس ٢٠٢١ - ١٠:٠٠", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
		{"16 أبريل 2021", time.Date(2021, 4, 16, 0, 0, 0, 0, time.UTC)},
		{"3 ماي 2021", time.Date(2021, 5, 3, 0, 0, 0, 0, time.UTC)},
		{"5 يونيو 2021", time.Date(2021, 6, 5, 0, 0, 0, 0, time.UTC)},
		{"5 يوليوز 2021", time.Date(2021, 7, 5, 0, 0, 0, 0, time.UTC)},
		{"5 غشت 2021", time.Date(2021, 8, 5, 0, 0, 0, 0, time.UTC)},
		{"5 شتنبر 2021", time.Date(2021, 9, 5, 0, 0, 0, 0, time.UTC)},
		{"5 نونبر 2021", time.Date(2021, 11, 5, 0, 0, 0, 0, time.UTC)},
		{"5 دجنبر 2021", time.Date(2021, 12, 5, 0, 0, 0, 0, time.UTC)},
		{"16 آذار 2021", time.Date(2021, 3, 16, 0, 0, 0, 0, time.UTC)},
		{"16 نيسان 2021", time.Date(2021, 4, 16, 0, 0, 0, 0, time.UTC)},
		{"1 كانون الثاني 2021", time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"1 تشرين الأول 2021", time.Date(2021, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"March 16, 2021 10:00 PM", time.Date(2021, 3, 16, 22, 0, 0, 0, time.UTC)},
		{"Tue Mar 16 10:00:00 2021", time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)},
	}
	checkParseDate(t, tests)
}

func TestParseDateRejects(t *testing.T) {
	for _, in := range []string{"", "not a date", "31 février 2021", "2021-13-01", "Tue, 16 Mar 2021 25:00:00 GMT", "16 Mar"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, got)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Tue, 16 Mar 2021 10:00:00 +0100", "mardi 16 mars 2021 10:00:00 +0100", "الثلاثاء ١٦ مارس ٢٠٢١",
		"martes, 16 de marzo de 2021 10:00", "2021-03-16T10:00:00.52Z", "16/03/2021 10h30", "1 كانون الثاني 2021 GMT+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		if err == nil && got.IsZero() {
			t.Fatalf("ParseDate(%q) gave the zero time without an error", s)
		}
	})
}
