package api

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"xinyong/internal/check"
)

// appendCheckJSON appends the answer of one check exactly as
// json.NewEncoder(w).Encode(r) writes it (HTML-safe escaping, trailing
// newline), without reflection: the check's answer is the hot path and
// encoding/json was the largest part of its handler. ok is false when the
// answer holds something this encoder does not write like encoding/json
// (a time outside years 0-9999, a NaN or infinite float); the caller then
// uses encoding/json. TestCheckJSONFields fails when a field is added to
// one of the types without being added here.
func appendCheckJSON(b []byte, r *CheckResponse) (_ []byte, ok bool) {
	a := &r.Answer
	b = append(b, `{"check_id":`...)
	b = appendJSONString(b, r.CheckID)
	b = append(b, `,"found":`...)
	b = strconv.AppendBool(b, r.Found)
	b = append(b, `,"subject":{"code":`...)
	b = appendJSONString(b, r.Subject.Code)
	if r.Subject.Name != "" {
		b = append(b, `,"name":`...)
		b = appendJSONString(b, r.Subject.Name)
	}
	if r.Subject.Type != "" {
		b = append(b, `,"type":`...)
		b = appendJSONString(b, r.Subject.Type)
	}
	if r.Subject.TypeLabel != "" {
		b = append(b, `,"type_label":`...)
		b = appendJSONString(b, r.Subject.TypeLabel)
	}
	b = append(b, `},"scenario":{"code":`...)
	b = appendJSONString(b, a.Scenario.Code)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, a.Scenario.Name)
	b = append(b, `},"as_of":`...)
	if b, ok = appendJSONTime(b, a.AsOf); !ok {
		return b, false
	}
	b = append(b, `,"rules_version":`...)
	b = strconv.AppendInt(b, a.RulesVersion, 10)
	b = append(b, `,"entries":`...)
	b = appendEntryViews(b, a.Entries)
	b = append(b, `,"measures":`...)
	if a.Measures == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range a.Measures {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendDecision(b, &a.Measures[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"paused":`...)
	b = appendEntryViews(b, a.Paused)
	b = append(b, `,"related_hits":`...)
	if a.RelatedHits == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range a.RelatedHits {
			if i > 0 {
				b = append(b, ',')
			}
			h := &a.RelatedHits[i]
			b = append(b, `{"subject":`...)
			b = appendJSONString(b, h.Subject)
			b = append(b, `,"name":`...)
			b = appendJSONString(b, h.Name)
			b = append(b, `,"role":`...)
			b = appendJSONString(b, h.Role)
			b = append(b, `,"via":`...)
			b = appendJSONString(b, h.Via)
			b = append(b, `,"entries":`...)
			b = appendEntryViews(b, h.Entries)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"aggravated":`...)
	b = strconv.AppendBool(b, a.Aggravated)
	if len(a.AggravatedDomains) > 0 {
		b = append(b, `,"aggravated_domains":`...)
		b = appendJSONStrings(b, a.AggravatedDomains)
	}
	b = append(b, `,"incentives":{"red_lists":`...)
	b = appendJSONStrings(b, a.Incentives.RedLists)
	b = append(b, `,"clean_3y":`...)
	b = strconv.AppendBool(b, a.Incentives.Clean3Y)
	if a.Incentives.Blocked != "" {
		b = append(b, `,"blocked":`...)
		b = appendJSONString(b, a.Incentives.Blocked)
	}
	b = append(b, `,"measures":`...)
	b = appendJSONStrings(b, a.Incentives.Measures)
	b = append(b, '}')
	if len(a.Monitoring) > 0 {
		b = append(b, `,"monitoring":`...)
		b = appendEntryViews(b, a.Monitoring)
	}
	if s := a.Supervision; s != nil {
		if math.IsNaN(s.PerYear) || math.IsInf(s.PerYear, 0) {
			return b, false
		}
		b = append(b, `,"supervision":{"grade":`...)
		b = appendJSONString(b, s.Grade)
		b = append(b, `,"class":`...)
		b = appendJSONString(b, s.Class)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, s.Name)
		b = append(b, `,"mode":`...)
		b = appendJSONString(b, s.Mode)
		b = append(b, `,"inspections_per_year":`...)
		b = appendJSONFloat(b, s.PerYear)
		b = append(b, '}')
	}
	return append(b, "}\n"...), true
}

func appendEntryViews(b []byte, es []check.EntryView) []byte {
	if es == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range es {
		if i > 0 {
			b = append(b, ',')
		}
		e := &es[i]
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, e.ID, 10)
		b = append(b, `,"list_type":`...)
		b = appendJSONString(b, e.ListType)
		b = append(b, `,"list_name":`...)
		b = appendJSONString(b, e.ListName)
		b = append(b, `,"kind":`...)
		b = appendJSONString(b, string(e.Kind))
		b = append(b, `,"domain":`...)
		b = appendJSONString(b, e.Domain)
		b = append(b, `,"identifying_dept":`...)
		b = appendJSONString(b, e.Dept)
		b = append(b, `,"basis_doc":`...)
		b = appendJSONString(b, e.BasisDoc)
		b = append(b, `,"basis":`...)
		b = appendJSONStrings(b, e.Basis)
		b = append(b, `,"start":`...)
		b = appendJSONString(b, e.Start)
		if e.End != "" {
			b = append(b, `,"end":`...)
			b = appendJSONString(b, e.End)
		}
		if e.Paused {
			b = append(b, `,"paused":true`...)
		}
		if e.MonitorUntil != "" {
			b = append(b, `,"monitor_until":`...)
			b = appendJSONString(b, e.MonitorUntil)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendDecision(b []byte, d *check.Decision) []byte {
	b = append(b, `{"code":`...)
	b = appendJSONString(b, d.Code)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(d.Kind))
	b = append(b, `,"category":`...)
	b = appendJSONString(b, string(d.Category))
	b = append(b, `,"mode":`...)
	b = appendJSONString(b, string(d.Mode))
	b = append(b, `,"text":`...)
	b = appendJSONString(b, d.Text)
	b = append(b, `,"legal_basis":`...)
	b = appendJSONStrings(b, d.LegalBasis)
	b = append(b, `,"binds":`...)
	b = appendJSONStrings(b, d.Binds)
	b = append(b, `,"implementing_depts":`...)
	b = appendJSONStrings(b, d.ImplementingDepts)
	b = append(b, `,"applies_as":`...)
	b = appendJSONString(b, d.AppliesAs)
	b = append(b, `,"because":`...)
	if d.Because == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i := range d.Because {
		if i > 0 {
			b = append(b, ',')
		}
		c := &d.Because[i]
		b = append(b, '{')
		if c.Entry != 0 {
			b = append(b, `"entry":`...)
			b = strconv.AppendInt(b, c.Entry, 10)
			b = append(b, ',')
		}
		for _, f := range [...]struct{ name, v string }{
			{`"subject":`, c.Subject}, {`"role":`, c.Role}, {`"basis_doc":`, c.BasisDoc}, {`"list_type":`, c.ListType},
			{`"list_name":`, c.ListName}, {`"list_basis":`, c.ListBasis}, {`"condition":`, c.Condition},
		} {
			if f.v != "" {
				b = append(b, f.name...)
				b = appendJSONString(b, f.v)
				b = append(b, ',')
			}
		}
		b = append(b, `"measure":`...)
		b = appendJSONString(b, c.Measure)
		if c.Basis != "" {
			b = append(b, `,"basis":`...)
			b = appendJSONString(b, c.Basis)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONTime writes t as time.Time.MarshalJSON does (RFC 3339 with
// nanoseconds), which refuses years outside 0-9999.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := t.Zone(); off%60 != 0 || off <= -24*3600 || off >= 24*3600 {
		return b, false // MarshalJSON refuses offsets it cannot write
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// appendJSONFloat writes f as encoding/json does (ES6 number formatting).
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping (the
// default of json.Encoder): <, > and & as \u003c etc., U+2028 and U+2029
// escaped, invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
