// Package score is the credit evaluation model (信用评价, C14): a versioned,
// operator-edited model given as data (indicators, weights, caps, grade bands
// on the 三等九级 scale, grade → supervision class), its validator, and the
// pure computation of a subject's score with every contribution shown. It
// never reads the clock: Compute takes the time the score is as of.
package score

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"xinyong/internal/errs"
)

// Grades is the 三等九级 scale, best first.
var Grades = []string{"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"}

// GradeRank returns the position of g on the scale (0 = AAA), -1 if unknown.
func GradeRank(g string) int {
	for i, x := range Grades {
		if x == g {
			return i
		}
	}
	return -1
}

// Indicator kinds.
const (
	KindBase        = "base"        // registration facts: points per full year registered
	KindPositive    = "positive"    // 守信 records of the listed types
	KindNegative    = "negative"    // 失信 records by type and severity, decaying with age
	KindList        = "list"        // list entries in force (red or black)
	KindBroken      = "broken"      // broken commitments (信用承诺 未履行)
	KindRepaired    = "repaired"    // records or entries repaired (信用修复)
	KindRecognition = "recognition" // results of other systems (纳税信用等级, 海关认证)
)

var kindLabels = map[string]string{KindBase: "基础登记信息", KindPositive: "守信记录", KindNegative: "失信记录", KindList: "红黑名单",
	KindBroken: "未履行信用承诺", KindRepaired: "信用修复", KindRecognition: "评价结果互认"}

// KindLabel is the Chinese name of an indicator kind.
func KindLabel(k string) string { return kindLabels[k] }

// Indicator is one line of the model.
type Indicator struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Types restricts record kinds (positive, negative) to these catalogue types; empty = any.
	Types []string `json:"types,omitempty"`
	// ListKind is "red" or "black" for list indicators.
	ListKind string `json:"list_kind,omitempty"`
	// Points per item (per year for base); negative kinds give positive numbers that are deducted.
	Points float64 `json:"points"`
	// Severity overrides Points for negative records: minor / general / serious.
	Severity map[string]float64 `json:"severity,omitempty"`
	// DecayMonths: a negative record's weight falls linearly to 0 over this many months (0 = no decay).
	DecayMonths int `json:"decay_months,omitempty"`
	// Weight multiplies the indicator's points, 0 to 1.
	Weight float64 `json:"weight"`
	// Cap bounds the indicator's absolute contribution (0 = no cap).
	Cap float64 `json:"cap,omitempty"`
	// Match selects evaluation results whose 评价类型 contains it (recognition).
	Match string `json:"match,omitempty"`
	// Levels gives signed points per recognised grade (recognition).
	Levels map[string]float64 `json:"levels,omitempty"`
}

