package remedy

import (
	"fmt"

	"xinyong/internal/calendar"
	"xinyong/internal/errs"
)

// RepairRule says whether and when records of a type (or entries of a list
// type) can be repaired here. MinMonths, when > 0, overrides the minimum
// publicity period; MaxRepairs > 0 limits approved repairs of the same type
// by the same subject within WindowMonths.
type RepairRule struct {
	Type         string `json:"type"` // record type or list type code
	Repairable   bool   `json:"repairable"`
	MinMonths    int    `json:"min_months,omitempty"`
	MaxRepairs   int    `json:"max_repairs,omitempty"`
	WindowMonths int    `json:"window_months,omitempty"`
	Reason       string `json:"reason,omitempty"` // why not repairable
}

// Policy is the set of repair rules with defaults for types without one.
type Policy struct {
	Rules []RepairRule `json:"rules"`
	// Default limit: no more than MaxRepairs of the same type in WindowMonths.
	MaxRepairs   int `json:"max_repairs"`
	WindowMonths int `json:"window_months"`
	// EntryMinMonths is the minimum listing before a black-list entry may be
	// repaired (严重失信: 1 year under 国办发〔2025〕22号).
	EntryMinMonths int `json:"entry_min_months"`
}

const courtReason = "失信被执行人信息依照最高人民法院有关规定由人民法院屏蔽、删除，不在本平台修复"

// DefaultPolicy: the court's 失信被执行人 list and records are not repaired
// here (domain-facts §4.3); at most one repair of the same type per year.
func DefaultPolicy() Policy {
	return Policy{
		Rules: []RepairRule{
			{Type: "court_defaulter", Repairable: false, Reason: courtReason},
			{Type: "court_dishonest_debtor", Repairable: false, Reason: courtReason},
		},
		MaxRepairs: 1, WindowMonths: 12, EntryMinMonths: 12,
	}
}

func (p Policy) rule(typ string) (RepairRule, bool) {
	for _, r := range p.Rules {
		if r.Type == typ {
			return r, true
		}
	}
	return RepairRule{}, false
}

// Target describes the data a repair is asked for.
type Target struct {
	Kind     string // "record" or "entry"
	Type     string // record type or list type
	Negative bool   // a 失信 record or a black-list entry
	InForce  bool   // published and current / listed and active
	Severity string // minor, general, serious ("" for entries: serious)
	// Start is the decision date (record) or listing start (entry).
	Start string
	// MinEnd is the last day of the minimum publicity period of a record.
	MinEnd string
	// RuleRepairable is the publicity rule's Repairable (records only).
	RuleRepairable bool
}

// CheckRepair decides whether a repair may be applied for on today.
// prior holds the decision dates (YYYY-MM-DD) of approved repairs by the
// same subject of the same type. A refusal is an *errs.Error whose message
// names the reason and, when it is only too early, the date it becomes
// possible (also returned).
func CheckRepair(p Policy, t Target, prior []string, today calendar.Date) (earliest string, err error) {
	if !t.Negative {
		return "", errs.Conflict("remedy.not_negative", "只有失信信息或黑名单条目可以申请信用修复")
	}
	if !t.InForce {
		return "", errs.Conflict("remedy.not_in_force", "该信息当前未公示或不在名单中，无需修复")
	}
	r, has := p.rule(t.Type)
	if has && !r.Repairable {
		msg := r.Reason
		if msg == "" {
			msg = "依照法律、法规或有关规定，该类信息不予修复"
		}
		return "", errs.Conflict("remedy.not_repairable", msg)
	}
	if !has && t.Kind == "record" && !t.RuleRepairable {
		return "", errs.Conflict("remedy.not_repairable", "依照适用的公示期规则，该信息须公示期满，不能提前修复")
	}
	start, err := calendar.ParseDate(t.Start)
	if err != nil {
		return "", errs.Conflict("remedy.no_start", "该信息缺少决定日期，无法判断修复条件")
	}
	var e calendar.Date
	switch {
	case has && r.MinMonths > 0:
		e = start.AddMonths(r.MinMonths).AddDays(1)
	case t.Kind == "entry":
		e = start.AddMonths(p.EntryMinMonths).AddDays(1)
	case t.MinEnd != "" && t.MinEnd > t.Start:
		me, err := calendar.ParseDate(t.MinEnd)
		if err != nil {
			return "", errs.Conflict("remedy.no_start", "该信息的最短公示期有误，无法判断修复条件")
		}
		e = me.AddDays(1)
	default:
		e = start
	}
	earliest = e.String()
	if today.Before(e) {
		return earliest, errs.Conflict("remedy.too_early", fmt.Sprintf("最短公示期尚未届满，自 %s 起方可申请信用修复", earliest))
	}
	max, window := p.MaxRepairs, p.WindowMonths
	if has && r.MaxRepairs > 0 {
		max, window = r.MaxRepairs, r.WindowMonths
	}
	if max > 0 && window > 0 {
		from := today.AddMonths(-window).String()
		n, last := 0, ""
		for _, d := range prior {
			if d > from {
				n++
				if d > last {
					last = d
				}
			}
		}
		if n >= max {
			ld, _ := calendar.ParseDate(last)
			next := ld.AddMonths(window).AddDays(1).String()
			return next, errs.Conflict("remedy.limit", fmt.Sprintf("%d个月内同类信息已修复%d次，已达上限；自 %s 起方可再次申请", window, n, next))
		}
	}
	return earliest, nil
}
