package record

import (
	"unicode/utf8"

	"xinyong/internal/catalog"
)

// PublicFields returns the content of a record restricted to the fields whose
// effective disclosure is public, in catalogue order as (code, name, value)
// triples. For natural persons the name is masked (surname kept) and every
// identity number is masked with mask, even when the catalogue would show it.
func PublicFields(t *catalog.Type, content map[string]string, person bool, mask func(string) string) []Field {
	out := make([]Field, 0, len(t.Fields))
	for i := range t.Fields {
		f := &t.Fields[i]
		v, ok := content[f.Code]
		if !ok || v == "" || t.FieldDisclosure(f) != catalog.DisclosurePublic {
			continue
		}
		switch {
		case f.Type == catalog.FieldIDNumber:
			v = mask(v)
		case person && f.Role == catalog.RoleSubjectName:
			v = MaskName(v)
		}
		out = append(out, Field{Code: f.Code, Name: f.Name, Value: v})
	}
	return out
}

// Field is one shown field of a record.
type Field struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// MaskName keeps the first character of a person's name: 张三丰 → 张**.
func MaskName(name string) string {
	n := utf8.RuneCountInString(name)
	if n <= 1 {
		return name
	}
	_, size := utf8.DecodeRuneInString(name)
	b := make([]byte, 0, size+n-1)
	b = append(b, name[:size]...)
	for i := 1; i < n; i++ {
		b = append(b, '*')
	}
	return string(b)
}
