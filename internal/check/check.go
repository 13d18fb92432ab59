package check

import (
	"sort"
	"time"

	"xinyong/internal/list"
	"xinyong/internal/measure"
)

// Snapshot is what the check knows of one subject. It is immutable once
// built: the engine swaps whole snapshots.
type Snapshot struct {
	SubjectID int64
	Code      string
	Name      string
	Type      string
	TypeLabel string
	// Entries are the subject's entries that were ever in force, with their
	// pauses (history for as-of checks).
	Entries []list.Entry
	// Bound are entries of organisations that bind this person (落实到人).
	Bound []Binding
	// Bad are the subject's negative records.
	Bad []list.BadRecord
	// Persons are an organisation's related persons (current relations).
	Persons []PersonRef
}

// Binding is an organisation's entry that binds a person in a role.
type Binding struct {
	Entry   list.Entry
	OrgCode string
	OrgName string
	Role    string
}

// PersonRef names a related person of an organisation.
type PersonRef struct {
	Code string
	Name string
	Role string
}

// Input is one check.
type Input struct {
	Subject  *Snapshot // nil: no data on the subject
	Scenario measure.Scenario
	AsOf     time.Time
	Rules    *RuleSet
	// Related holds the snapshots of an organisation's related persons when
	// the caller asked for related hits (nil entries are skipped).
	Related []*Snapshot
}

// Answer is the decision with its reasons.
type Answer struct {
	Scenario          measure.Scenario `json:"scenario"`
	AsOf              time.Time        `json:"as_of"`
	RulesVersion      int64            `json:"rules_version"`
	Entries           []EntryView      `json:"entries"`
	Measures          []Decision       `json:"measures"`
	Paused            []EntryView      `json:"paused"`
	RelatedHits       []RelatedHit     `json:"related_hits"`
	Aggravated        bool             `json:"aggravated"`
	AggravatedDomains []string         `json:"aggravated_domains,omitempty"`
	Incentives        Incentives       `json:"incentives"`
	Monitoring        []EntryView      `json:"monitoring,omitempty"`
	// Supervision is the subject's current credit grade and supervision
	// class (分级分类监管), filled in by the engine from the stored scores.
	Supervision *Supervision `json:"supervision,omitempty"`
}

// Supervision is a credit grade (三等九级) and its supervision class with
// the recommended inspection frequency.
type Supervision struct {
	Grade   string  `json:"grade"`
	Class   string  `json:"class"`
	Name    string  `json:"name"`
	Mode    string  `json:"mode"`
	PerYear float64 `json:"inspections_per_year"`
}

// EntryView is a list entry as the check shows it.
type EntryView struct {
	ID           int64     `json:"id"`
	ListType     string    `json:"list_type"`
	ListName     string    `json:"list_name"`
	Kind         list.Kind `json:"kind"`
	Domain       string    `json:"domain"`
	Dept         string    `json:"identifying_dept"`
	BasisDoc     string    `json:"basis_doc"`
	Basis        []string  `json:"basis"`
	Start        string    `json:"start"`
	End          string    `json:"end,omitempty"`
	Paused       bool      `json:"paused,omitempty"`
	MonitorUntil string    `json:"monitor_until,omitempty"`
}

// Decision is one applicable measure and why it applies.
type Decision struct {
	Code              string           `json:"code"`
	Kind              measure.Kind     `json:"kind"`
	Category          measure.Category `json:"category"`
	Mode              measure.Mode     `json:"mode"`
	Text              string           `json:"text"`
	LegalBasis        []string         `json:"legal_basis"`
	Binds             []string         `json:"binds"`
	ImplementingDepts []string         `json:"implementing_depts"`
	// AppliesAs is "subject" when the checked subject is bound itself,
	// "related" when bound as a related person of a listed organisation.
	AppliesAs string    `json:"applies_as"`
	Because   []Because `json:"because"`
	rank      int
}

// Because is one chain: entry (and its basis document) → list type →
// measure → legal basis, or a condition → measure → basis.
type Because struct {
	Entry     int64  `json:"entry,omitempty"`
	Subject   string `json:"subject,omitempty"` // the listed organisation, for related persons
	Role      string `json:"role,omitempty"`
	BasisDoc  string `json:"basis_doc,omitempty"`
	ListType  string `json:"list_type,omitempty"`
	ListName  string `json:"list_name,omitempty"`
	ListBasis string `json:"list_basis,omitempty"`
	Condition string `json:"condition,omitempty"`
	Measure   string `json:"measure"`
	Basis     string `json:"basis,omitempty"`
}

// RelatedHit is a related party's entries in force.
type RelatedHit struct {
	Subject string      `json:"subject"`
	Name    string      `json:"name"`
	Role    string      `json:"role"`
	Via     string      `json:"via"` // "person": the org's related person; "organisation": an org binding this person
	Entries []EntryView `json:"entries"`
}

// Incentives summarises reward eligibility.
type Incentives struct {
	RedLists []string `json:"red_lists"`
	// Clean3Y is true when the subject has had no negative record for the
	// rule set's CleanYears and is on no black list in force.
	Clean3Y bool `json:"clean_3y"`
	// Blocked explains why rewards are withheld (black list in force).
	Blocked  string   `json:"blocked,omitempty"`
	Measures []string `json:"measures"`
}

