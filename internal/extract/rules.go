package extract

import (
	"errors"
	"fmt"
	"strings"

	"github.com/andybalholm/cascadia"
)

// Rules are a source's own selectors for pages the extractor gets wrong.
// Body selects the element(s) holding the article; Drop lists elements to
// remove from it (share bars, "read also" boxes). Both are CSS selectors;
// the zero value means none.
type Rules struct {
	Body string
	Drop []string
}

// ErrInvalidRules is wrapped when a selector of Rules is not valid CSS.
var ErrInvalidRules = errors.New("invalid extraction rules")

// compiledRules are Rules parsed once per Extract.
type compiledRules struct {
	body cascadia.SelectorGroup
	drop []cascadia.SelectorGroup
}

// Check reports whether every selector of r is valid CSS, in words for the
// operator who typed them, so that a source's rules can be refused when
// they are set rather than when its pages are crawled.
func (r Rules) Check() error {
	_, err := r.compile()
	return err
}

// IsZero reports whether r holds no selector.
func (r Rules) IsZero() bool {
	if strings.TrimSpace(r.Body) != "" {
		return false
	}
	for _, d := range r.Drop {
		if strings.TrimSpace(d) != "" {
			return false
		}
	}
	return true
}

func (r Rules) compile() (compiledRules, error) {
	var c compiledRules
	if body := strings.TrimSpace(r.Body); body != "" {
		sel, err := cascadia.ParseGroup(body)
		if err != nil {
			return c, fmt.Errorf("%w: the body selector %q is not valid CSS: %w", ErrInvalidRules, body, err)
		}
		c.body = sel
	}
	for i, d := range r.Drop {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		sel, err := cascadia.ParseGroup(d)
		if err != nil {
			return c, fmt.Errorf("%w: drop selector %d, %q, is not valid CSS: %w", ErrInvalidRules, i+1, d, err)
		}
		c.drop = append(c.drop, sel)
	}
	return c, nil
}
