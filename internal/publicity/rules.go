package publicity

import (
	"fmt"
	"strings"

	"xinyong/internal/calendar"
	"xinyong/internal/errs"
)

// Rule sets the publicity window for one severity class, optionally for one
// record type, from a given effective date on. Rules are versioned: a newer
// rule for the same record type and severity replaces an older one for
// decisions made on or after its EffectiveFrom.
type Rule struct {
	ID            string        `json:"id"`
	Source        string        `json:"source"`         // legal source, e.g. 国办发〔2025〕22号
	EffectiveFrom calendar.Date `json:"effective_from"` // first decision date the rule applies to
	RecordType    string        `json:"record_type"`    // "" = any record type
	Severity      Severity      `json:"severity"`
	MinMonths     int           `json:"min_months"` // minimum publicity; repair possible after it
	MaxMonths     int           `json:"max_months"` // maximum publicity; the record leaves the public view after it
	Repairable    bool          `json:"repairable"` // whether early repair (信用修复) can end publicity before MaxMonths
}

// MaxRuleMonths bounds MaxMonths to catch typos such as days entered as months.
const MaxRuleMonths = 120

// DefaultRules returns the national rules of domain-facts §3.4, all generic
// (RecordType ""); sector rules are added by the operator as per-type rules.
// Periods are counted from the decision date.
//
//   - 2017-07-31, NDRC 办公厅 notice on 行政处罚 publicity on "信用中国" and
//     local credit sites: 1 year, 3 years for 严重失信. The notice fixes the
//     period; it is modelled as min = max and not repairable early. Its
//     document number is unverified, so Source names it by title.
//   - 2019-07-01, 发改办财金〔2019〕527号: 一般 3 months–1 year, 严重 6
//     months–3 years. (Its "特定严重失信" class, never repairable early, is a
//     per-type rule with Repairable=false.) No 轻微 class existed.
//   - 2025-06-22, 国办发〔2025〕22号 (dated 2025-06-22): 轻微 at most 3
//     months and repairable once the duty is fulfilled (min 0), 一般 3
//     months–1 year, 严重 1–3 years.
//   - 2026-04-01, 国家发展改革委令2025年第36号《信用修复管理办法》: the same
//     three classes and periods, counted from the decision date.
//
// The 2023 NDRC order No. 58 (effective 2023-05-01) is not included: its
// periods are unverified. Until confirmed, decisions between 2023-05-01 and
// 2025-06-21 fall under the 2019 rules.
func DefaultRules() []Rule {
	d := calendar.MustParseDate
	const (
		src2017 = "国家发展改革委办公厅关于进一步规范“信用中国”网站和地方信用门户网站行政处罚信息公示工作的通知（2017）"
		src2019 = "发改办财金〔2019〕527号"
		src2025 = "国办发〔2025〕22号"
		src2026 = "国家发展改革委令2025年第36号"
	)
	return []Rule{
		{ID: "ndrc-2017-general", Source: src2017, EffectiveFrom: d("2017-07-31"), Severity: General, MinMonths: 12, MaxMonths: 12},
		{ID: "ndrc-2017-serious", Source: src2017, EffectiveFrom: d("2017-07-31"), Severity: Serious, MinMonths: 36, MaxMonths: 36},
		{ID: "ndrc-2019-general", Source: src2019, EffectiveFrom: d("2019-07-01"), Severity: General, MinMonths: 3, MaxMonths: 12, Repairable: true},
		{ID: "ndrc-2019-serious", Source: src2019, EffectiveFrom: d("2019-07-01"), Severity: Serious, MinMonths: 6, MaxMonths: 36, Repairable: true},
		{ID: "gov-2025-minor", Source: src2025, EffectiveFrom: d("2025-06-22"), Severity: Minor, MinMonths: 0, MaxMonths: 3, Repairable: true},
		{ID: "gov-2025-general", Source: src2025, EffectiveFrom: d("2025-06-22"), Severity: General, MinMonths: 3, MaxMonths: 12, Repairable: true},
		{ID: "gov-2025-serious", Source: src2025, EffectiveFrom: d("2025-06-22"), Severity: Serious, MinMonths: 12, MaxMonths: 36, Repairable: true},
		{ID: "ndrc-2026-minor", Source: src2026, EffectiveFrom: d("2026-04-01"), Severity: Minor, MinMonths: 0, MaxMonths: 3, Repairable: true},
		{ID: "ndrc-2026-general", Source: src2026, EffectiveFrom: d("2026-04-01"), Severity: General, MinMonths: 3, MaxMonths: 12, Repairable: true},
		{ID: "ndrc-2026-serious", Source: src2026, EffectiveFrom: d("2026-04-01"), Severity: Serious, MinMonths: 12, MaxMonths: 36, Repairable: true},
	}
}

