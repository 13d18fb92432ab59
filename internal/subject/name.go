package subject

import (
	"strings"
	"unicode"
)

// NormalizeName returns the matching key of a subject name; the name shown to
// users stays as given. It folds full-width ASCII to half-width, unifies the
// brackets （）【】〔〕〖〗 and ASCII () [] to (), removes all whitespace
// (including U+3000 and zero-width characters) and upper-cases ASCII letters.
// NormalizeName is idempotent.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldWidth(r)
		switch r {
		case '[', '【', '〔', '〖':
			r = '('
		case ']', '】', '〕', '〗':
			r = ')'
		}
		if unicode.IsSpace(r) || isInvisible(r) {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
