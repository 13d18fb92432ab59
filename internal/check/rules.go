// Package check is the pure evaluation of the 应查必查 check: given a
// subject snapshot, a scenario, a time and the rule set, which list entries
// are in force and which measures apply, each with the chain that explains
// it. No database, no clock, no logging.
package check

import (
	"sort"

	"xinyong/internal/list"
	"xinyong/internal/measure"
)

// RuleSet is the immutable set of list types and measures a check is
// evaluated against. Build a new one and swap it in to change the rules.
type RuleSet struct {
	Version  int64
	Types    map[string]list.Type
	Measures []measure.Measure
	// CleanYears is the span without negative records that makes a subject
	// eligible for condition-triggered incentives (clean_3y).
	CleanYears int

	byScenario map[string][]*rule
	byCode     map[string]*rule
	typeInfo   map[string]typeInfo
}

type typeInfo struct {
	name  string
	basis []string
}

// rule is a measure with its display values computed once.
type rule struct {
	m     *measure.Measure
	basis []string
	binds []string
	bSubj bool
	bRel  bool
	rank  int
}

// NewRuleSet indexes types and measures. A punitive measure without a legal
// basis is never indexed, so the check cannot return it.
func NewRuleSet(version int64, types []list.Type, ms []measure.Measure) *RuleSet {
	rs := &RuleSet{Version: version, Types: make(map[string]list.Type, len(types)), Measures: ms, CleanYears: 3,
		byScenario: map[string][]*rule{}, byCode: map[string]*rule{}, typeInfo: map[string]typeInfo{}}
	for _, t := range types {
		rs.Types[t.Code] = t
		ti := typeInfo{name: t.Name}
		for _, b := range t.Basis {
			ti.basis = append(ti.basis, b.Document+b.Article)
		}
		rs.typeInfo[t.Code] = ti
	}
	for i := range rs.Measures {
		m := &rs.Measures[i]
		if m.Kind == measure.Punish && len(m.Basis) == 0 {
			continue
		}
		r := &rule{m: m, bSubj: m.BindsTo(measure.BindSubject), bRel: m.BindsTo(measure.BindRelated)}
		for _, b := range m.Basis {
			r.basis = append(r.basis, b.String())
		}
		for _, b := range m.Binds {
			r.binds = append(r.binds, string(b))
		}
		r.rank = m.Mode.Rank() * 2
		if m.Kind == measure.Reward {
			r.rank++
		}
		rs.byCode[m.Code] = r
		for _, sc := range m.Scenarios {
			rs.byScenario[sc] = append(rs.byScenario[sc], r)
		}
	}
	for _, rules := range rs.byScenario {
		sort.Slice(rules, func(i, j int) bool { return less(rules[i], rules[j]) })
	}
	return rs
}

func less(a, b *rule) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return a.m.Code < b.m.Code
}

// Measure returns a measure by code.
func (rs *RuleSet) Measure(code string) (measure.Measure, bool) {
	if r, ok := rs.byCode[code]; ok {
		return *r.m, true
	}
	return measure.Measure{}, false
}
