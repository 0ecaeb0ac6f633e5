package i18n

// sectionsStrings word the home page's list of sections; the sections'
// own names (section.<slug>) are in each language's core catalog.
var sectionsStrings = map[string]map[string]string{
	"fr": {"sections.nav": "Rubriques"},
	"ar": {"sections.nav": "الأركان"},
	"es": {"sections.nav": "Secciones"},
	"en": {"sections.nav": "Sections"},
}
