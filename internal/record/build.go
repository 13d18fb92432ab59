package record

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"xinyong/internal/calendar"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/publicity"
)

// Env is what building a record needs besides the row: the working-day
// calendar and the publicity rules in force.
type Env struct {
	Calendar *calendar.Calendar
	Rules    []publicity.Rule
}

// Draft is a validated row turned into the facts of a record version.
type Draft struct {
	Row             catalog.Row
	Severity        catalog.Severity
	DecisionDate    string
	ValidTo         string
	PublicityMinEnd string
	PublicityEnd    string
	Content         string // canonical JSON of the row's values
	// Compact is Content in the storage form of an import (see Compact),
	// "" when the values have a key outside the type's fields.
	Compact     string
	ContentHash string
	Flags       []string
	Warnings    []errs.FieldError
}

// Build derives a draft from a validated row of type t: severity, publicity
// window (rules keyed by the decision date; per-type overrides win), content
// and its hash. A row that asked for a 公示截止期 outside the rule's window is
// clamped into it and warned about.
func Build(t *catalog.Type, row catalog.Row, env Env) Draft {
	d := Draft{Row: row, Severity: t.SeverityOf(row)}
	if t.Nature != catalog.NatureBad {
		d.Severity = catalog.SeverityNone
	}
	if !row.DecisionDate.IsZero() {
		d.DecisionDate = row.DecisionDate.Format("2006-01-02")
	}
	switch {
	case row.OpenEnded:
		d.ValidTo = catalog.OpenEndedDate
	case !row.ValidTo.IsZero():
		d.ValidTo = row.ValidTo.Format("2006-01-02")
	}
	until := ""
	if !row.PublicityUntil.IsZero() {
		until = row.PublicityUntil.Format("2006-01-02")
	}
	switch t.PublicityRule {
	case catalog.PublicityNegativeWindow:
		d.window(t, until, env)
	case catalog.PublicityValidPeriod, catalog.PublicityListPeriod:
		d.PublicityEnd = until
		if d.PublicityEnd == "" && d.ValidTo != catalog.OpenEndedDate {
			d.PublicityEnd = d.ValidTo
		}
	}
	codes := t.SortedCodes()
	vp := valueBufs.Get().(*[]string)
	if vals := row.SortedValues((*vp)[:0]); len(vals) == len(codes) {
		d.Compact, d.ContentHash = canonicalOf(codes, vals)
		clear(vals)
		*vp = vals[:0]
	} else { // a row of another type
		d.Content, d.ContentHash = Canonical(row.Values())
	}
	valueBufs.Put(vp)
	return d
}

func (d *Draft) window(t *catalog.Type, until string, env Env) {
	dec, err := calendar.ParseDate(d.DecisionDate)
	if err != nil {
		d.PublicityEnd = until
		d.Flags = append(d.Flags, FlagNoRule)
		return
	}
	sev := publicity.Severity(d.Severity)
	rule, err := publicity.Select(env.Rules, t.Code, sev, dec)
	if err != nil && sev == publicity.Minor {
		// Before 国办发〔2025〕22号 there was no 轻微 class: such decisions
		// fall under the 一般 rules of their time.
		rule, err = publicity.Select(env.Rules, t.Code, publicity.General, dec)
	}
	if err != nil {
		d.PublicityEnd = until
		if d.PublicityEnd == "" && d.ValidTo != catalog.OpenEndedDate {
			d.PublicityEnd = d.ValidTo
		}
		d.Flags = append(d.Flags, FlagNoRule)
		return
	}
	minEnd, maxEnd := publicity.Window(rule, dec)
	d.PublicityMinEnd, d.PublicityEnd = minEnd.String(), maxEnd.String()
	switch {
	case until == "":
	case until > d.PublicityEnd:
		d.Warnings = append(d.Warnings, errs.FieldError{Field: "publicity_until",
			Reason: "公示截止期 " + until + " 超过最长公示期（" + rule.Source + "），按 " + d.PublicityEnd + " 公示"})
	case until < d.PublicityMinEnd:
		d.Warnings = append(d.Warnings, errs.FieldError{Field: "publicity_until",
			Reason: "公示截止期 " + until + " 短于最短公示期（" + rule.Source + "），按 " + d.PublicityEnd + " 公示"})
	default:
		d.PublicityEnd = until
	}
}

// Canonical returns the canonical JSON of a row's values (keys sorted) and
// its SHA-256: identical content gives an identical hash whatever the input
// order, header names or date format.
func Canonical(values map[string]string) (string, string) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.Grow(64 * len(keys))
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, k)
		b.WriteByte(':')
		writeJSONString(&b, values[k])
	}
	b.WriteByte('}')
	s := b.String()
	sum := sha256.Sum256([]byte(s))
	return s, hex.EncodeToString(sum[:])
}

// canonicalOf is Canonical for a row given as vals, the value of each of
// codes (sorted ascending; "" = absent): the keys are taken in that order
// instead of being collected and sorted per row. It returns the Compact
// form and the hash of the canonical JSON, which is hashed from a reused
// buffer and not kept.
func canonicalOf(codes, vals []string) (compact, hash string) {
	bp := canonBufs.Get().(*[]byte)
	defer canonBufs.Put(bp)
	var c strings.Builder
	b := writeInOrder(codes, vals, (*bp)[:0], &c)
	*bp = b[:0]
	sum := sha256.Sum256(b)
	return c.String(), hex.EncodeToString(sum[:])
}

