package revue

import "testing"

func TestHostOf(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://www.Hespress.com/feed", "www.hespress.com:443"},
		{"http://telquel.ma/feed", "telquel.ma:80"},
		{"http://127.0.0.1:8080/feeds/a.xml", "127.0.0.1:8080"},
		{"https://[2001:db8::1]/rss", "[2001:db8::1]:443"},
		{"HTTPS://user:secret@Example.org:8443/x?y#z", "example.org:8443"},
		{"  https://spaces.example/feed  ", "spaces.example:443"},
		{"/relative/feed.xml", ""},
		{"not a url", ""},
		{"", ""},
	} {
		if got := HostOf(tc.url); got != tc.want {
			t.Errorf("HostOf(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestIsRepublication(t *testing.T) {
	holder := ArticleHolder{ID: 7, SourceID: 1, GUID: "g1", Title: "Maroc : 3 hôpitaux  militaires"}
	for _, tc := range []struct {
		name     string
		sourceID int64
		title    string
		want     bool
	}{
		{"another source, another title", 2, "Marruecos: 3 hospitales", true},
		{"another source, same title", 2, holder.Title, true},
		{"same source, same title re-sent", 1, "maroc : 3 HÔPITAUX militaires ", true},
		{"same source, another title: another episode", 1, "Maroc : le journal du 12 mars", false},
	} {
		if got := IsRepublication(holder, tc.sourceID, Article{Title: tc.title}); got != tc.want {
			t.Errorf("%s: IsRepublication = %v, want %v", tc.name, got, tc.want)
		}
	}
}
