package i18n

// regionsmapStrings word the regional overview (/regions): the map of the
// regions shaded by the week's articles, its legend and the table beside
// it. Region names themselves are the region.<slug> keys.
var regionsmapStrings = map[string]map[string]string{
	"fr": {
		"regionsmap.title":        "Les régions",
		"regionsmap.intro":        "Articles publiés ces sept derniers jours dans chacune des douze régions du Maroc. Cliquez sur une région pour lire ses articles.",
		"regionsmap.map":          "Carte des douze régions du Maroc, teintées selon le nombre d'articles des sept derniers jours",
		"regionsmap.legend":       "Articles en 7 jours",
		"regionsmap.col.region":   "Région",
		"regionsmap.col.week":     "Articles (7 jours)",
		"regionsmap.col.trend":    "Tendance",
		"regionsmap.trend":        "Articles par jour, du %s au %s : %s",
		"regionsmap.nav":          "Carte des régions",
		"regionsmap.back":         "Toutes les régions sur la carte",
		"regionsmap.attribution":  "Limites des régions : © les contributeurs d'OpenStreetMap, sous licence ODbL (paquet morocco-map, simplifié).",
		"regionsmap.legend.zero":  "aucun",
		"regionsmap.legend.range": "%d à %d",
	},
	"ar": {
		"regionsmap.title":        "الجهات",
		"regionsmap.intro":        "المقالات المنشورة خلال الأيام السبعة الأخيرة في كل جهة من جهات المغرب الاثنتي عشرة. انقر على جهة لقراءة مقالاتها.",
		"regionsmap.map":          "خريطة جهات المغرب الاثنتي عشرة، ملوّنة حسب عدد مقالات الأيام السبعة الأخيرة",
		"regionsmap.legend":       "المقالات في 7 أيام",
		"regionsmap.col.region":   "الجهة",
		"regionsmap.col.week":     "المقالات (7 أيام)",
		"regionsmap.col.trend":    "المنحى",
		"regionsmap.trend":        "المقالات في اليوم، من %s إلى %s: %s",
		"regionsmap.nav":          "خريطة الجهات",
		"regionsmap.back":         "كل الجهات على الخريطة",
		"regionsmap.attribution":  "حدود الجهات: © المساهمون في OpenStreetMap، برخصة ODbL (حزمة morocco-map، مبسّطة).",
		"regionsmap.legend.zero":  "لا شيء",
		"regionsmap.legend.range": "من %d إلى %d",
	},
	"es": {
		"regionsmap.title":        "Las regiones",
		"regionsmap.intro":        "Artículos publicados en los últimos siete días en cada una de las doce regiones de Marruecos. Pulse en una región para leer sus artículos.",
		"regionsmap.map":          "Mapa de las doce regiones de Marruecos, coloreadas según el número de artículos de los últimos siete días",
		"regionsmap.legend":       "Artículos en 7 días",
		"regionsmap.col.region":   "Región",
		"regionsmap.col.week":     "Artículos (7 días)",
		"regionsmap.col.trend":    "Tendencia",
		"regionsmap.trend":        "Artículos por día, del %s al %s: %s",
		"regionsmap.nav":          "Mapa de las regiones",
		"regionsmap.back":         "Todas las regiones en el mapa",
		"regionsmap.attribution":  "Límites de las regiones: © colaboradores de OpenStreetMap, con licencia ODbL (paquete morocco-map, simplificado).",
		"regionsmap.legend.zero":  "ninguno",
		"regionsmap.legend.range": "de %d a %d",
	},
	"en": {
		"regionsmap.title":        "The regions",
		"regionsmap.intro":        "Articles published in the last seven days in each of Morocco's twelve regions. Click a region to read its articles.",
		"regionsmap.map":          "Map of Morocco's twelve regions, shaded by the number of articles in the last seven days",
		"regionsmap.legend":       "Articles in 7 days",
		"regionsmap.col.region":   "Region",
		"regionsmap.col.week":     "Articles (7 days)",
		"regionsmap.col.trend":    "Trend",
		"regionsmap.trend":        "Articles per day, from %s to %s: %s",
		"regionsmap.nav":          "Map of the regions",
		"regionsmap.back":         "All the regions on the map",
		"regionsmap.attribution":  "Region boundaries: © OpenStreetMap contributors, under the ODbL (morocco-map package, simplified).",
		"regionsmap.legend.zero":  "none",
		"regionsmap.legend.range": "%d to %d",
	},
}

// regionsmapPlurals count a region's articles on the map and in the table;
// the count is the first argument (it picks the form), the region's name
// the second.
var regionsmapPlurals = map[string]map[string]pluralMessage{
	"fr": {
		"regionsmap.articles": {"one": "%[2]s : %[1]d article", "other": "%[2]s : %[1]d articles"},
	},
	"ar": {
		"regionsmap.articles": {
			"zero":  "%[2]s: لا مقالات",
			"one":   "%[2]s: مقال واحد",
			"two":   "%[2]s: مقالان",
			"few":   "%[2]s: %[1]d مقالات",
			"many":  "%[2]s: %[1]d مقالًا",
			"other": "%[2]s: %[1]d مقال",
		},
	},
	"es": {
		// No "many" (1 000 000 de artículos): golang.org/x/text/feature/plural
		// refuses that form for Spanish.
		"regionsmap.articles": {"one": "%[2]s: %[1]d artículo", "other": "%[2]s: %[1]d artículos"},
	},
	"en": {
		"regionsmap.articles": {"one": "%[2]s: %[1]d article", "other": "%[2]s: %[1]d articles"},
	},
}
