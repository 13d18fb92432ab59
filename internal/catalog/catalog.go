// Package catalog is the credit information catalogue (信用信息目录): the
// record types the platform accepts, each with its field schema, nature,
// severity, disclosure class, publicity rule and submitting departments.
//
// The catalogue is versioned data. The seed version is embedded from
// seed/catalog.json; the operator may load edited versions with Load. Nothing
// outside the catalogue enters a credit record: ValidateRow refuses unknown
// fields and normalises every known one.
//
// The 行政许可 (license) and 行政处罚 (penalty) types follow the national 双公示
// field lists (XK_* / CF_*) so provincial exports load unchanged.
package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"time"
	_ "time/tzdata" // Asia/Shanghai must load even without system tzdata.

	"xinyong/internal/errs"
)

// Shanghai is the zone in which calendar dates of rows are interpreted.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// China has not observed DST since 1991; a fixed +08:00 is correct for
		// every date the platform handles.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Publicity rules (Type.PublicityRule).
const (
	// PublicityNegativeWindow: a negative record is public from its decision
	// date for a window whose minimum and maximum depend on its severity
	// (rules versioned by effective date, computed elsewhere).
	PublicityNegativeWindow = "negative_window"
	// PublicityValidPeriod: shown while valid (valid_from .. valid_to).
	PublicityValidPeriod = "valid_period"
	// PublicityListPeriod: shown while the subject is on the list
	// (listing date .. exit date).
	PublicityListPeriod = "list_period"
	// PublicityNone: no publicity window (shared or authorised data).
	PublicityNone = "none"
)

var publicityRuleLabels = map[string]string{
	PublicityNegativeWindow: "失信信息公示期",
	PublicityValidPeriod:    "有效期内公示",
	PublicityListPeriod:     "名单期内公示",
	PublicityNone:           "不设公示期",
}

// PublicityRuleLabel returns the Chinese label of a publicity rule.
func PublicityRuleLabel(rule string) string { return publicityRuleLabels[rule] }

// Subject types of the national 行政相对人类别 vocabulary (values of the
// subject_type field, kept in Chinese because they are exchanged verbatim).
const (
	SubjectOrg        = "法人及非法人组织"
	SubjectPerson     = "自然人"
	SubjectIndividual = "个体工商户"
)

// PlaceholderUSCC is what the national standard asks for when an 个体工商户
// (or other organisation) has no 统一社会信用代码 yet: 17 zeros and X. One of
// the legacy codes (行政相对人代码_2…_6) must then be given.
const PlaceholderUSCC = "00000000000000000X"

// OpenEndedDate is the national marker for "长期" (no end date).
const OpenEndedDate = "2099-12-31"

// Condition makes a field required when another (enum or enum_multi) field
// holds any of the listed values, e.g. CF_NR_FK when CF_CFLB contains 罚款.
type Condition struct {
	Field string   `json:"field"`
	AnyOf []string `json:"any_of"`
}

// Field is one column of a record type.
type Field struct {
	Code       string     `json:"code"` // e.g. CF_WSH
	Name       string     `json:"name"` // Chinese, e.g. 行政处罚决定书文号
	Type       FieldType  `json:"type"`
	Required   bool       `json:"required,omitempty"`
	MaxLen     int        `json:"max_len,omitempty"` // in characters; 0 = no limit
	Values     []string   `json:"values,omitempty"`  // enum / enum_multi / id_kind value set
	Role       Role       `json:"role,omitempty"`
	Disclosure Disclosure `json:"disclosure,omitempty"` // "" = the type's
	Help       string     `json:"help,omitempty"`       // Chinese fill-in note

	// Aliases are further header names accepted for the column (older or
	// provincial names and codes).
	Aliases []string `json:"aliases,omitempty"`
	// ValueAliases map accepted input values (codes such as "01", older
	// wordings) to one of Values.
	ValueAliases map[string]string `json:"value_aliases,omitempty"`
	// RequiredWhen makes the field required conditionally.
	RequiredWhen *Condition `json:"required_when,omitempty"`
	// Example is the value shown in the template's sample row.
	Example string `json:"example,omitempty"`
}

