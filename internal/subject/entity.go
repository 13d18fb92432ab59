package subject

import (
	"encoding/base32"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// Subject is a credit subject: an organisation keyed by its unified social
// credit code, or a person keyed by an identity document (stored only as a
// keyed hash and ciphertext).
type Subject struct {
	ID           int64      `json:"-"`
	Code         string     `json:"code"` // USCC, or "P"+17 chars derived from the person's ID hash
	Type         Type       `json:"type"`
	TypeLabel    string     `json:"type_label"`
	USCC         string     `json:"uscc,omitempty"`
	CodeFlag     string     `json:"code_flag,omitempty"` // e.g. wrong check character accepted on import
	IDKind       IDKind     `json:"id_kind,omitempty"`
	IDMasked     string     `json:"id_number,omitempty"` // masked, or clear for entitled readers
	Name         string     `json:"name"`
	NameNorm     string     `json:"-"`
	FormerNames  []Former   `json:"former_names,omitempty"`
	LegacyIDs    []LegacyID `json:"legacy_ids,omitempty"`
	Region       string     `json:"region,omitempty"`
	RegionName   string     `json:"region_name,omitempty"`
	LegalRep     string     `json:"legal_rep,omitempty"`
	RegisteredOn string     `json:"registered_on,omitempty"`
	Address      string     `json:"address,omitempty"`
	Status       string     `json:"status"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Relations    []Relation `json:"relations,omitempty"`

	// Protected identity, set by Prepare for storage; never serialised.
	IDHash string `json:"-"`
	IDEnc  string `json:"-"`
}

// Former is a name the subject used before.
type Former struct {
	Name    string    `json:"name"`
	ValidTo time.Time `json:"valid_to"`
}

// LegacyID maps a pre-USCC identifier to the subject one-to-one.
type LegacyID struct {
	Kind  IDKind `json:"kind"`
	Value string `json:"value"`
}

// RelationRole is how a person is related to an organisation.
type RelationRole string

const (
	RoleLegalRep    RelationRole = "legal_rep"   // 法定代表人
	RolePrincipal   RelationRole = "principal"   // 主要负责人
	RoleController  RelationRole = "controller"  // 实际控制人
	RoleResponsible RelationRole = "responsible" // 直接责任人
)

// RelationRoles in display order.
var RelationRoles = []RelationRole{RoleLegalRep, RolePrincipal, RoleController, RoleResponsible}

// Label is the Chinese name.
func (r RelationRole) Label() string {
	switch r {
	case RoleLegalRep:
		return "法定代表人"
	case RolePrincipal:
		return "主要负责人"
	case RoleController:
		return "实际控制人"
	case RoleResponsible:
		return "直接责任人"
	}
	return string(r)
}

// ParseRelationRole accepts the code or the Chinese label.
func ParseRelationRole(s string) (RelationRole, bool) {
	for _, r := range RelationRoles {
		if s == string(r) || s == r.Label() {
			return r, true
		}
	}
	return "", false
}

// Relation binds a person to an organisation for a period (civil dates).
type Relation struct {
	ID         int64        `json:"id"`
	SubjectID  int64        `json:"-"`
	PersonID   int64        `json:"-"`
	OrgCode    string       `json:"org_code"`
	OrgName    string       `json:"org_name"`
	PersonCode string       `json:"person_code"`
	PersonName string       `json:"person_name"`
	Role       RelationRole `json:"role"`
	RoleLabel  string       `json:"role_label"`
	Start      string       `json:"start,omitempty"`
	End        string       `json:"end,omitempty"`
}

// ActiveOn reports whether the relation holds on the civil date d (YYYY-MM-DD).
func (r Relation) ActiveOn(d string) bool {
	return (r.Start == "" || r.Start <= d) && (r.End == "" || d <= r.End)
}

// Protector is what Prepare needs from the PII keys.
type Protector interface {
	Seal(plaintext string) string
	Hash(kind, number string) string
}

// Input is what a caller submits to create or update a subject.
type Input struct {
	Type         string     `json:"type"`
	Code         string     `json:"code"` // USCC for organisations
	IDKind       string     `json:"id_kind"`
	IDNumber     string     `json:"id_number"`
	Name         string     `json:"name"`
	LegalRep     string     `json:"legal_rep"`
	Region       string     `json:"region"`
	RegisteredOn string     `json:"registered_on"`
	Address      string     `json:"address"`
	LegacyIDs    []LegacyID `json:"legacy_ids"`
}

// Lenient tolerates a wrong check character (bulk import), flagging it.
type Lenient bool

// Prepare validates input and builds the subject to store. With lenient,
// a code whose only fault is its check character is accepted and flagged.
func Prepare(in Input, p Protector, mask func(string) string, now time.Time, lenient Lenient) (Subject, error) {
	var fields []errs.FieldError
	bad := func(f, r string) { fields = append(fields, errs.FieldError{Field: f, Reason: r}) }
	s := Subject{Status: "active", Version: 1, CreatedAt: now, UpdatedAt: now}
	typ, err := ParseType(strings.TrimSpace(in.Type))
	if err != nil {
		bad("type", "主体类型无效：应为 legal（法人）、unincorporated（非法人组织）、individual_business（个体工商户）或 natural（自然人）")
	}
	s.Type = typ
	s.TypeLabel = typ.Label()
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		bad("name", "名称不能为空")
	case utf8.RuneCountInString(name) > 200:
		bad("name", "名称不能超过 200 个字符")
	}
	s.Name, s.NameNorm = name, NormalizeName(name)
	s.LegalRep = strings.TrimSpace(in.LegalRep)
	s.Address = strings.TrimSpace(in.Address)
	s.RegisteredOn = strings.TrimSpace(in.RegisteredOn)
	if s.RegisteredOn != "" {
		if _, err := time.Parse("2006-01-02", s.RegisteredOn); err != nil {
			bad("registered_on", "日期格式应为 YYYY-MM-DD")
		}
	}
	if typ == TypeNatural {
		if in.Code != "" && in.IDNumber == "" {
			in.IDNumber = in.Code
		}
		kind := IDKindIDCard
		if in.IDKind != "" {
			k, err := ParseIDKind(in.IDKind)
			if err != nil || !k.Personal() {
				bad("id_kind", "自然人证件类型无效")
			}
			kind = k
		}
		v := ValidateDocument(kind, in.IDNumber, now)
		if !v.OK {
			bad("id_number", v.Reason)
		} else {
			s.IDKind = kind
			s.IDHash = p.Hash(string(kind), v.Normalized)
			s.IDEnc = p.Seal(v.Normalized)
			s.IDMasked = mask(v.Normalized)
			s.Code = PersonCode(s.IDHash)
			if s.Region == "" {
				s.Region = v.Region
			}
		}
	} else if typ != "" {
		v := ValidateUSCC(in.Code)
		switch {
		case v.OK:
		case v.CheckCharOnly && bool(lenient):
			s.CodeFlag = v.Reason
		default:
			bad("code", v.Reason)
		}
		s.USCC, s.Code = v.Normalized, v.Normalized
		s.Region = v.Region
		for i, l := range in.LegacyIDs {
			lv := ValidateDocument(l.Kind, l.Value, now)
			if !lv.OK {
				bad("legacy_ids["+strconv.Itoa(i)+"].value", lv.Reason)
				continue
			}
			if l.Kind == IDKindOrgCode && v.OK && OrgCodeOfUSCC(v.Normalized) != lv.Normalized {
				bad("legacy_ids["+strconv.Itoa(i)+"].value", "组织机构代码与统一社会信用代码第 9–17 位不一致")
				continue
			}
			s.LegacyIDs = append(s.LegacyIDs, LegacyID{Kind: l.Kind, Value: lv.Normalized})
		}
	}
	if r := strings.TrimSpace(in.Region); r != "" {
		if len(r) != 6 {
			bad("region", "行政区划代码应为 6 位数字")
		}
		s.Region = r
	}
	if rg, ok := LookupRegion(s.Region); ok {
		s.RegionName = rg.Name
	}
	if len(fields) > 0 {
		return Subject{}, errs.Invalid("subject.invalid", "主体信息有误", fields...)
	}
	return s, nil
}

const personAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXYZ"

var personEnc = base32.NewEncoding(personAlphabet).WithPadding(base32.NoPadding)

// IsPersonCode reports whether s has the form of a person's public code
// ("P" and 17 characters of the person alphabet). No USCC starts with P.
func IsPersonCode(s string) bool {
	if len(s) != 18 || s[0] != 'P' {
		return false
	}
	for i := 1; i < 18; i++ {
		if strings.IndexByte(personAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// PersonCode derives the public reference of a person from its ID hash:
// "P" followed by 17 characters, stable and not reversible.
func PersonCode(idHash string) string {
	raw, err := hex.DecodeString(idHash)
	if err != nil || len(raw) < 11 {
		raw = []byte(idHash)
	}
	return "P" + personEnc.EncodeToString(raw)[:17]
}