// Band maps a score range [Min, Max) to a grade; the top band includes Max.
type Band struct {
	Grade string  `json:"grade"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

// Class is a supervision class (分级分类监管) and the grades it covers.
type Class struct {
	Code string `json:"code"` // A, B, C
	Name string `json:"name"`
	// Mode describes the supervision, e.g. 常规随机抽查.
	Mode string `json:"mode"`
	// PerYear is the recommended number of inspections a year.
	PerYear float64  `json:"per_year"`
	Grades  []string `json:"grades"`
}

// Model is one version of the scoring model.
type Model struct {
	Version    int         `json:"version"`
	Name       string      `json:"name"`
	Base       float64     `json:"base"`
	Min        float64     `json:"min"`
	Max        float64     `json:"max"`
	Indicators []Indicator `json:"indicators"`
	Bands      []Band      `json:"bands"`
	Classes    []Class     `json:"classes"`
}

// Parse decodes and validates a model body; the version is assigned by the store.
func Parse(body []byte) (*Model, error) {
	var m Model
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, errs.Invalid("score.model_parse", "评价模型无法解析："+err.Error())
	}
	if dec.More() {
		return nil, errs.Invalid("score.model_parse", "评价模型无法解析：JSON 之后有多余内容")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate refuses a model whose bands overlap or leave gaps, whose weights
// are out of range, or whose indicators or classes are incomplete.
func (m *Model) Validate() error {
	var fe []errs.FieldError
	add := func(f, format string, a ...any) {
		fe = append(fe, errs.FieldError{Field: f, Reason: fmt.Sprintf(format, a...)})
	}
	if strings.TrimSpace(m.Name) == "" {
		add("name", "请填写模型名称")
	}
	if m.Max <= m.Min {
		add("max", "分值上限须大于下限")
	}
	if m.Base < m.Min || m.Base > m.Max {
		add("base", "基础分须在分值上下限之间")
	}
	if len(m.Indicators) == 0 {
		add("indicators", "至少需要一个指标")
	}
	seen := map[string]bool{}
	for i, in := range m.Indicators {
		f := fmt.Sprintf("indicators[%d]", i)
		switch {
		case in.Code == "":
			add(f+".code", "指标代码不能为空")
		case seen[in.Code]:
			add(f+".code", "指标代码重复：%s", in.Code)
		}
		seen[in.Code] = true
		if kindLabels[in.Kind] == "" {
			add(f+".kind", "未知的指标类型：%s", in.Kind)
		}
		if in.Weight < 0 || in.Weight > 1 {
			add(f+".weight", "权重须在 0 至 1 之间（当前 %g）", in.Weight)
		}
		if in.Points < 0 || in.Cap < 0 || in.DecayMonths < 0 {
			add(f+".points", "分值、上限和衰减月数不能为负数（扣分类指标填写正数）")
		}
		for sev, p := range in.Severity {
			if sev != "minor" && sev != "general" && sev != "serious" {
				add(f+".severity", "未知的严重程度：%s（可选 minor、general、serious）", sev)
			} else if p < 0 {
				add(f+".severity", "扣分须填写正数")
			}
		}
		if in.Kind == KindList && in.ListKind != "red" && in.ListKind != "black" {
			add(f+".list_kind", "名单指标须注明 red（红名单）或 black（黑名单）")
		}
		if in.Kind == KindRecognition && (in.Match == "" || len(in.Levels) == 0) {
			add(f+".match", "互认指标须填写评价类型关键词和各等级分值")
		}
	}
	fe = append(fe, m.validateBands()...)
	fe = append(fe, m.validateClasses()...)
	if len(fe) > 0 {
		return errs.Invalid("score.model_invalid", "评价模型有误，未启用", fe...)
	}
	return nil
}

func (m *Model) validateBands() []errs.FieldError {
	var fe []errs.FieldError
	add := func(f, format string, a ...any) {
		fe = append(fe, errs.FieldError{Field: f, Reason: fmt.Sprintf(format, a...)})
	}
	if len(m.Bands) != len(Grades) {
		add("bands", "等级区间须覆盖三等九级（AAA 至 C）共 9 个等级，当前 %d 个", len(m.Bands))
	}
	bs := append([]Band(nil), m.Bands...)
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].Min < bs[j].Min })
	seen := map[string]bool{}
	for i, b := range bs {
		if GradeRank(b.Grade) < 0 {
			add("bands", "未知等级：%s（应为 AAA、AA、A、BBB、BB、B、CCC、CC、C）", b.Grade)
		} else if seen[b.Grade] {
			add("bands", "等级 %s 重复", b.Grade)
		}
		seen[b.Grade] = true
		if b.Max <= b.Min {
			add("bands", "等级 %s 的区间上限须大于下限", b.Grade)
		}
		if i == 0 && b.Min != m.Min {
			add("bands", "最低等级区间须从 %g 分起（当前 %g），否则留有空档", m.Min, b.Min)
		}
		if i > 0 {
			p := bs[i-1]
			switch {
			case b.Min < p.Max:
				add("bands", "等级 %s [%g, %g) 与 %s [%g, %g) 区间重叠", p.Grade, p.Min, p.Max, b.Grade, b.Min, b.Max)
			case b.Min > p.Max:
				add("bands", "等级 %s 与 %s 之间留有空档 [%g, %g)", p.Grade, b.Grade, p.Max, b.Min)
			}
			if GradeRank(b.Grade) >= 0 && GradeRank(p.Grade) >= 0 && GradeRank(b.Grade) > GradeRank(p.Grade) {
				add("bands", "分值越高等级应越高：%s 不应高于 %s", b.Grade, p.Grade)
			}
		}
		if i == len(bs)-1 && b.Max != m.Max {
			add("bands", "最高等级区间须到 %g 分止（当前 %g），否则留有空档", m.Max, b.Max)
		}
	}
	return fe
}

func (m *Model) validateClasses() []errs.FieldError {
	var fe []errs.FieldError
	add := func(format string, a ...any) {
		fe = append(fe, errs.FieldError{Field: "classes", Reason: fmt.Sprintf(format, a...)})
	}
	owner := map[string]string{}
	for _, c := range m.Classes {
		if c.Code != "A" && c.Code != "B" && c.Code != "C" {
			add("监管类别应为 A、B 或 C：%s", c.Code)
		}
		if c.PerYear < 0 {
			add("%s 类的建议检查频次不能为负数", c.Code)
		}
		for _, g := range c.Grades {
			if o, ok := owner[g]; ok {
				add("等级 %s 同时属于 %s 类和 %s 类", g, o, c.Code)
			}
			owner[g] = c.Code
		}
	}
	for _, g := range Grades {
		if owner[g] == "" {
			add("等级 %s 未对应监管类别", g)
		}
	}
	return fe
}

// Grade returns the band's grade for a total.
func (m *Model) Grade(total float64) string {
	for _, b := range m.Bands {
		if total >= b.Min && (total < b.Max || (b.Max == m.Max && total <= b.Max)) {
			return b.Grade
		}
	}
	return ""
}

// ClassOf returns the supervision class of a grade.
func (m *Model) ClassOf(grade string) *Class {
	for i := range m.Classes {
		for _, g := range m.Classes[i].Grades {
			if g == grade {
				return &m.Classes[i]
			}
		}
	}
	return nil
}
