package catalog

import (
	"strconv"
	"strings"

	"xinyong/internal/errs"
)

// Validate checks the catalogue's invariants and returns an errs.Invalid
// listing every problem (field paths like "penalty.CF_WSH", Chinese reasons):
//
//   - version ≥ 1, at least one type, type codes unique lower-case identifiers;
//   - each type: name, valid nature/severity/disclosure, version ≥ 1; a 失信
//     type has a severity and other types none; a known publicity rule whose
//     dates exist (negative_window and list_period need a decision date and
//     negative_window a 失信 nature, valid_period needs valid_to); 双公示 needs a
//     required decision date; department codes unique lower-case;
//   - fields: codes unique upper-case identifiers, names unique, headers
//     (code, name, aliases) unambiguous, valid type/role/disclosure, value
//     sets where (and only where) the type takes them, aliases pointing into
//     the set, enum_multi values free of separators, roles on fitting types;
//   - exactly one required doc_no and one required subject_name; a
//     subject_code or subject_id_number field; ID kind and number paired;
//     roles other than subject_code_legacy at most once; subject_type values
//     from the national vocabulary;
//   - field disclosure never more open than the type's, and ID numbers never
//     public;
//   - required_when refers to another enum field and its values;
//     severity_map keys are values of the severity_hint field.
func (c Catalog) Validate() error {
	v := &validator{}
	if c.Version < 1 {
		v.add("version", "目录版本号必须为正整数")
	}
	if len(c.Types) == 0 {
		v.add("types", "目录至少包含一个信息类别")
	}
	seen := map[string]bool{}
	for i := range c.Types {
		t := &c.Types[i]
		path := t.Code
		if path == "" {
			path = "types[" + strconv.Itoa(i) + "]"
		}
		if !isIdent(t.Code, false) {
			v.add(path+".code", "类别代码必须为小写字母、数字或下划线组成，且以字母开头")
		} else if seen[t.Code] {
			v.add(path+".code", "类别代码重复："+t.Code)
		}
		seen[t.Code] = true
		v.typ(path, t)
	}
	if len(v.problems) > 0 {
		return errs.Invalid("catalog.invalid", "信用信息目录不合法", v.problems...)
	}
	return nil
}

type validator struct{ problems []errs.FieldError }

func (v *validator) add(field, reason string) {
	v.problems = append(v.problems, errs.FieldError{Field: field, Reason: reason})
}

