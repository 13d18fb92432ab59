// Package measure defines the measures list (联合奖惩措施清单): every reward
// and punishment the platform can return, who initiates and implements it,
// which list types or conditions trigger it, in which scenarios it applies,
// whom it binds, and its legal basis.
//
// A reward is triggered either by its list types (红名单) or by its
// Condition (e.g. three years without bad records), never by both; a
// punishment is always triggered by black-list types and always has a basis.
package measure

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"xinyong/internal/errs"
	"xinyong/internal/list"
)

// Measure is one row of the measures list.
type Measure struct {
	// Code is e.g. P-COURT-001 (punishment) or R-GEN-001 (reward).
	Code     string   `json:"code"`
	Text     string   `json:"text"`
	Kind     Kind     `json:"kind"`
	Category Category `json:"category"`
	Mode     Mode     `json:"mode"`
	// InitiatingDept is the department code of the initiating (发起) body.
	InitiatingDept string `json:"initiating_dept"`
	// ImplementingDepts are the department codes that apply the measure.
	ImplementingDepts []string `json:"implementing_depts"`
	// ListTypes are the list type codes that trigger the measure.
	ListTypes []string `json:"list_types,omitempty"`
	// Condition triggers an incentive without a list entry.
	Condition Condition `json:"condition,omitempty"`
	// Scenarios are scenario codes where the measure applies.
	Scenarios []string     `json:"scenarios"`
	Binds     []Bind       `json:"binds"`
	Basis     []list.Basis `json:"basis"`
	// Source names the memorandum or seed document the measure comes from,
	// e.g. 发改财金〔2016〕141号.
	Source string `json:"source,omitempty"`
}

var codePattern = regexp.MustCompile(`^([PR])-[A-Z][A-Z0-9]{1,11}-[0-9]{3}$`)

// Validate checks a measure. knownListTypes holds the codes of the list
// types that exist (see list.Codes). The error is an *errs.Error listing
// every wrong field with a Chinese reason.
func (m Measure) Validate(knownListTypes map[string]bool) error {
	var fe []errs.FieldError
	add := func(field, reason string) { fe = append(fe, errs.FieldError{Field: field, Reason: reason}) }

	if sub := codePattern.FindStringSubmatch(m.Code); sub == nil {
		add("code", "编码格式应为P-领域-三位序号（惩戒）或R-领域-三位序号（激励），如P-COURT-001")
	} else if (sub[1] == "P") != (m.Kind == Punish) && m.Kind.Valid() {
		add("code", "惩戒措施编码以P-开头，激励措施编码以R-开头")
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(m.Text)); {
	case n == 0:
		add("text", "措施内容不能为空")
	case n > 1000:
		add("text", "措施内容不能超过1000个字")
	}
	if !m.Kind.Valid() {
		add("kind", "措施类型只能是激励或惩戒")
	}
	if !m.Category.Valid() {
		add("category", "措施类别只能是行政性、市场性、行业性或社会性")
	}
	if !m.Mode.Valid() {
		add("mode", "措施性质只能是强制性或推荐性")
	}
	if _, ok := list.DepartmentName(m.InitiatingDept); !ok {
		add("initiating_dept", "未知的发起部门："+m.InitiatingDept)
	}
	if len(m.ImplementingDepts) == 0 {
		add("implementing_depts", "至少指定一个实施部门")
	}
	checkCodes(m.ImplementingDepts, "implementing_depts", "实施部门", func(c string) bool {
		_, ok := list.DepartmentName(c)
		return ok
	}, add)

	checkCodes(m.ListTypes, "list_types", "名单类型", func(c string) bool { return knownListTypes[c] }, add)
	switch {
	case !m.Condition.Valid():
		add("condition", "未知的触发条件："+string(m.Condition))
	case m.Condition != ConditionList && m.Kind == Punish:
		add("condition", "惩戒措施只能由黑名单触发，不能设置其他触发条件")
	case m.Condition != ConditionList && len(m.ListTypes) > 0:
		add("condition", "按条件触发的激励措施不能同时指定名单类型")
	case m.Condition == ConditionList && len(m.ListTypes) == 0:
		add("list_types", "须指定触发措施的名单类型或触发条件")
	}

	if len(m.Scenarios) == 0 {
		add("scenarios", "至少指定一个适用场景")
	}
	checkCodes(m.Scenarios, "scenarios", "适用场景", KnownScenario, add)

	if len(m.Binds) == 0 {
		add("binds", "至少指定一个约束对象")
	}
	seen := map[Bind]bool{}
	for i, b := range m.Binds {
		switch {
		case !b.Valid():
			add(fmt.Sprintf("binds[%d]", i), "约束对象只能是信用主体本身或其相关责任人")
		case seen[b]:
			add(fmt.Sprintf("binds[%d]", i), "约束对象重复："+b.Label())
		}
		seen[b] = true
	}

	if m.Kind == Punish && len(m.Basis) == 0 {
		add("basis", "惩戒措施必须有法律依据")
	}
	for i, b := range m.Basis {
		if err := b.Validate(); err != nil {
			for _, f := range errs.As(err).Fields {
				add(fmt.Sprintf("basis[%d].%s", i, f.Field), f.Reason)
			}
		}
	}
	if utf8.RuneCountInString(m.Source) > 200 {
		add("source", "来源不能超过200个字")
	}
	if len(fe) > 0 {
		return errs.Invalid("measure.invalid", "联合奖惩措施设置有误", fe...)
	}
	return nil
}

