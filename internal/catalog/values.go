package catalog

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Amount is a decimal quantity with six fractional digits, stored as an
// integer count of millionths. For money in 万元 (the unit of the national
// decimal(18,6) columns) one unit is 0.01 元, i.e. one 分.
type Amount int64

// String formats the amount canonically in its unit (万元 for money):
// no leading zeros, no trailing fractional zeros ("1.5", "0.2", "3").
func (a Amount) String() string {
	var buf [24]byte
	return string(a.appendTo(buf[:0]))
}

func (a Amount) appendTo(b []byte) []byte {
	v := int64(a)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/1e6, 10)
	frac := v % 1e6
	if frac == 0 {
		return b
	}
	var f [6]byte
	for i := 5; i >= 0; i-- {
		f[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := 6
	for n > 0 && f[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, f[:n]...)
}

// Yuan returns the amount of a 万元 value in 元 as a float (for display).
func (a Amount) Yuan() float64 { return float64(a) / 100 }

// ParseAmount parses a non-negative decimal with at most 12 integer and 6
// fractional digits (decimal(18,6)). Full-width digits are accepted.
func ParseAmount(s string) (Amount, error) {
	a, reason := parseDecimal(foldWidth(strings.TrimSpace(s)))
	if reason != "" {
		return 0, &valueError{reason}
	}
	return a, nil
}

type valueError struct{ reason string }

func (e *valueError) Error() string { return e.reason }

// parseDecimal parses s (already trimmed and width-folded). It returns a
// Chinese reason on failure.
func parseDecimal(s string) (Amount, string) {
	if s == "" {
		return 0, "不能为空"
	}
	i := 0
	if s[0] == '+' {
		i++
	} else if s[0] == '-' {
		return 0, "不能为负数"
	}
	var intPart, frac int64
	nInt, nFrac := 0, 0
	seenDot, anyDigit := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			anyDigit = true
			if seenDot {
				if nFrac == 6 {
					return 0, "最多保留6位小数"
				}
				frac = frac*10 + int64(c-'0')
				nFrac++
			} else {
				if nInt == 12 {
					return 0, "整数部分最多12位"
				}
				intPart = intPart*10 + int64(c-'0')
				if intPart != 0 || c != '0' {
					nInt++
				}
			}
		case c == '.' && !seenDot:
			seenDot = true
		default:
			if strings.HasSuffix(s, "元") {
				return 0, "只填写数字，单位为万元"
			}
			return 0, "不是有效的数值"
		}
	}
	if !anyDigit {
		return 0, "不是有效的数值"
	}
	for k := nFrac; k < 6; k++ {
		frac *= 10
	}
	return Amount(intPart*1e6 + frac), ""
}

// parseInt parses an optional sign and up to 18 digits; canonical form has
// no leading zeros and no plus sign.
func parseInt(s string) (int64, string) {
	if s == "" {
		return 0, "不能为空"
	}
	v, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
	if err != nil {
		return 0, "不是有效的整数"
	}
	return v, ""
}

// Date parsing.

// dateVal is a parsed calendar date.
type dateVal struct{ y, m, d int }

