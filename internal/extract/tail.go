package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Teasers and sign-offs that trafilatura keeps below the article: lists of
// headlines ("Playoff picture: Raiders in pursuit"), newsletter prompts,
// copyright lines. The ground truth of the Scrapinghub pages, and readers,
// end the article before them.

// maxTeaserWords is the longest a headline-like paragraph may be.
const maxTeaserWords = 16

// boilerplateRe matches the closing lines of news pages in the languages
// Revue follows. Credit lines ("© Reuters", "With Post wires") are not
// among them: they belong to the article.
var boilerplateRe = regexp.MustCompile(`(?i)^(read more\b|related\b|see also\b|lire aussi\b|à lire aussi\b|voir aussi\b|lea también\b|leer más\b|اقرأ أيضا|اقرأ ايضا|like this story|share this\b|follow us\b|suivez-nous\b|subscribe\b|sign up\b|abonnez-vous\b|get the latest\b|newsletter\b|updated at\b|\[(insight|video|reaction|pics?)\])`)

// trimTail removes, from the end of the article, a run of two or more
// headline-like blocks, or one boilerplate line. It never removes more
// than a third of the text.
func trimTail(root *html.Node) {
	container := root
	for {
		only := onlyElementChild(container)
		if only == nil || !(only.DataAtom == atom.Div || only.DataAtom == atom.Section || only.DataAtom == atom.Article || only.DataAtom == atom.Body) {
			break
		}
		container = only
	}
	var blocks []*html.Node
	for c := container.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode || (c.Type == html.TextNode && strings.TrimSpace(c.Data) != "") {
			blocks = append(blocks, c)
		}
	}
	total := textLength(container)
	var drop []*html.Node
	removed, teasers, boiler := 0, 0, false
	for i := len(blocks) - 1; i >= 1; i-- {
		b := blocks[i]
		t := collapse(visibleText(b))
		switch {
		case t == "":
			drop = append(drop, b)
			continue
		case creditRe.MatchString(t) && teasers == 0 && !boiler:
			continue // the credits under the article stay, below what is removed
		case boilerplateRe.MatchString(t):
			boiler = true
		case teaserLike(b, t):
			teasers++
		default:
			i = 0 // the article's last paragraph: stop
			continue
		}
		drop = append(drop, b)
		removed += utf8.RuneCountInString(t)
	}
	if (teasers < 2 && !boiler) || removed*3 > total {
		return
	}
	for _, b := range drop {
		container.RemoveChild(b)
	}
}

// creditRe matches the credit lines that close an article: copyright,
// agency, photo credits. They belong to it, and they are kept.
var creditRe = regexp.MustCompile(`(?i)^(©|ⓒ|\(c\)|copyright\b|all rights reserved|tous droits|todos los derechos|جميع الحقوق|with .{0,30}wires|\(|\[|저작권자)`)

// teaserLike reports whether a block reads like a headline rather than a
// sentence of the article: short and without closing punctuation, or a
// list made only of such items.
func teaserLike(n *html.Node, text string) bool {
	if n.Type == html.ElementNode && (n.DataAtom == atom.Ul || n.DataAtom == atom.Ol) {
		items := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if t := collapse(visibleText(c)); t != "" {
					if !headline(t) && !onlyHeadings(c) && !linkDense(c, t) {
						return false
					}
					items++
				}
			}
		}
		return items > 0
	}
	return headline(text) || isHeading(n)
}

// onlyHeadings reports whether n holds headings and nothing else: a teaser
// made of a title and a subtitle.
func onlyHeadings(n *html.Node) bool {
	found := false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) != "":
			return false
		case c.Type == html.ElementNode:
			if !isHeading(c) {
				return false
			}
			found = true
		}
	}
	return found
}

func headline(t string) bool {
	if countWords(t) > maxTeaserWords {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(t, " \"'”’»)]"))
	return !strings.ContainsRune(".!?…:;؟۔。！？", last) && !unicode.IsDigit(last)
}

func onlyElementChild(n *html.Node) *html.Node {
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) != "":
			return nil
		case c.Type == html.ElementNode:
			if only != nil {
				return nil
			}
			only = c
		}
	}
	return only
}

// linkDense reports whether most of a block's text is link text: a list of
// links to other articles, however it is punctuated.
func linkDense(n *html.Node, text string) bool {
	linked := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			linked += utf8.RuneCountInString(collapse(visibleText(n)))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return linked*2 >= utf8.RuneCountInString(text)
}

// inlineTeaserRe matches a paragraph inside the article that points to
// another one: "Related: …", "Lire aussi : …".
var inlineTeaserRe = regexp.MustCompile(`(?i)^(related( stories| articles| coverage)?|read more|read also|see more|see also|more|don'?t miss|lire aussi|à lire aussi|a lire aussi|voir aussi|lire également|à voir aussi|lea también|lee también|lea además|también lea|leer más|ver también|ver más|mira|le puede interesar|te puede interesar|puede interesarte|también te puede interesar|noticias relacionadas|اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|إقرأ أيضا|اقرأ المزيد|شاهد أيضا|طالع أيضا)\s*[:：]`)

// dropInlineTeasers removes "Related: …" paragraphs wherever they are.
func dropInlineTeasers(root *html.Node) {
	var found []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.P || n.DataAtom == atom.Li || isHeading(n)) {
			if t := collapse(visibleText(n)); countWords(t) <= 30 && inlineTeaserRe.MatchString(t) {
				found = append(found, n)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	for _, n := range found {
		n.Parent.RemoveChild(n)
	}
}