// checkCodes reports unknown and duplicate codes in a code list.
func checkCodes(codes []string, field, what string, known func(string) bool, add func(string, string)) {
	seen := map[string]bool{}
	for i, c := range codes {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !known(c):
			add(f, "未知的"+what+"："+c)
		case seen[c]:
			add(f, what+"重复："+c)
		}
		seen[c] = true
	}
}

// ValidateAll checks a whole measures list against the list types: each
// measure, unique codes, and that punishments are triggered only by black
// lists and rewards only by red lists.
func ValidateAll(ms []Measure, types []list.Type) error {
	kinds := make(map[string]list.Kind, len(types))
	for _, t := range types {
		kinds[t.Code] = t.Kind
	}
	known := list.Codes(types)
	var fe []errs.FieldError
	seen := map[string]bool{}
	for i, m := range ms {
		prefix := fmt.Sprintf("measures[%d]", i)
		if err := m.Validate(known); err != nil {
			for _, f := range errs.As(err).Fields {
				fe = append(fe, errs.FieldError{Field: prefix + "." + f.Field, Reason: m.Code + "：" + f.Reason})
			}
		}
		if seen[m.Code] {
			fe = append(fe, errs.FieldError{Field: prefix + ".code", Reason: "措施编码重复：" + m.Code})
		}
		seen[m.Code] = true
		want := list.Red
		if m.Kind == Punish {
			want = list.Black
		}
		for j, lt := range m.ListTypes {
			if k, ok := kinds[lt]; ok && k != want {
				fe = append(fe, errs.FieldError{
					Field:  fmt.Sprintf("%s.list_types[%d]", prefix, j),
					Reason: fmt.Sprintf("%s：%s措施不能由%s触发", m.Code, m.Kind.Label(), k.Label()),
				})
			}
		}
	}
	if len(fe) > 0 {
		return errs.Invalid("measure.list_invalid", "联合奖惩措施清单有误", fe...)
	}
	return nil
}

// TriggeredBy reports whether an entry on the given list type triggers m.
func (m Measure) TriggeredBy(listType string) bool { return contains(m.ListTypes, listType) }

// AppliesIn reports whether m applies in the given scenario code.
func (m Measure) AppliesIn(scenario string) bool { return contains(m.Scenarios, scenario) }

// BindsTo reports whether m binds the given kind of person.
func (m Measure) BindsTo(b Bind) bool {
	for _, x := range m.Binds {
		if x == b {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (m Measure) clone() Measure {
	m.ImplementingDepts = append([]string(nil), m.ImplementingDepts...)
	m.ListTypes = append([]string(nil), m.ListTypes...)
	m.Scenarios = append([]string(nil), m.Scenarios...)
	m.Binds = append([]Bind(nil), m.Binds...)
	m.Basis = append([]list.Basis(nil), m.Basis...)
	return m
}

//go:embed seed/measures.json
var seedJSON []byte

var seedMeasures = sync.OnceValues(func() ([]Measure, error) { return Decode(seedJSON) })

// Decode parses a JSON array of measures, refusing unknown fields. It does
// not validate them; see Validate and ValidateAll.
func Decode(data []byte) ([]Measure, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ms []Measure
	if err := dec.Decode(&ms); err != nil {
		return nil, fmt.Errorf("measure: decode measures: %w", err)
	}
	return ms, nil
}

// Seed returns the measures shipped with the platform: those of the seed
// implementation plans, the 失信被执行人 memorandum (发改财金〔2016〕141号),
// the consumption restriction (法释〔2015〕17号) and the tax, safety,
// market-supervision and wage-arrears rules. Each call returns a fresh copy.
func Seed() []Measure {
	ms, err := seedMeasures()
	if err != nil {
		panic(err) // the embedded file is covered by tests
	}
	out := make([]Measure, len(ms))
	for i, m := range ms {
		out[i] = m.clone()
	}
	return out
}
