package i18n

// feedsStrings word the portal's feeds: their titles (what a feed reader
// lists the subscription as), the autodiscovery links' titles and the
// visible link on listings. The feeds' entries reuse the article page's
// wording (article.published, article.source, …).
var feedsStrings = map[string]map[string]string{
	"fr": {
		"feeds.label":         "Flux :",
		"feeds.alternate":     "%[1]s (%[2]s)",
		"feeds.title.home":    "Revue : les derniers articles",
		"feeds.title.section": "Revue : rubrique %s",
		"feeds.title.region":  "Revue : région %s",
		"feeds.title.source":  "Revue : %s",
		"feeds.title.lang":    "%[1]s, articles en %[2]s",
	},
	"ar": {
		"feeds.label":         "الخلاصات:",
		"feeds.alternate":     "%[1]s (%[2]s)",
		"feeds.title.home":    "Revue: آخر المقالات",
		"feeds.title.section": "Revue: قسم %s",
		"feeds.title.region":  "Revue: جهة %s",
		"feeds.title.source":  "Revue: %s",
		"feeds.title.lang":    "%[1]s، المقالات باللغة %[2]s",
	},
	"es": {
		"feeds.label":         "Canales:",
		"feeds.alternate":     "%[1]s (%[2]s)",
		"feeds.title.home":    "Revue: los últimos artículos",
		"feeds.title.section": "Revue: sección %s",
		"feeds.title.region":  "Revue: región %s",
		"feeds.title.source":  "Revue: %s",
		"feeds.title.lang":    "%[1]s, artículos en %[2]s",
	},
	"en": {
		"feeds.label":         "Feeds:",
		"feeds.alternate":     "%[1]s (%[2]s)",
		"feeds.title.home":    "Revue: the latest articles",
		"feeds.title.section": "Revue: %s section",
		"feeds.title.region":  "Revue: %s region",
		"feeds.title.source":  "Revue: %s",
		"feeds.title.lang":    "%[1]s, articles in %[2]s",
	},
}