// Type is one kind of credit information.
type Type struct {
	Code          string     `json:"code"` // license, penalty, ...
	Name          string     `json:"name"` // 行政许可, 行政处罚, ...
	Nature        Nature     `json:"nature"`
	Severity      Severity   `json:"severity,omitempty"` // default severity
	Disclosure    Disclosure `json:"disclosure"`
	DualPublicity bool       `json:"dual_publicity,omitempty"` // 双公示: 7-working-day deadline
	PublicityRule string     `json:"publicity_rule"`
	Departments   []string   `json:"departments,omitempty"` // allowed submitters; empty = any
	Fields        []Field    `json:"fields"`
	Version       int        `json:"version"`
	Help          string     `json:"help,omitempty"`

	// SeverityMap maps values of the severity_hint field to a severity; a
	// row's severity is the highest over its values (see SeverityOf).
	SeverityMap map[string]Severity `json:"severity_map,omitempty"`
	// MinorAmountMax (万元, decimal) optionally classifies a row as minor
	// when all its severity_hint values are minor or 罚款 and its amount is
	// at most this value. Empty disables the rule.
	MinorAmountMax string `json:"minor_amount_max,omitempty"`
}

// Catalog is one version of the whole catalogue.
type Catalog struct {
	Version int    `json:"version"`
	Types   []Type `json:"types"`
}

// Lookup returns the type with the given code.
func (c Catalog) Lookup(code string) (*Type, bool) {
	for i := range c.Types {
		if c.Types[i].Code == code {
			return &c.Types[i], true
		}
	}
	return nil, false
}

// Codes lists the type codes in catalogue order.
func (c Catalog) Codes() []string {
	out := make([]string, len(c.Types))
	for i := range c.Types {
		out[i] = c.Types[i].Code
	}
	return out
}

// Field returns the field with the given code (exact match).
func (t *Type) Field(code string) (*Field, bool) {
	for i := range t.Fields {
		if t.Fields[i].Code == code {
			return &t.Fields[i], true
		}
	}
	return nil, false
}

// FieldByRole returns the (first) field carrying a role.
func (t *Type) FieldByRole(r Role) (*Field, bool) {
	for i := range t.Fields {
		if t.Fields[i].Role == r {
			return &t.Fields[i], true
		}
	}
	return nil, false
}

// FieldDisclosure is the effective disclosure of a field: its own, or the
// type's when unset.
func (t *Type) FieldDisclosure(f *Field) Disclosure {
	if f.Disclosure != "" {
		return f.Disclosure
	}
	return t.Disclosure
}

// AllowsDepartment reports whether a department may submit this type.
func (t *Type) AllowsDepartment(dept string) bool {
	if len(t.Departments) == 0 {
		return true
	}
	for _, d := range t.Departments {
		if d == dept {
			return true
		}
	}
	return false
}

//go:embed seed/catalog.json
var seedJSON []byte

// SeedJSON returns a copy of the embedded seed catalogue document.
func SeedJSON() []byte { return append([]byte(nil), seedJSON...) }

// Seed returns the embedded seed catalogue. It panics if the embedded file
// is invalid (a test guards that).
func Seed() Catalog {
	c, err := Load(seedJSON)
	if err != nil {
		panic("catalog: invalid seed: " + err.Error())
	}
	return c
}

// Load parses a catalogue document (the seed's JSON format) and validates it.
// Enumerations may be given in English or Chinese.
func Load(data []byte) (Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var fe *errs.Error
		if errors.As(err, &fe) { // an enumeration that did not parse
			return Catalog{}, errs.Invalid("catalog.invalid", "信用信息目录不合法", fe.Fields...)
		}
		e := errs.Invalid("catalog.invalid", "信用信息目录格式错误，无法解析")
		e.Err = err
		return Catalog{}, e
	}
	if err := c.Validate(); err != nil {
		return Catalog{}, err
	}
	return c, nil
}
