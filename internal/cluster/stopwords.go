package cluster

// stopwords are function words of each language (folded, before
// stemming). They carry no event, and with few articles in the window their
// document frequency is too low for idf alone to silence them.
var stopwords = foldedSet(
	// fr
	"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "ou", "en", "au", "aux", "a", "à", "ce", "cet", "cette", "ces",
	"qui", "que", "qu", "dont", "sur", "sous", "dans", "par", "pour", "avec", "sans", "son", "sa", "ses", "leur", "leurs", "il", "elle",
	"ils", "elles", "on", "se", "s", "ne", "pas", "plus", "est", "sont", "été", "être", "a", "ont", "avait", "fait", "après", "avant",
	"lors", "entre", "contre", "ainsi", "aussi", "mais", "comme", "tout", "tous", "toute", "selon", "depuis", "cours", "y", "n",
	// es
	"el", "los", "las", "lo", "del", "al", "y", "o", "e", "que", "en", "por", "para", "con", "sin", "sobre", "su", "sus", "se", "es",
	"ha", "han", "fue", "ser", "como", "pero", "más", "mas", "este", "esta", "estos", "estas", "ese", "esa", "tras", "entre", "hasta",
	"desde", "según", "ya", "muy", "le", "les", "una", "uno", "unos", "unas", "no",
	// en
	"the", "a", "an", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "as", "is", "are", "was", "were", "be",
	"been", "has", "have", "had", "it", "its", "this", "that", "these", "those", "which", "who", "after", "before", "over", "into",
	"but", "not", "also", "than", "their", "his", "her", "he", "she", "they", "will", "would", "said", "says", "s",
	// ar
	"في", "من", "على", "إلى", "الى", "عن", "مع", "أن", "ان", "إن", "هذا", "هذه", "ذلك", "تلك", "التي", "الذي", "الذين", "و", "أو",
	"او", "ما", "لا", "لم", "لن", "قد", "كان", "كانت", "بعد", "قبل", "عند", "حيث", "كما", "بين", "خلال", "حول", "ضد", "منذ", "هو",
	"هي", "تم", "وقد", "فيها", "فيه", "له", "لها", "به", "بها", "أي", "كل", "غير", "ثم", "حتى", "إلا", "الا", "يوم", "عام",
)

func foldedSet(words ...string) map[string]bool {
	out := map[string]bool{}
	for _, w := range words {
		for t := range foldedTable(map[int][]string{0: {w}}) { // one word: no clash
			out[t] = true
		}
	}
	return out
}
