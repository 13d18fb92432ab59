package score

import "encoding/json"

// Default is the model installed on first start: a base of 600 points on a
// 0–1000 scale (base + bonuses − deductions, the pattern of the Chongqing
// example in domain-facts §7.1), the 三等九级 bands and A/B/C classes. The
// operator replaces it with a new version; every version is kept.
func Default() *Model {
	m := &Model{Name: "公共信用综合评价模型（默认）", Base: 600, Min: 0, Max: 1000,
		Indicators: []Indicator{
			{Code: "base_age", Name: "成立年限", Kind: KindBase, Points: 10, Weight: 1, Cap: 50},
			{Code: "good_records", Name: "行政奖励与诚信荣誉", Kind: KindPositive, Types: []string{"award", "honor"}, Points: 30, Weight: 1, Cap: 120},
			{Code: "bad_penalty", Name: "行政处罚与行政强制", Kind: KindNegative, Types: []string{"penalty", "enforcement"},
				Points: 40, Severity: map[string]float64{"minor": 10, "general": 40, "serious": 120}, DecayMonths: 36, Weight: 1, Cap: 300},
			{Code: "bad_serious", Name: "失信被执行人、严重失信与经营异常", Kind: KindNegative, Types: []string{"court_defaulter", "serious_list", "abnormal"},
				Points: 80, Severity: map[string]float64{"general": 60, "serious": 200}, DecayMonths: 36, Weight: 1, Cap: 400},
			{Code: "black_list", Name: "黑名单在列", Kind: KindList, ListKind: "black", Points: 150, Weight: 1, Cap: 450},
			{Code: "red_list", Name: "红名单在列", Kind: KindList, ListKind: "red", Points: 60, Weight: 1, Cap: 120},
			{Code: "broken_commitment", Name: "信用承诺未履行", Kind: KindBroken, Points: 50, Weight: 1, Cap: 150},
			{Code: "repaired", Name: "主动完成信用修复", Kind: KindRepaired, Points: 10, Weight: 1, Cap: 30},
			{Code: "tax_grade", Name: "纳税信用等级互认", Kind: KindRecognition, Match: "纳税",
				Levels: map[string]float64{"A": 60, "B": 20, "M": 0, "C": -60, "D": -150}, Weight: 1},
			{Code: "customs_grade", Name: "海关信用认证互认", Kind: KindRecognition, Match: "海关",
				Levels: map[string]float64{"高级认证": 60, "一般信用": 0, "失信": -150}, Weight: 1},
		},
		Bands: []Band{
			{"AAA", 850, 1000}, {"AA", 750, 850}, {"A", 650, 750}, {"BBB", 580, 650}, {"BB", 520, 580},
			{"B", 450, 520}, {"CCC", 350, 450}, {"CC", 250, 350}, {"C", 0, 250},
		},
		Classes: []Class{
			{Code: "A", Name: "A类（信用良好）", Mode: "常规随机抽查，降低抽查比例和频次", PerYear: 0.5, Grades: []string{"AAA", "AA", "A"}},
			{Code: "B", Name: "B类（信用一般）", Mode: "不定期巡查，按常规比例和频次抽查", PerYear: 1, Grades: []string{"BBB", "BB", "B"}},
			{Code: "C", Name: "C类（信用较差）", Mode: "重点检查，提高抽查比例和频次", PerYear: 4, Grades: []string{"CCC", "CC", "C"}},
		}}
	return m
}

// Body returns the model as stored (JSON, without the version).
func (m *Model) Body() []byte {
	c := *m
	c.Version = 0
	b, _ := json.MarshalIndent(c, "", "  ")
	return b
}
