package catalog

import (
	"strings"

	"xinyong/internal/errs"
)

// Nature says whether a kind of information is 守信, 失信 or 中性.
type Nature string

const (
	NatureGood    Nature = "good"
	NatureBad     Nature = "bad"
	NatureNeutral Nature = "neutral"
)

// Label returns the Chinese label.
func (n Nature) Label() string {
	switch n {
	case NatureGood:
		return "守信"
	case NatureBad:
		return "失信"
	case NatureNeutral:
		return "中性"
	}
	return string(n)
}

// Valid reports whether n is a known nature.
func (n Nature) Valid() bool { return n == NatureGood || n == NatureBad || n == NatureNeutral }

// ParseNature accepts the English code or the Chinese label.
func ParseNature(s string) (Nature, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "good", "守信", "守信信息", "正面":
		return NatureGood, nil
	case "bad", "失信", "失信信息", "负面":
		return NatureBad, nil
	case "neutral", "中性", "中性信息":
		return NatureNeutral, nil
	}
	return "", errs.Field("nature", "信息性质只能是守信、失信或中性："+s)
}

// UnmarshalText lets catalogue documents use English or Chinese.
func (n *Nature) UnmarshalText(b []byte) error {
	v, err := ParseNature(string(b))
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// Severity is the severity class of negative information. The empty value
// means "not graded" (good and neutral information).
type Severity string

const (
	SeverityNone    Severity = ""
	SeverityMinor   Severity = "minor"
	SeverityGeneral Severity = "general"
	SeveritySerious Severity = "serious"
)

// Label returns the Chinese label ("" for SeverityNone).
func (s Severity) Label() string {
	switch s {
	case SeverityMinor:
		return "轻微"
	case SeverityGeneral:
		return "一般"
	case SeveritySerious:
		return "严重"
	}
	return string(s)
}

// Valid reports whether s is a known severity (including none).
func (s Severity) Valid() bool {
	return s == SeverityNone || s == SeverityMinor || s == SeverityGeneral || s == SeveritySerious
}

// Rank orders severities: none 0, minor 1, general 2, serious 3.
func (s Severity) Rank() int {
	switch s {
	case SeverityMinor:
		return 1
	case SeverityGeneral:
		return 2
	case SeveritySerious:
		return 3
	}
	return 0
}

// ParseSeverity accepts the English code or the Chinese label; "" and "无"
// give SeverityNone.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none", "无", "不分级":
		return SeverityNone, nil
	case "minor", "轻微", "轻微失信":
		return SeverityMinor, nil
	case "general", "一般", "一般失信":
		return SeverityGeneral, nil
	case "serious", "严重", "严重失信":
		return SeveritySerious, nil
	}
	return "", errs.Field("severity", "严重程度只能是轻微、一般或严重："+s)
}

// UnmarshalText lets catalogue documents use English or Chinese.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Disclosure is who may see information: everyone, departments, or those
// holding the subject's authorisation.
type Disclosure string

const (
	DisclosurePublic     Disclosure = "public"
	DisclosureShared     Disclosure = "shared"
	DisclosureAuthorized Disclosure = "authorized"
)

// Label returns the Chinese label.
func (d Disclosure) Label() string {
	switch d {
	case DisclosurePublic:
		return "公开"
	case DisclosureShared:
		return "共享"
	case DisclosureAuthorized:
		return "授权查询"
	}
	return string(d)
}

// Valid reports whether d is a known disclosure class.
func (d Disclosure) Valid() bool {
	return d == DisclosurePublic || d == DisclosureShared || d == DisclosureAuthorized
}

// Rank orders disclosure classes from the most open (public 1) to the most
// restricted (authorized 3); 0 for an unknown value.
func (d Disclosure) Rank() int {
	switch d {
	case DisclosurePublic:
		return 1
	case DisclosureShared:
		return 2
	case DisclosureAuthorized:
		return 3
	}
	return 0
}

// ParseDisclosure accepts the English code or the Chinese label.
func ParseDisclosure(s string) (Disclosure, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "public", "公开", "社会公开":
		return DisclosurePublic, nil
	case "shared", "共享", "政务共享", "部门共享":
		return DisclosureShared, nil
	case "authorized", "authorised", "授权查询", "授权":
		return DisclosureAuthorized, nil
	}
	return "", errs.Field("disclosure", "公开属性只能是公开、共享或授权查询："+s)
}

