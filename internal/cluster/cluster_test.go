package cluster

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

var day0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// One invented event told in four languages, and a second event of the
// same kind (another city, another toll) that must stay apart. Written
// for this test.
var (
	quakeFR = Article{ID: 1, Lang: "fr", Title: "Séisme de magnitude 5,8 à Midelt : 12 morts",
		Text: "Un séisme de magnitude 5,8 a frappé mardi la province de Midelt, faisant 12 morts et 40 blessés selon le ministère de l'Intérieur."}
	quakeES = Article{ID: 2, Lang: "es", Title: "Un terremoto de magnitud 5,8 deja 12 muertos en Midelt (Marruecos)",
		Text: "Un terremoto de magnitud 5,8 sacudió el martes la provincia marroquí de Midelt, con 12 muertos y 40 heridos, según el Ministerio del Interior."}
	quakeAR = Article{ID: 3, Lang: "ar", Title: "زلزال بقوة 5,8 درجات يضرب ميدلت ويخلف 12 قتيلا",
		Text: "ضرب زلزال بقوة 5,8 درجات على سلم ريختر إقليم ميدلت يوم الثلاثاء، مخلفا 12 قتيلا و40 جريحا حسب وزارة الداخلية المغربية."}
	quakeEN = Article{ID: 4, Lang: "en", Title: "Magnitude 5.8 earthquake kills 12 in Morocco's Midelt",
		Text: "A magnitude 5.8 earthquake struck Midelt province in Morocco on Tuesday, killing 12 people and injuring 40, the Interior Ministry said."}
	otherFR = Article{ID: 5, Lang: "fr", Title: "Incendie de forêt près de Chefchaouen : 300 hectares brûlés",
		Text: "Un incendie a ravagé 300 hectares de forêt dans la province de Chefchaouen, ont indiqué jeudi les Eaux et Forêts."}
)

func at(a Article, t time.Time) Article { a.Published = t; return a }

func TestAssignGroupsOneEventAcrossLanguages(t *testing.T) {
	g := newTestGrouper(t, Config{})
	first := g.Assign(at(quakeFR, day0))
	if !first.New || first.StoryID != quakeFR.ID {
		t.Fatalf("first article: got %+v, want a new story with its own ID", first)
	}
	if as := g.Assign(at(otherFR, day0.Add(time.Hour))); !as.New {
		t.Errorf("another event joined story %d (score %.2f: %s)", as.StoryID, as.Score, as.Why)
	}
	for _, a := range []Article{quakeES, quakeAR, quakeEN} {
		as := g.Assign(at(a, day0.Add(3*time.Hour)))
		if as.StoryID != quakeFR.ID {
			t.Errorf("%s version: got story %d (score %.2f: %s), want %d", a.Lang, as.StoryID, as.Score, as.Why, quakeFR.ID)
		}
		if as.Why == "" {
			t.Errorf("%s version: no reason given", a.Lang)
		}
	}
}

func TestAssignRespectsWindow(t *testing.T) {
	g := newTestGrouper(t, Config{Window: 72 * time.Hour})
	g.Assign(at(quakeFR, day0))
	if as := g.Assign(at(quakeEN, day0.Add(71*time.Hour))); as.StoryID != quakeFR.ID {
		t.Errorf("inside the window: got story %d (%s), want %d", as.StoryID, as.Why, quakeFR.ID)
	}
	late := quakeES
	if as := g.Assign(at(late, day0.Add(71*time.Hour+73*time.Hour))); !as.New {
		t.Errorf("73 h after the story's last article: joined %d, want a new story", as.StoryID)
	}
}

func TestAssignSameCanonicalURL(t *testing.T) {
	g := newTestGrouper(t, Config{})
	a := at(quakeFR, day0)
	a.CanonicalURL = "https://example.ma/seisme-midelt"
	g.Assign(a)
	b := at(otherFR, day0) // unrelated text, same canonical URL: the same article
	b.ID, b.CanonicalURL = 9, a.CanonicalURL
	if as := g.Assign(b); as.StoryID != a.ID || !strings.Contains(as.Why, "canonical URL") {
		t.Errorf("same canonical URL: got %+v, want story %d", as, a.ID)
	}
}

func TestYearConflictKeepsSeasonsApart(t *testing.T) {
	g := newTestGrouper(t, Config{})
	hold2024 := Article{ID: 1, Lang: "fr", Title: "Bank Al-Maghrib maintient son taux directeur à 3% en 2024",
		Text: "Le conseil de Bank Al-Maghrib a décidé mardi de maintenir son taux directeur à 3%, pour l'année 2024, au vu de l'inflation."}
	hold2019 := Article{ID: 2, Lang: "fr", Title: "Bank Al-Maghrib maintient son taux directeur à 3% en 2019",
		Text: "Le conseil de Bank Al-Maghrib a décidé mardi de maintenir son taux directeur à 3%, pour l'année 2019, au vu de l'inflation."}
	g.Assign(hold2024)
	as := g.Assign(hold2019)
	if !as.New {
		t.Errorf("same decision another year joined story %d (score %.2f: %s)", as.StoryID, as.Score, as.Why)
	}
	if !strings.Contains(as.Why, "conflicting y") {
		t.Errorf("reason %q should name the conflicting year", as.Why)
	}
}

func TestAddRebuildsTheSameState(t *testing.T) {
	live := newTestGrouper(t, Config{})
	rebuilt := newTestGrouper(t, Config{})
	for i, a := range []Article{quakeFR, otherFR, quakeES, quakeAR, quakeEN} {
		a = at(a, day0.Add(time.Duration(i)*time.Hour))
		as := live.Assign(a)
		rebuilt.Add(a, as.StoryID)
	}
	if got, want := rebuilt.Stories(), live.Stories(); !reflect.DeepEqual(got, want) {
		t.Errorf("rebuilt stories differ:\n got  %+v\n want %+v", got, want)
	}
	next := at(quakeEN, day0.Add(6*time.Hour))
	next.ID = 10
	// Sums over maps may differ in their last bit; nothing else may.
	a, b := live.Assign(next), rebuilt.Assign(next)
	if a.StoryID != b.StoryID || a.New != b.New || math.Abs(a.Score-b.Score) > 1e-9 {
		t.Errorf("after a rebuild the next assignment differs: live %+v, rebuilt %+v", a, b)
	}
}

func TestPruneForgetsOldStories(t *testing.T) {
	g := newTestGrouper(t, Config{})
	g.Assign(at(quakeFR, day0))
	g.Assign(at(otherFR, day0.Add(100*time.Hour)))
	if n := g.Prune(day0.Add(24 * time.Hour)); n != 1 {
		t.Fatalf("Prune removed %d stories, want 1", n)
	}
	if st := g.Stories(); len(st) != 1 || st[0].ID != otherFR.ID {
		t.Fatalf("after Prune: %+v, want only story %d", st, otherFR.ID)
	}
	for f, ids := range g.postings {
		for _, id := range ids {
			if id == quakeFR.ID {
				t.Fatalf("feature %s still lists the pruned story", f)
			}
		}
	}
	if g.articles != 1 {
		t.Errorf("articles in window after Prune: %d, want 1", g.articles)
	}
	// Without a published time the window cannot apply, so it now starts
	// a story of its own rather than finding the forgotten one.
	if as := g.Assign(quakeEN); !as.New {
		t.Errorf("joined %d after its story was pruned", as.StoryID)
	}
}