// Select returns the rule governing a record of the given type and severity
// decided on the given date.
//
// The rule in force is judged at the decision date, not at publication: every
// rule text counts the period from the decision date, the window is a property
// of the decision, and judging at decision time keeps a record's window stable
// whether it was published on time or late (and avoids applying later rules
// retroactively).
//
// Among rules with EffectiveFrom <= decision, a rule for this record type
// beats any generic rule (RecordType ""), even a newer generic one; within the
// same specificity the latest EffectiveFrom wins. So when national rules
// change, the operator must add a new version of each per-type rule too.
//
// If no rule applies (e.g. 轻微 before 2025-06-22, or a decision before the
// earliest rule), Select returns a NotFound *errs.Error.
func Select(rules []Rule, recordType string, sev Severity, decision calendar.Date) (Rule, error) {
	var best Rule
	found, bestSpecific := false, false
	for _, r := range rules {
		if r.Severity != sev || r.EffectiveFrom.After(decision) {
			continue
		}
		specific := r.RecordType != ""
		if specific && r.RecordType != recordType {
			continue
		}
		switch {
		case !found,
			specific && !bestSpecific,
			specific == bestSpecific && r.EffectiveFrom.After(best.EffectiveFrom):
			best, found, bestSpecific = r, true, specific
		}
	}
	if !found {
		return Rule{}, errs.NotFound("publicity.rule_not_found",
			fmt.Sprintf("没有适用于 %s 作出的%s失信信息的公示期规则", decision, sev.Label()))
	}
	return best, nil
}

// Window returns the end of the minimum and of the maximum publicity period
// of a decision under rule. Both are the last day of their period (inclusive):
// the period starts the day after the decision and ends on the corresponding
// day of the final month, or that month's last day if there is none (民法典
// Arts. 201–202). A decision on 2024-01-31 with a 1-month period ends on
// 2024-02-29. The record is public through maxEnd and leaves the public view
// at the start of the following day (see LeavesAt). With MinMonths 0, minEnd
// is the decision date.
func Window(rule Rule, decision calendar.Date) (minEnd, maxEnd calendar.Date) {
	return decision.AddMonths(rule.MinMonths), decision.AddMonths(rule.MaxMonths)
}

// ValidateRules checks a rule set: each rule has an ID (unique), a source, a
// valid effective date and severity, 0 <= MinMonths <= MaxMonths, 1 <=
// MaxMonths <= MaxRuleMonths; and no two rules share record type, severity and
// effective date. It returns nil or an Invalid *errs.Error listing every
// problem with a Chinese reason.
func ValidateRules(rules []Rule) error {
	var bad []errs.FieldError
	add := func(i int, field, reason string) {
		bad = append(bad, errs.FieldError{Field: fmt.Sprintf("rules[%d].%s", i, field), Reason: reason})
	}
	type key struct {
		recordType string
		sev        Severity
		from       calendar.Date
	}
	ids := map[string]int{}
	keys := map[key]int{}
	for i, r := range rules {
		name := r.ID
		if strings.TrimSpace(r.ID) == "" {
			add(i, "id", "规则编号不能为空")
			name = fmt.Sprintf("第 %d 条", i+1)
		} else if j, dup := ids[r.ID]; dup {
			add(i, "id", fmt.Sprintf("规则编号“%s”与第 %d 条重复", r.ID, j+1))
		} else {
			ids[r.ID] = i
		}
		if strings.TrimSpace(r.Source) == "" {
			add(i, "source", fmt.Sprintf("规则 %s 的依据（文件名称或文号）不能为空", name))
		}
		if !r.EffectiveFrom.Valid() {
			add(i, "effective_from", fmt.Sprintf("规则 %s 的生效日期无效", name))
		}
		if !r.Severity.Valid() {
			add(i, "severity", fmt.Sprintf("规则 %s 的失信程度“%s”无效，应为 轻微、一般 或 严重", name, r.Severity))
		}
		if r.MinMonths < 0 {
			add(i, "min_months", fmt.Sprintf("规则 %s 的最短公示期不能为负数", name))
		}
		switch {
		case r.MaxMonths < 1:
			add(i, "max_months", fmt.Sprintf("规则 %s 的最长公示期至少为 1 个月", name))
		case r.MaxMonths > MaxRuleMonths:
			add(i, "max_months", fmt.Sprintf("规则 %s 的最长公示期 %d 个月超过上限 %d 个月", name, r.MaxMonths, MaxRuleMonths))
		case r.MinMonths > r.MaxMonths:
			add(i, "min_months", fmt.Sprintf("规则 %s 的最短公示期（%d 个月）不能长于最长公示期（%d 个月）", name, r.MinMonths, r.MaxMonths))
		}
		k := key{r.RecordType, r.Severity, r.EffectiveFrom}
		if j, dup := keys[k]; dup {
			scope := "通用"
			if r.RecordType != "" {
				scope = "记录类型“" + r.RecordType + "”"
			}
			add(i, "effective_from", fmt.Sprintf("规则 %s 与第 %d 条重复：%s、%s失信、%s 起生效的规则只能有一条", name, j+1, scope, r.Severity.Label(), r.EffectiveFrom))
		} else {
			keys[k] = i
		}
	}
	if len(bad) > 0 {
		return errs.Invalid("publicity.rules_invalid", "公示期规则有误", bad...)
	}
	return nil
}
