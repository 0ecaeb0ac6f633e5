package tag

import "strings"

// The words below decide whether a place name in an article is a place
// where something happens. They belong to languages, not to countries, so
// they live here and not in a gazetteer. All are folded (see fold).

// wordSet is a set of folded words.
type wordSet map[string]bool

func words(s string) wordSet {
	set := wordSet{}
	for w := range strings.FieldsSeq(s) {
		set[fold(w)] = true
	}
	return set
}

// locatives put the next word at a place: "à Rabat", "en Rabat", "in
// Rabat", "في الرباط". Per language, because "a" is a preposition in French
// and Spanish but an article in English ("a Rabat-based firm").
var locatives = map[string]wordSet{
	"fr": words("à dans"),
	"es": words("en a"),
	"en": words("in at"),
	"ar": words("في فى الى إلى داخل"),
}

// allLocatives serves articles whose language is not one of the above.
var allLocatives = func() wordSet {
	all := wordSet{}
	for _, set := range locatives {
		for w := range set {
			// French "à" and Spanish "a" fold to the English article "a",
			// which would make every "a Rabat-based firm" a place.
			if w != "a" {
				all[w] = true
			}
		}
	}
	return all
}()

// nearWords, followed by "de" or "of", locate too: "près de Rabat".
var nearWords = words("près proche cerca near alrededores environs outskirts banlieue قرب بالقرب ضواحي نواحي")

// ofWords link a place noun to its name: "Palais royal de Rabat".
var ofWords = words("de d du of del")

// placeNouns name a place or a building; followed by "de"/"of" (Latin) or
// directly by the name (Arabic construct: مدينة الرباط), they make the name
// a location: "la ville de Dakhla", "Palacio Real de Rabat".
var placeNouns = words(`
	ville city ciudad province provincia préfecture prefecture région region región wilaya commune municipio
	palais palacio palace stade estadio stadium tribunal cour court corte hôpital hospital
	université universidad university port puerto aéroport airport aeropuerto gare station estación
	centre center centro complexe complejo musée museum museo théâtre mosquée mosque mezquita
	médina medina quartier barrio
	مدينة مدينتي إقليم عمالة ولاية جهة منطقة جماعة ميناء مطار ملعب مستشفى محكمة جامعة قصر العاصمة`)

// holderPrefixes start words for a person's or an office's title tied to a
// place, which does not put the article there: "son ambassadeur à Rabat",
// "سفيرها بالرباط", "رئيس أساقفة طنجة", "le cabinet royal à Rabat".
var holderPrefixes = []string{
	"ambassad", "embajad", "embass", "archev", "archbishop", "arzobisp", "eveque", "bishop", "obispo",
	"cabinet", "gabinete",
	fold("سفير"), fold("سفار"), fold("أساقف"), fold("أسقف"), fold("مطران"), fold("الديوان"),
}

// birthWords mark where someone comes from, not where the news is: "le
// natif de la ville de Fès", "born in Fez", "من مواليد فاس".
var birthWords = words("natif native natifs born nacido nacida originaire originaires originario originaria oriundo oriunda مواليد مزداد")

// envoyWords after a dateline say the reporter was sent there for the
// event: "RABAT, 7 (De la enviada especial de EUROPA PRESS…".
var envoyWords = words("envoyé envoyée envoy enviado enviada مبعوث مبعوثة موفد")

// articleWords are definite articles, skipped between a context word and a
// name ("à la Casa…") and enough context for names flagged article.
var articleWords = words("l la le les the el los las")

// documentWords name a text called after the city where it was signed,
// which is quoted long after and far away: "le Pacte de Marrakech",
// "the Rabat Process", "إعلان مراكش".
var documentWords = words(`
	accord accords pacte pacto pact déclaration declaration declaración traité treaty tratado
	processus process proceso protocole protocol protocolo charte charter
	اتفاق اتفاقية إعلان ميثاق مسلسل بروتوكول معاهدة نداء`)

// capitalNouns, right before a name, say it is the capital city: "the
// Moroccan capital Rabat", "la capitale Rabat".
var capitalNouns = words("capital capitale")

// addressWords before a locative make it the addressee of a message, not a
// place: "a répondu à Rabat", "una carta a Rabat", "رسالة إلى الرباط".
var addressWords = words(`
	répondu répond répondre adressé adresse adresser envoyé envoie envoyer écrit transmis reproché demandé
	message lettre appel réponse
	respondió responde respondido envió enviado escribió pidió exigió reprochó trasladó remitió
	carta mensaje llamamiento respuesta
	رسالة رسائل بعث بعثت وجه وجهت أرسل أرسلت دعا دعت دعوة نداء`)
