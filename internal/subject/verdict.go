package subject

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// Verdict is the outcome of checking one identifier.
type Verdict struct {
	Kind  IDKind `json:"kind"`
	Input string `json:"input"` // as given
	// Normalized is the cleaned form to store and key on; it is meaningful
	// when OK or CheckCharOnly.
	Normalized string `json:"normalized"`
	OK         bool   `json:"ok"`
	// CheckCharOnly is true when the format is fine and only a check
	// character is wrong: an importer may accept and flag, a form rejects.
	CheckCharOnly bool   `json:"check_char_only"`
	Reason        string `json:"reason,omitempty"` // Simplified Chinese, empty when OK
	// Type is the subject type the identifier itself implies (USCC category,
	// personal documents => natural), else "".
	Type       Type      `json:"type,omitempty"`
	Region     string    `json:"region,omitempty"`      // 6-digit region code where the identifier carries one
	RegionName string    `json:"region_name,omitempty"` // e.g. "福建省福州市", best effort
	BirthDate  time.Time `json:"birth_date,omitzero"`   // identity numbers, permits; China Standard Time
}

// Err returns nil when the verdict is OK, else an invalid-field error naming
// field, with the verdict's Chinese reason.
func (v Verdict) Err(field string) error {
	if v.OK {
		return nil
	}
	reason := v.Reason
	if reason == "" {
		reason = "证件号码无效"
	}
	return errs.Field(field, reason)
}

// cst is China Standard Time. A fixed zone keeps the package free of the
// tzdata dependency; China has not used daylight saving since 1991.
var cst = time.FixedZone("CST", 8*3600)

// clean removes all whitespace (incl. U+3000 and zero-width characters),
// folds full-width ASCII to half-width and upper-cases ASCII letters.
func clean(s string) string {
	if isCleanASCII(s) {
		// A copy: s is often a slice of a whole CSV record, which the
		// normalised code (kept by the import's maps) must not pin.
		return strings.Clone(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldWidth(r)
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

// foldWidth maps full-width ASCII variants (U+FF01–U+FF5E) and the
// ideographic space to their half-width forms.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + 0x21
	case r == 0x3000:
		return ' '
	}
	return r
}

func isInvisible(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return true
	}
	return false
}

// verdict helpers keep the validators short.

// isCleanASCII reports whether clean(s) is s: only digits, capitals and
// printable ASCII other than space (the usual code as typed).
func isCleanASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || (c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func newVerdict(kind IDKind, input string) Verdict {
	return Verdict{Kind: kind, Input: input, Normalized: clean(input)}
}

func (v Verdict) fail(reason string) Verdict {
	v.OK, v.CheckCharOnly, v.Reason = false, false, reason
	return v
}

func (v Verdict) badCheck(reason string) Verdict {
	v.OK, v.CheckCharOnly, v.Reason = false, true, reason
	return v
}

func (v Verdict) ok() Verdict {
	v.OK, v.CheckCharOnly, v.Reason = true, false, ""
	return v
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpperAlnum(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// lengthReason phrases a wrong-length complaint.
// got is counted in characters, not bytes.
func lengthReason(label string, want string, s string) string {
	got := utf8.RuneCountInString(s)
	return label + "应为" + want + "位，实际为" + strconv.Itoa(got) + "位"
}

func itoa(n int) string { return strconv.Itoa(n) }
