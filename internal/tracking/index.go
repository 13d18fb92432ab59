package tracking

import (
	"fmt"
	"math"
	"strings"

	"xinyong/internal/errs"
)

// IndexIndicator is one configured component of the credit environment index.
type IndexIndicator struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	// HigherBetter: the component's score is 100 × value, else 100 × (1 − value).
	HigherBetter bool `json:"higher_better"`
}

// DefaultIndex is the index until the operator configures another: share of subjects with negative
// records (lower is better), repair rate, feedback rate, timeliness.
var DefaultIndex = []IndexIndicator{
	{Code: "negative_share", Name: "有失信记录主体占比", Weight: 0.4, HigherBetter: false},
	{Code: "repair_rate", Name: "信用修复完成率", Weight: 0.15, HigherBetter: true},
	{Code: "feedback_rate", Name: "联合奖惩反馈率", Weight: 0.2, HigherBetter: true},
	{Code: "timeliness", Name: "双公示按时率", Weight: 0.25, HigherBetter: true},
}

// Component is one indicator's value and score in a month.
type Component struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Score  float64 `json:"score"`
	Weight float64 `json:"weight"`
	// Missing: no data in the month; left out and the weights renormalised.
	Missing bool `json:"missing,omitempty"`
}

// IndexMonth is the index of one month with its components.
type IndexMonth struct {
	Month      string      `json:"month"`
	Value      float64     `json:"value"`
	Empty      bool        `json:"empty,omitempty"`
	Components []Component `json:"components"`
}

// Raw is a month's raw values by indicator code; absent = no data.
type Raw map[string]float64

// Index combines a month's raw values with the configuration.
func Index(month string, cfg []IndexIndicator, raw Raw) IndexMonth {
	out := IndexMonth{Month: month, Components: []Component{}}
	var sum, weights float64
	for _, in := range cfg {
		c := Component{Code: in.Code, Name: in.Name, Weight: in.Weight}
		v, ok := raw[in.Code]
		if !ok {
			c.Missing = true
			out.Components = append(out.Components, c)
			continue
		}
		c.Value = v
		c.Score = 100 * v
		if !in.HigherBetter {
			c.Score = 100 * (1 - v)
		}
		c.Score = round1(c.Score)
		sum += c.Score * in.Weight
		weights += in.Weight
		out.Components = append(out.Components, c)
	}
	if weights == 0 {
		out.Empty = true
		return out
	}
	out.Value = round1(sum / weights)
	return out
}

func round1(v float64) float64 {
	if v < 0 {
		return -round1(-v)
	}
	return float64(int64(v*10+0.5)) / 10
}

// WeightPercent formats the weight as a percentage.
func (i IndexIndicator) WeightPercent() string { return Rate(i.Weight).Percent() }

// KnownIndicators are the indicators the platform can measure per month.
var KnownIndicators = map[string]string{
	"negative_share": "有失信记录主体占比", "repair_rate": "信用修复完成率",
	"feedback_rate": "联合奖惩反馈率", "timeliness": "双公示按时率",
}

// ValidateIndex refuses an index configuration with unknown or repeated
// indicators, weights outside (0, 1], or weights that do not sum to 1.
func ValidateIndex(cfg []IndexIndicator) error {
	var fields []errs.FieldError
	if len(cfg) == 0 {
		fields = append(fields, errs.FieldError{Field: "indicators", Reason: "至少需要一个指标"})
	}
	seen := map[string]bool{}
	var sum float64
	for i, in := range cfg {
		f := fmt.Sprintf("indicators[%d]", i)
		if _, ok := KnownIndicators[in.Code]; !ok {
			fields = append(fields, errs.FieldError{Field: f + ".code", Reason: "未知指标：" + in.Code + "（可选 negative_share、repair_rate、feedback_rate、timeliness）"})
		}
		if seen[in.Code] {
			fields = append(fields, errs.FieldError{Field: f + ".code", Reason: "指标重复：" + in.Code})
		}
		seen[in.Code] = true
		if in.Weight <= 0 || in.Weight > 1 {
			fields = append(fields, errs.FieldError{Field: f + ".weight", Reason: "权重应在 0（不含）到 1 之间"})
		}
		if strings.TrimSpace(in.Name) == "" {
			fields = append(fields, errs.FieldError{Field: f + ".name", Reason: "名称不能为空"})
		}
		sum += in.Weight
	}
	if len(cfg) > 0 && math.Abs(sum-1) > 1e-6 {
		fields = append(fields, errs.FieldError{Field: "indicators", Reason: fmt.Sprintf("权重之和应为 1，现为 %.4g", sum)})
	}
	if len(fields) > 0 {
		return errs.Invalid("index.invalid", "信用环境指数配置有误", fields...)
	}
	return nil
}
