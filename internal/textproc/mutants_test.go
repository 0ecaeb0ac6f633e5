package textproc

import "testing"

// Cases written to kill the mutants scripts/mutation found alive: each
// holds one boundary or rule of DetectLang in place.
func TestDetectLangBoundaries(t *testing.T) {
	tests := []struct{ name, text, hint, want string }{
		// Two Urdu letters (ے, ہ) among many Arabic-only ones (ي, ة):
		// Arabic, not Urdu.
		{"two urdu letters in arabic text", "هذه المدينة الجميلة هي التي يحبها الناس في كل ليلة ےہ", "", "ar"},
		{"kana without han", "ひらがなとカタカナ", "", "ja"},
		{"han without kana", "中华人民共和国", "", "zh"},
		{"hangul", "대한민국 정부", "", "ko"},
		// Exactly minLatinWords words vote.
		{"four words vote", "le chat et la", "en", "fr"},
		// One vote is not enough to override a hint, but beats nothing.
		{"one vote, a hint", "Maroc trois hôpitaux et", "en", "en"},
		{"one vote, no hint", "Maroc trois hôpitaux et", "", "fr"},
		// French and Spanish tie (et, est / el, y): the hint, or nothing.
		{"tie without hint", "et est el y", "", ""},
		{"tie, hint elsewhere", "et est el y", "de", "de"},
		{"tie, hint among the tied", "et est el y", "es", "es"},
		// Five French words to four Spanish ones: a strict lead wins over
		// a hint that has no vote.
		{"narrow lead", "et est une dans sur el y los las", "en", "fr"},
		{"three-letter hint", "", "fra", "fra"},
		{"hint starting with a", "", "am", "am"},
		{"hint ending with z", "", "zh-TW", "zh"},
		{"four-letter hint dropped", "", "fran", ""},
		{"hint with a separator first", "", "-fr", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectLang(tt.text, tt.hint); got != tt.want {
				t.Errorf("DetectLang(%q, %q) = %q, want %q", tt.text, tt.hint, got, tt.want)
			}
		})
	}
}