// Evaluate answers one check. It never reads the clock.
func Evaluate(in Input) Answer {
	rs := in.Rules
	a := Answer{Scenario: in.Scenario, AsOf: in.AsOf, RulesVersion: rs.Version,
		Entries: []EntryView{}, Measures: []Decision{}, Paused: []EntryView{}, RelatedHits: []RelatedHit{},
		Incentives: Incentives{RedLists: []string{}, Measures: []string{}}}
	s := in.Subject
	if s == nil {
		return a
	}
	t := in.AsOf
	day := list.Day(t)
	rules := rs.byScenario[in.Scenario.Code]
	var live []*list.Entry
	black := false
	for i := range s.Entries {
		e := &s.Entries[i]
		if !e.InForce(t, day) {
			if e.Monitored(day) {
				a.Monitoring = append(a.Monitoring, rs.view(e))
			}
			continue
		}
		if e.PausedAt(t) {
			v := rs.view(e)
			v.Paused = true
			a.Paused = append(a.Paused, v)
			black = black || e.Kind == list.Black // still listed: no rewards
			continue
		}
		a.Entries = append(a.Entries, rs.view(e))
		live = append(live, e)
		if e.Kind == list.Black {
			black = true
			if !contains(a.AggravatedDomains, e.Domain) {
				a.AggravatedDomains = append(a.AggravatedDomains, e.Domain)
			}
		} else {
			a.Incentives.RedLists = append(a.Incentives.RedLists, e.ListType)
		}
	}
	a.Aggravated = len(a.AggravatedDomains) >= 2
	if !a.Aggravated {
		a.AggravatedDomains = nil
	}
	for _, e := range live {
		for _, r := range rules {
			if !r.bSubj || !r.m.TriggeredBy(e.ListType) || (black && r.m.Kind == measure.Reward) {
				continue
			}
			a.add(r, "subject", rs.because(e, r, "", ""))
		}
	}
	for i := range s.Bound {
		b := &s.Bound[i]
		e := &b.Entry
		if !e.InForce(t, day) {
			continue
		}
		v := rs.view(e)
		paused := e.PausedAt(t)
		v.Paused = paused
		a.RelatedHits = append(a.RelatedHits, RelatedHit{Subject: b.OrgCode, Name: b.OrgName, Role: b.Role, Via: "organisation", Entries: []EntryView{v}})
		if paused {
			continue
		}
		for _, r := range rules {
			if r.bRel && r.m.Kind == measure.Punish && r.m.TriggeredBy(e.ListType) {
				a.add(r, "related", rs.because(e, r, b.OrgCode, b.Role))
			}
		}
	}
	for i, p := range in.Related {
		if p == nil || i >= len(s.Persons) {
			continue
		}
		hit := RelatedHit{Subject: p.Code, Name: p.Name, Role: s.Persons[i].Role, Via: "person"}
		for j := range p.Entries {
			e := &p.Entries[j]
			if e.InForce(t, day) {
				v := rs.view(e)
				v.Paused = e.PausedAt(t)
				hit.Entries = append(hit.Entries, v)
			}
		}
		if len(hit.Entries) > 0 {
			a.RelatedHits = append(a.RelatedHits, hit)
		}
	}
	if black {
		a.Incentives.Blocked = "该主体在黑名单中，不适用守信激励措施"
	} else {
		a.Incentives.Clean3Y = clean(s.Bad, t, rs.CleanYears)
		if a.Incentives.Clean3Y {
			for _, r := range rules {
				if r.m.Condition == measure.ConditionClean3 && r.bSubj {
					a.add(r, "subject", Because{Condition: string(r.m.Condition) + "：" + r.m.Condition.Label(), Measure: r.m.Code, Basis: first(r.basis)})
				}
			}
		}
	}
	sort.SliceStable(a.Measures, func(i, j int) bool {
		x, y := &a.Measures[i], &a.Measures[j]
		if x.rank != y.rank {
			return x.rank < y.rank
		}
		return x.Code < y.Code
	})
	for i := range a.Measures {
		if a.Measures[i].Kind == measure.Reward {
			a.Incentives.Measures = append(a.Incentives.Measures, a.Measures[i].Code)
		}
	}
	return a
}

func clean(bad []list.BadRecord, t time.Time, years int) bool {
	for _, r := range bad {
		if r.CountsAt(t, years) {
			return false
		}
	}
	return true
}

func (a *Answer) add(r *rule, as string, b Because) {
	for i := range a.Measures {
		d := &a.Measures[i]
		if d.Code == r.m.Code {
			d.Because = append(d.Because, b)
			if as == "subject" {
				d.AppliesAs = as
			}
			return
		}
	}
	m := r.m
	a.Measures = append(a.Measures, Decision{Code: m.Code, Kind: m.Kind, Category: m.Category, Mode: m.Mode, Text: m.Text,
		LegalBasis: r.basis, Binds: r.binds, ImplementingDepts: m.ImplementingDepts, AppliesAs: as, Because: []Because{b}, rank: r.rank})
}

func (rs *RuleSet) because(e *list.Entry, r *rule, org, role string) Because {
	b := Because{Entry: e.ID, Subject: org, Role: role, BasisDoc: e.BasisDoc, ListType: e.ListType, Measure: r.m.Code, Basis: first(r.basis)}
	if ti, ok := rs.typeInfo[e.ListType]; ok {
		b.ListName, b.ListBasis = ti.name, first(ti.basis)
	}
	return b
}

func (rs *RuleSet) view(e *list.Entry) EntryView {
	v := EntryView{ID: e.ID, ListType: e.ListType, ListName: e.ListName, Kind: e.Kind, Domain: e.Domain, Dept: e.Dept,
		BasisDoc: e.BasisDoc, Start: e.Start, End: e.End, MonitorUntil: e.MonitorUntil}
	if ti, ok := rs.typeInfo[e.ListType]; ok {
		v.ListName, v.Basis = ti.name, ti.basis
	}
	return v
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