var valueBufs = sync.Pool{New: func() any { v := make([]string, 0, 64); return &v }}

var canonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// aligned returns the value of each of codes in values ("" = absent); ok
// is false when values holds a key outside codes or an empty value (which
// the Compact form cannot tell from an absent one).
func aligned(codes []string, values map[string]string) (vals []string, ok bool) {
	vals = make([]string, len(codes))
	n := 0
	for i, k := range codes {
		if v, found := values[k]; found {
			if v == "" {
				return nil, false
			}
			vals[i] = v
			n++
		}
	}
	return vals, n == len(values)
}

// writeInOrder writes vals (the value of each of codes, "" = absent) as the
// Compact array to c and, when b is not nil, as the canonical JSON object
// appended to b (each value escaped once, in c, and copied).
func writeInOrder(codes, vals []string, b []byte, c *strings.Builder) []byte {
	// The size without escapes: the builder's string is kept, so it should
	// not be much larger.
	size := 2
	for _, v := range vals {
		size += len(v) + 3
	}
	c.Grow(size)
	canon := b != nil
	if canon {
		b = append(b, '{')
	}
	c.WriteByte('[')
	n, absent := 0, 0
	for i, v := range vals {
		if v == "" {
			absent++
			continue
		}
		if c.Len() > 1 {
			c.WriteByte(',')
		}
		for ; absent > 0; absent-- {
			c.WriteString("0,")
		}
		at := c.Len()
		writeJSONString(c, v)
		if canon {
			if n > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, codes[i])
			b = append(b, ':')
			b = append(b, c.String()[at:]...)
		}
		n++
	}
	if canon {
		b = append(b, '}')
	}
	c.WriteByte(']')
	return b
}

// jsonSpecial marks the bytes a JSON string cannot hold as they are (or
// that json.Marshal escapes: <, >, &).
var jsonSpecial = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	for _, c := range `"\<>&` {
		t[c] = true
	}
	t[0x7f] = false
	return t
}()

func isSimpleJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if jsonSpecial[s[i]] {
			return false
		}
	}
	return true
}

// writeJSONString writes s as a JSON string, escaped as json.Marshal does.
func writeJSONString(b *strings.Builder, s string) {
	if isSimpleJSON(s) {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	q, _ := json.Marshal(s)
	b.Write(q)
}

// appendJSONString is writeJSONString for a byte slice.
func appendJSONString(b []byte, s string) []byte {
	if isSimpleJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// ParseContent decodes stored content in the canonical form (a JSON object
// by field code). Content that may be compact is decoded by DecodeContent.
func ParseContent(s string) map[string]string {
	m := map[string]string{}
	if s != "" {
		_ = json.Unmarshal([]byte(s), &m)
	}
	return m
}

// Compact is the storage form of an imported row's content: a JSON array
// of the values in the order of codes (the SortedCodes of the record's type
// in the record's catalogue version), 0 for an absent field, trailing
// absent fields left out. It drops the field codes that make up about a
// quarter of the canonical JSON. ok is false when values holds a key
// outside codes: such content is stored canonical. The content hash is
// always that of the canonical form.
func Compact(codes []string, values map[string]string) (content string, ok bool) {
	vals, ok := aligned(codes, values)
	if !ok {
		return "", false
	}
	var c strings.Builder
	writeInOrder(codes, vals, nil, &c)
	return c.String(), true
}

// IsCompact reports whether stored content is in the Compact form.
func IsCompact(s string) bool {
	return strings.HasPrefix(s, "[")
}

// DecodeContent decodes stored content, canonical or Compact; codes gives
// the field codes of the record's type in its catalogue version and is
// called only for compact content.
func DecodeContent(s string, codes func() ([]string, error)) (map[string]string, error) {
	if !IsCompact(s) {
		return ParseContent(s), nil
	}
	cs, err := codes()
	if err != nil {
		return nil, err
	}
	var vals []any
	if err := json.Unmarshal([]byte(s), &vals); err != nil {
		return nil, fmt.Errorf("compact content: %w", err)
	}
	if len(vals) > len(cs) {
		return nil, fmt.Errorf("compact content: %d values for %d fields", len(vals), len(cs))
	}
	m := make(map[string]string, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case string:
			m[cs[i]] = x
		case float64:
			if x != 0 {
				return nil, fmt.Errorf("compact content: value %d is %v", i, x)
			}
		default:
			return nil, fmt.Errorf("compact content: value %d is %T", i, v)
		}
	}
	return m, nil
}

// Lateness returns the working days a 双公示 record published on the civil
// date published is late (0 when on time or when the type has no deadline).
func Lateness(t *catalog.Type, cal *calendar.Calendar, decision, published string) int {
	if !t.DualPublicity || decision == "" {
		return 0
	}
	dd, err1 := calendar.ParseDate(decision)
	pd, err2 := calendar.ParseDate(published)
	if err1 != nil || err2 != nil {
		return 0
	}
	return publicity.Lateness(cal, dd, pd)
}