// isIdent: lower (a-z0-9_) or upper (A-Z0-9_) identifier starting with a letter.
func isIdent(s string, upper bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z'
		if upper {
			letter = c >= 'A' && c <= 'Z'
		}
		if i == 0 && !letter {
			return false
		}
		if !letter && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

func (v *validator) typ(path string, t *Type) {
	if strings.TrimSpace(t.Name) == "" {
		v.add(path+".name", "类别名称不能为空")
	}
	if !t.Nature.Valid() {
		v.add(path+".nature", "信息性质只能是守信、失信或中性")
	}
	if !t.Severity.Valid() {
		v.add(path+".severity", "严重程度只能是轻微、一般或严重")
	} else if t.Nature == NatureBad && t.Severity == SeverityNone {
		v.add(path+".severity", "失信信息必须设置默认严重程度")
	} else if t.Nature != NatureBad && t.Severity != SeverityNone {
		v.add(path+".severity", "只有失信信息才设置严重程度")
	}
	if !t.Disclosure.Valid() {
		v.add(path+".disclosure", "公开属性只能是公开、共享或授权查询")
	}
	if t.Version < 1 {
		v.add(path+".version", "类别版本号必须为正整数")
	}
	deps := map[string]bool{}
	for _, d := range t.Departments {
		if !isIdent(d, false) {
			v.add(path+".departments", "部门代码不合法："+d)
		} else if deps[d] {
			v.add(path+".departments", "部门代码重复："+d)
		}
		deps[d] = true
	}
	if len(t.Fields) == 0 {
		v.add(path+".fields", "类别至少包含一个字段")
		return
	}

	codes := map[string]int{}
	names := map[string]bool{}
	headers := map[string]string{} // normalised header → field code
	roles := map[Role]int{}
	for i := range t.Fields {
		f := &t.Fields[i]
		fp := path + "." + f.Code
		if f.Code == "" {
			fp = path + ".fields[" + strconv.Itoa(i) + "]"
		}
		if !isIdent(f.Code, true) {
			v.add(fp+".code", "字段代码必须为大写字母、数字或下划线组成，且以字母开头")
		} else if _, dup := codes[f.Code]; dup {
			v.add(fp+".code", "字段代码重复："+f.Code)
		}
		codes[f.Code] = i
		if strings.TrimSpace(f.Name) == "" {
			v.add(fp+".name", "字段名称不能为空")
		} else if names[f.Name] {
			v.add(fp+".name", "字段名称重复："+f.Name)
		}
		names[f.Name] = true
		for _, h := range append([]string{f.Code, f.Name}, f.Aliases...) {
			k := normHeader(h)
			if k == "" {
				v.add(fp+".aliases", "别名不能为空")
				continue
			}
			if other, ok := headers[k]; ok && other != f.Code {
				v.add(fp+".aliases", "表头“"+h+"”与字段"+other+"冲突")
			}
			headers[k] = f.Code
		}
		v.field(fp, t, f)
		if f.Role != RoleNone {
			roles[f.Role]++
		}
	}

	for _, r := range roleOrder {
		if roles[r] > 1 && r != RoleSubjectCodeLegacy {
			v.add(path+".fields", "字段角色"+string(r)+"只能出现一次")
		}
	}
	if f, ok := t.FieldByRole(RoleDocNo); !ok {
		v.add(path+".fields", "必须有且仅有一个文书号（doc_no）字段")
	} else if !f.Required {
		v.add(path+"."+f.Code+".required", "文书号字段必须必填")
	}
	if f, ok := t.FieldByRole(RoleSubjectName); !ok {
		v.add(path+".fields", "必须有一个主体名称（subject_name）字段")
	} else if !f.Required {
		v.add(path+"."+f.Code+".required", "主体名称字段必须必填")
	}
	if roles[RoleSubjectCode] == 0 && roles[RoleSubjectIDNumber] == 0 {
		v.add(path+".fields", "必须有统一社会信用代码（subject_code）或证件号码（subject_id_number）字段")
	}
	if (roles[RoleSubjectIDKind] == 0) != (roles[RoleSubjectIDNumber] == 0) {
		v.add(path+".fields", "证件类型与证件号码字段必须成对出现")
	}
	if (roles[RoleLegalRepIDKind] == 0) != (roles[RoleLegalRepIDNumber] == 0) {
		v.add(path+".fields", "法定代表人证件类型与证件号码字段必须成对出现")
	}
	if roles[RoleSubjectCodeLegacy] > 0 && roles[RoleSubjectCode] == 0 {
		v.add(path+".fields", "有其他行政相对人代码字段时必须有统一社会信用代码字段")
	}
	if f, ok := t.FieldByRole(RoleSubjectType); ok {
		for _, x := range f.Values {
			if x != SubjectOrg && x != SubjectPerson && x != SubjectIndividual {
				v.add(path+"."+f.Code+".values", "行政相对人类别只能取法人及非法人组织、自然人、个体工商户："+x)
			}
		}
		if hasValue(f.Values, SubjectPerson) && roles[RoleSubjectIDNumber] == 0 {
			v.add(path+"."+f.Code+".values", "接受自然人时必须有证件号码字段")
		}
		if (hasValue(f.Values, SubjectOrg) || hasValue(f.Values, SubjectIndividual)) && roles[RoleSubjectCode] == 0 {
			v.add(path+"."+f.Code+".values", "接受法人及非法人组织或个体工商户时必须有统一社会信用代码字段")
		}
	}

	dec, hasDec := t.FieldByRole(RoleDecisionDate)
	switch t.PublicityRule {
	case PublicityNegativeWindow:
		if t.Nature != NatureBad {
			v.add(path+".publicity_rule", "失信信息公示期只适用于失信信息")
		}
		if !hasDec {
			v.add(path+".publicity_rule", "失信信息公示期从决定日期起算，必须有决定日期（decision_date）字段")
		}
	case PublicityListPeriod:
		if !hasDec {
			v.add(path+".publicity_rule", "名单期从列入日期起算，必须有决定日期（decision_date）字段")
		}
	case PublicityValidPeriod:
		if roles[RoleValidTo] == 0 {
			v.add(path+".publicity_rule", "有效期内公示必须有有效期至（valid_to）字段")
		}
	case PublicityNone:
	default:
		v.add(path+".publicity_rule", "公示规则只能是negative_window、valid_period、list_period或none")
	}
	if t.DualPublicity && (!hasDec || !dec.Required) {
		v.add(path+".dual_publicity", "双公示信息必须有必填的决定日期字段（7个工作日时限从决定日期起算）")
	}

	for i := range t.Fields {
		f := &t.Fields[i]
		if f.RequiredWhen == nil {
			continue
		}
		fp := path + "." + f.Code + ".required_when"
		j, ok := codes[f.RequiredWhen.Field]
		if !ok || t.Fields[j].Code == f.Code {
			v.add(fp, "条件字段不存在："+f.RequiredWhen.Field)
			continue
		}
		cf := &t.Fields[j]
		if cf.Type != FieldEnum && cf.Type != FieldEnumMulti {
			v.add(fp, "条件字段必须是单选或多选字段："+cf.Code)
			continue
		}
		if len(f.RequiredWhen.AnyOf) == 0 {
			v.add(fp, "条件取值不能为空")
		}
		for _, x := range f.RequiredWhen.AnyOf {
			if !hasValue(cf.Values, x) {
				v.add(fp, "条件取值不在"+cf.Code+"的取值范围内："+x)
			}
		}
	}

	if len(t.SeverityMap) > 0 {
		hint, ok := t.FieldByRole(RoleSeverityHint)
		if !ok {
			v.add(path+".severity_map", "设置严重程度映射时必须有severity_hint字段")
		}
		for k, s := range t.SeverityMap {
			if ok && !hasValue(hint.values(), k) {
				v.add(path+".severity_map", "取值不在"+hint.Code+"的取值范围内："+k)
			}
			if !s.Valid() || s == SeverityNone {
				v.add(path+".severity_map", "严重程度只能是轻微、一般或严重："+k)
			}
		}
		if t.Nature != NatureBad {
			v.add(path+".severity_map", "只有失信信息才设置严重程度映射")
		}
	}
	if t.MinorAmountMax != "" {
		if _, reason := parseDecimal(t.MinorAmountMax); reason != "" {
			v.add(path+".minor_amount_max", "轻微罚款金额上限"+reason)
		}
		if _, ok := t.FieldByRole(RoleAmount); !ok {
			v.add(path+".minor_amount_max", "设置轻微罚款金额上限时必须有金额（amount）字段")
		}
	}
}

func (v *validator) field(fp string, t *Type, f *Field) {
	if !f.Type.Valid() {
		v.add(fp+".type", "字段类型不合法："+string(f.Type))
	}
	if f.MaxLen < 0 {
		v.add(fp+".max_len", "最大长度不能为负数")
	}
	if f.Type.hasValues() {
		if len(f.Values) == 0 && f.Type != FieldIDKind {
			v.add(fp+".values", "单选、多选字段必须列出取值")
		}
		seen := map[string]bool{}
		for _, x := range f.Values {
			if strings.TrimSpace(x) == "" || x != trim(x) {
				v.add(fp+".values", "取值不能为空或含首尾空格")
			}
			if seen[x] {
				v.add(fp+".values", "取值重复："+x)
			}
			seen[x] = true
			if f.Type == FieldEnumMulti && strings.IndexFunc(x, isMultiSep) >= 0 {
				v.add(fp+".values", "多选取值不能包含分隔符（;；,，、）："+x)
			}
		}
		vals := f.values()
		for a, x := range f.ValueAliases {
			if !hasValue(vals, x) {
				v.add(fp+".value_aliases", "别名“"+a+"”指向的取值不存在："+x)
			}
		}
	} else if len(f.Values) > 0 || len(f.ValueAliases) > 0 {
		v.add(fp+".values", "只有单选、多选和证件类型字段才能列出取值")
	}
	if !f.Role.Valid() {
		v.add(fp+".role", "字段角色不合法："+string(f.Role))
	} else if types, ok := roleTypes[f.Role]; ok {
		fits := false
		for _, ft := range types {
			fits = fits || ft == f.Type
		}
		if !fits {
			v.add(fp+".role", "字段角色"+string(f.Role)+"与字段类型"+string(f.Type)+"不匹配")
		}
	}
	if f.Disclosure != "" && !f.Disclosure.Valid() {
		v.add(fp+".disclosure", "公开属性只能是公开、共享或授权查询")
	} else if t.Disclosure.Valid() {
		d := t.FieldDisclosure(f)
		if d.Rank() < t.Disclosure.Rank() {
			v.add(fp+".disclosure", "字段的公开范围不能大于所属类别（"+t.Disclosure.Label()+"）")
		}
		if f.Type == FieldIDNumber && d == DisclosurePublic {
			v.add(fp+".disclosure", "证件号码不得公开")
		}
	}
}

func hasValue(vals []string, x string) bool {
	for _, v := range vals {
		if v == x {
			return true
		}
	}
	return false
}
