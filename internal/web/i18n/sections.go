package i18n

// sectionsStrings word the home page's list of sections and the names of
// the shipped section table's sections (internal/tag/sections/default.tsv)
// in the languages other than French, whose names are in fr.go. Arabic is
// Modern Standard Arabic as read in Morocco: "الرياضة", "الاقتصاد".
var sectionsStrings = map[string]map[string]string{
	"fr": {
		"sections.nav": "Rubriques",
	},
	"ar": {
		"sections.nav":          "الأبواب",
		"section.title":         "باب: %s",
		"section.actualite":     "الأخبار",
		"section.politique":     "السياسة",
		"section.economie":      "الاقتصاد",
		"section.societe":       "المجتمع",
		"section.sport":         "الرياضة",
		"section.culture":       "الثقافة",
		"section.international": "دولي",
		"section.regions":       "الجهات",
		"section.tech":          "التكنولوجيا",
		"section.sante":         "الصحة",
	},
	"es": {
		"sections.nav":          "Secciones",
		"section.title":         "Sección: %s",
		"section.actualite":     "Actualidad",
		"section.politique":     "Política",
		"section.economie":      "Economía",
		"section.societe":       "Sociedad",
		"section.sport":         "Deportes",
		"section.culture":       "Cultura",
		"section.international": "Internacional",
		"section.regions":       "Regiones",
		"section.tech":          "Tecnología",
		"section.sante":         "Salud",
	},
	"en": {
		"sections.nav":          "Sections",
		"section.title":         "Section: %s",
		"section.actualite":     "News",
		"section.politique":     "Politics",
		"section.economie":      "Business",
		"section.societe":       "Society",
		"section.sport":         "Sport",
		"section.culture":       "Culture",
		"section.international": "World",
		"section.regions":       "Regions",
		"section.tech":          "Technology",
		"section.sante":         "Health",
	},
}