// UnmarshalText lets catalogue documents use English or Chinese.
func (d *Disclosure) UnmarshalText(b []byte) error {
	v, err := ParseDisclosure(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// FieldType is the value type of a field.
type FieldType string

const (
	FieldString      FieldType = "string"
	FieldText        FieldType = "text"
	FieldDate        FieldType = "date"
	FieldDecimal     FieldType = "decimal" // amounts in 万元, up to 6 decimals
	FieldInt         FieldType = "int"
	FieldEnum        FieldType = "enum"
	FieldEnumMulti   FieldType = "enum_multi" // separated by ; ； , ， 、
	FieldSubjectCode FieldType = "subject_code"
	FieldIDKind      FieldType = "id_kind"
	FieldIDNumber    FieldType = "id_number"
)

// Label returns the Chinese label.
func (t FieldType) Label() string {
	switch t {
	case FieldString:
		return "文本"
	case FieldText:
		return "长文本"
	case FieldDate:
		return "日期"
	case FieldDecimal:
		return "数值（万元）"
	case FieldInt:
		return "整数"
	case FieldEnum:
		return "单选"
	case FieldEnumMulti:
		return "多选"
	case FieldSubjectCode:
		return "主体代码"
	case FieldIDKind:
		return "证件类型"
	case FieldIDNumber:
		return "证件号码"
	}
	return string(t)
}

// Valid reports whether t is a known field type.
func (t FieldType) Valid() bool {
	switch t {
	case FieldString, FieldText, FieldDate, FieldDecimal, FieldInt, FieldEnum,
		FieldEnumMulti, FieldSubjectCode, FieldIDKind, FieldIDNumber:
		return true
	}
	return false
}

// hasValues reports whether the type takes a value set.
func (t FieldType) hasValues() bool {
	return t == FieldEnum || t == FieldEnumMulti || t == FieldIDKind
}

// Role names what the generic record needs from a field.
type Role string

const (
	RoleNone              Role = ""
	RoleSubjectName       Role = "subject_name"
	RoleSubjectCode       Role = "subject_code"        // 统一社会信用代码
	RoleSubjectCodeLegacy Role = "subject_code_legacy" // 工商注册号, 组织机构代码 … (may repeat)
	RoleSubjectIDKind     Role = "subject_id_kind"
	RoleSubjectIDNumber   Role = "subject_id_number"
	RoleSubjectType       Role = "subject_type" // 法人及非法人组织 / 自然人 / 个体工商户
	RoleLegalRep          Role = "legal_rep"
	RoleLegalRepIDKind    Role = "legal_rep_id_kind"
	RoleLegalRepIDNumber  Role = "legal_rep_id_number"
	RoleDocNo             Role = "doc_no" // identity of the record with dept + type
	RoleDecisionDate      Role = "decision_date"
	RoleValidFrom         Role = "valid_from"
	RoleValidTo           Role = "valid_to" // 2099/12/31 = open-ended
	RolePublicityUntil    Role = "publicity_until"
	RoleAuthorityName     Role = "authority_name" // 决定机关
	RoleAuthorityCode     Role = "authority_code"
	RoleDeptName          Role = "dept_name" // 数据来源单位
	RoleDeptCode          Role = "dept_code" // 数据来源单位统一社会信用代码
	RoleSeverityHint      Role = "severity_hint"
	RoleAmount            Role = "amount"             // main amount (万元)
	RoleAmountConfiscated Role = "amount_confiscated" // 没收金额 (万元)
	RoleContent           Role = "content"
	RoleStatus            Role = "status" // 0 正常 1 撤销 2 异议 3 其他
	RoleRemark            Role = "remark"
)

// roleOrder gives each role a small ordinal used by the compiled index.
var roleOrder = []Role{
	RoleNone, RoleSubjectName, RoleSubjectCode, RoleSubjectCodeLegacy, RoleSubjectIDKind,
	RoleSubjectIDNumber, RoleSubjectType, RoleLegalRep, RoleLegalRepIDKind, RoleLegalRepIDNumber,
	RoleDocNo, RoleDecisionDate, RoleValidFrom, RoleValidTo, RolePublicityUntil,
	RoleAuthorityName, RoleAuthorityCode, RoleDeptName, RoleDeptCode, RoleSeverityHint,
	RoleAmount, RoleAmountConfiscated, RoleContent, RoleStatus, RoleRemark,
}

const (
	rNone = iota
	rSubjectName
	rSubjectCode
	rSubjectCodeLegacy
	rSubjectIDKind
	rSubjectIDNumber
	rSubjectType
	rLegalRep
	rLegalRepIDKind
	rLegalRepIDNumber
	rDocNo
	rDecisionDate
	rValidFrom
	rValidTo
	rPublicityUntil
	rAuthorityName
	rAuthorityCode
	rDeptName
	rDeptCode
	rSeverityHint
	rAmount
	rAmountConfiscated
	rContent
	rStatus
	rRemark
	roleCount
)

func roleOrdinal(r Role) (int, bool) {
	for i, x := range roleOrder {
		if x == r {
			return i, true
		}
	}
	return 0, false
}

// Valid reports whether r is a known role (including none).
func (r Role) Valid() bool { _, ok := roleOrdinal(r); return ok }

// roleTypes lists the field types a role may carry.
var roleTypes = map[Role][]FieldType{
	RoleSubjectName:       {FieldString},
	RoleSubjectCode:       {FieldSubjectCode},
	RoleSubjectCodeLegacy: {FieldSubjectCode},
	RoleSubjectIDKind:     {FieldIDKind},
	RoleSubjectIDNumber:   {FieldIDNumber},
	RoleSubjectType:       {FieldEnum},
	RoleLegalRep:          {FieldString},
	RoleLegalRepIDKind:    {FieldIDKind},
	RoleLegalRepIDNumber:  {FieldIDNumber},
	RoleDocNo:             {FieldString},
	RoleDecisionDate:      {FieldDate},
	RoleValidFrom:         {FieldDate},
	RoleValidTo:           {FieldDate},
	RolePublicityUntil:    {FieldDate},
	RoleAuthorityName:     {FieldString},
	RoleAuthorityCode:     {FieldSubjectCode},
	RoleDeptName:          {FieldString},
	RoleDeptCode:          {FieldSubjectCode},
	RoleSeverityHint:      {FieldEnum, FieldEnumMulti},
	RoleAmount:            {FieldDecimal},
	RoleAmountConfiscated: {FieldDecimal},
	RoleContent:           {FieldString, FieldText},
	RoleStatus:            {FieldEnum},
	RoleRemark:            {FieldString, FieldText},
}