func (d dateVal) String() string {
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

func (d dateVal) appendTo(b []byte) []byte {
	b = append(b, byte('0'+d.y/1000), byte('0'+d.y/100%10), byte('0'+d.y/10%10), byte('0'+d.y%10), '-')
	b = append(b, byte('0'+d.m/10), byte('0'+d.m%10), '-')
	return append(b, byte('0'+d.d/10), byte('0'+d.d%10))
}

func (d dateVal) time() time.Time {
	return time.Date(d.y, time.Month(d.m), d.d, 0, 0, 0, 0, Shanghai)
}

func (d dateVal) less(o dateVal) bool {
	if d.y != o.y {
		return d.y < o.y
	}
	if d.m != o.m {
		return d.m < o.m
	}
	return d.d < o.d
}

func (d dateVal) openEnded() bool { return d.y == 2099 && d.m == 12 && d.d == 31 }

const (
	minYear = 1900
	maxYear = 2099
)

// parseDate accepts YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD (month and day with
// one or two digits), YYYYMMDD and YYYY年M月D日, optionally followed by a
// time of day (" 00:00:00", "T00:00:00.000") which is ignored. s must be
// trimmed and width-folded. The reason is Chinese.
func parseDate(s string) (dateVal, string) {
	const bad = "日期格式不正确，应为YYYY-MM-DD、YYYY/MM/DD或YYYYMMDD"
	// Strip a trailing time of day.
	if i := strings.IndexAny(s, " T"); i > 0 {
		rest := strings.TrimSpace(s[i+1:])
		for j := 0; j < len(rest); j++ {
			c := rest[j]
			if !(c >= '0' && c <= '9' || c == ':' || c == '.') {
				return dateVal{}, bad
			}
		}
		s = s[:i]
	}
	var d dateVal
	switch {
	case len(s) == 8 && allDigits(s):
		d.y = atoi(s[0:4])
		d.m = atoi(s[4:6])
		d.d = atoi(s[6:8])
	case strings.HasSuffix(s, "日") && strings.Contains(s, "年"):
		y, rest, ok1 := strings.Cut(s, "年")
		m, rest, ok2 := strings.Cut(rest, "月")
		dd := strings.TrimSuffix(rest, "日")
		if !ok1 || !ok2 || len(y) != 4 || !allDigits(y) || !digits12(m) || !digits12(dd) {
			return dateVal{}, bad
		}
		d = dateVal{atoi(y), atoi(m), atoi(dd)}
	default:
		if len(s) < 8 || len(s) > 10 || !allDigits(s[:4]) {
			return dateVal{}, bad
		}
		sep := s[4]
		if sep != '-' && sep != '/' && sep != '.' {
			return dateVal{}, bad
		}
		m, dd, ok := strings.Cut(s[5:], string(sep))
		if !ok || !digits12(m) || !digits12(dd) {
			return dateVal{}, bad
		}
		d = dateVal{atoi(s[:4]), atoi(m), atoi(dd)}
	}
	if d.y < minYear || d.y > maxYear {
		return dateVal{}, "年份超出范围（1900-2099）"
	}
	if d.m < 1 || d.m > 12 || d.d < 1 || d.d > daysIn(d.y, d.m) {
		return dateVal{}, "日期不存在"
	}
	return d, ""
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func allDigits(s string) bool {
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

func digits12(s string) bool { return (len(s) == 1 || len(s) == 2) && allDigits(s) }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isOpenEndedWord reports the words used for "长期" in valid-to columns.
func isOpenEndedWord(s string) bool {
	switch s {
	case "长期", "长期有效", "永久", "永久有效", "无期限":
		return true
	}
	return false
}

// Text helpers.

// foldWidth maps full-width ASCII (U+FF01–U+FF5E) to ASCII and the
// ideographic space to a space. It allocates only when something changes.
func foldWidth(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			break
		}
	}
	if i == len(s) {
		return s
	}
	need := false
	for _, r := range s[i:] {
		if r >= 0xFF01 && r <= 0xFF5E || r == 0x3000 {
			need = true
			break
		}
	}
	if !need {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteByte(byte(r - 0xFF01 + 0x21))
		case r == 0x3000:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// upperASCII upper-cases ASCII letters, allocating only when needed.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// trim removes surrounding white space including U+3000, NBSP and BOM.
func trim(s string) string {
	if !spaceAtEdge(s) { // most cells: no copy of TrimSpace's slow path for non-ASCII text
		return s
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "\uFEFF") {
		s = strings.TrimSpace(s[len("\uFEFF"):])
	}
	return s
}

// isMultiSep reports the separators accepted between values of an
// enum_multi field.
func isMultiSep(r rune) bool {
	switch r {
	case ';', '；', ',', '，', '、':
		return true
	}
	return false
}

// normHeader normalises a header cell or row key for lookup: trimmed,
// full-width folded, ASCII upper-cased, inner white space removed and
// required-markers ("*") stripped.
func normHeader(s string) string {
	s = foldWidth(trim(s))
	s = strings.Trim(s, "* ")
	if strings.ContainsAny(s, " \t\r\n") {
		s = strings.Join(strings.Fields(s), "")
	}
	return upperASCII(s)
}

// spaceAtEdge reports whether s begins or ends with white space or begins
// with a byte order mark (what trim removes).
func spaceAtEdge(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c < utf8.RuneSelf {
		if asciiSpace(c) {
			return true
		}
	} else if r, _ := utf8.DecodeRuneInString(s); r == '\uFEFF' || unicode.IsSpace(r) {
		return true
	}
	if c := s[len(s)-1]; c < utf8.RuneSelf {
		return asciiSpace(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
