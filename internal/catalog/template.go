package catalog

// Sample values used when a field has no Example.
const (
	sampleUSCC     = "91350100M000100Y43" // GB 32100 worked example
	sampleIDNumber = "11010519491231002X" // GB 11643 sample
)

// Template returns the data of the upload template of a type: the Chinese
// header row, the field-code row and one sample row that passes
// ValidateRow. It returns nils for an unknown type.
func (c Catalog) Template(code string) (headersZh, codes, sample []string) {
	t, ok := c.Lookup(code)
	if !ok {
		return nil, nil, nil
	}
	n := len(t.Fields)
	headersZh, codes, sample = make([]string, n), make([]string, n), make([]string, n)
	person := false
	if f, ok := t.FieldByRole(RoleSubjectType); ok && f.Example == SubjectPerson {
		person = true
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		headersZh[i], codes[i] = f.Name, f.Code
		sample[i] = sampleValue(f, person, f.Required)
	}
	// Conditionally required fields whose condition the sample meets.
	for i := range t.Fields {
		f := &t.Fields[i]
		if sample[i] != "" || f.RequiredWhen == nil {
			continue
		}
		for j := range t.Fields {
			if t.Fields[j].Code == f.RequiredWhen.Field && multiContains(sample[j], f.RequiredWhen.AnyOf) {
				sample[i] = sampleValue(f, person, true)
			}
		}
	}
	return headersZh, codes, sample
}

func sampleValue(f *Field, person, need bool) string {
	switch f.Role {
	case RoleSubjectIDKind, RoleSubjectIDNumber:
		if !person {
			return ""
		}
		need = true
	case RoleSubjectCode, RoleLegalRep:
		if person {
			return ""
		}
		need = true
	case RoleSubjectCodeLegacy, RoleLegalRepIDKind, RoleLegalRepIDNumber:
		if person {
			return ""
		}
	case RoleSubjectType:
		if f.Example != "" {
			return f.Example
		}
		return SubjectOrg
	}
	if f.Example != "" {
		return f.Example
	}
	if !need {
		return ""
	}
	switch f.Type {
	case FieldDate:
		switch f.Role {
		case RoleValidTo:
			return "2027-02-28"
		case RolePublicityUntil:
			return "2025-02-28"
		}
		return "2024-03-01"
	case FieldDecimal:
		return "1.5"
	case FieldInt:
		return "1"
	case FieldEnum, FieldEnumMulti, FieldIDKind:
		if v := f.values(); len(v) > 0 {
			return v[0]
		}
		return ""
	case FieldSubjectCode:
		return sampleUSCC
	case FieldIDNumber:
		return sampleIDNumber
	}
	switch f.Role {
	case RoleSubjectName:
		if person {
			return "张三"
		}
		return "示例科技有限公司"
	case RoleLegalRep:
		return "张三"
	case RoleDocNo:
		return "示例〔2024〕1号"
	}
	return f.Name + "示例"
}
