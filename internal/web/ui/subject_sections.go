package ui

import (
	"context"
	"slices"
	"sort"
	"strings"

	"xinyong/internal/catalog"
	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// The subject page's public sections: 双公示 records, red/black list status,
// public commitments and the measures that apply now (informational).

type subjectRecord struct {
	TypeName, DocNo, DecisionDate, PublicityEnd, Dept, Summary, Nature string
	Bad, Objected                                                      bool
}

type subjectCommit struct {
	Kind, Matter, Content, Dept, Due, State string
	Fulfilled, Broken                       bool
}

type subjectMeasure struct {
	Code, Text, Kind, Mode string
	Punish, Mandatory      bool
	Basis                  []string
	Lists                  []string
	Scenarios              []string
}

// subjectSections fills the public sections of v from recs (the subject's
// public records in their window) and the store and check engine.
func (s *server) subjectSections(ctx context.Context, sub subject.Subject, recs []store.PublicRecord, v *subjectView) error {
	cat, err := s.API.Store.Catalog(ctx)
	if err != nil {
		return err
	}
	cases, err := s.API.Store.Cases(ctx, store.CaseFilter{Kind: remedy.Objection, SubjectID: sub.ID, Open: true, Limit: 500})
	if err != nil {
		return err
	}
	objected := map[int64]bool{}
	for _, c := range cases {
		if c.TargetKind == "record" {
			objected[c.TargetID] = true
		}
	}
	mask := s.idMask()
	for _, rec := range recs {
		if rec.Type != "license" && rec.Type != "penalty" {
			continue // 双公示 only; other public records are counted above
		}
		row := subjectRecord{TypeName: rec.Type, DocNo: rec.DocNo, DecisionDate: rec.DecisionDate, PublicityEnd: rec.PublicityEnd, Dept: rec.DeptName,
			Nature: catalog.Nature(rec.Nature).Label(), Bad: catalog.Nature(rec.Nature) == catalog.NatureBad, Objected: objected[rec.ID]}
		if t, ok := cat.Lookup(rec.Type); ok {
			row.TypeName, row.Summary = t.Name, rawSummary(t, rec.Content, v.Person, mask)
		}
		v.Records = append(v.Records, row)
	}
	if v.Entries, err = s.API.Store.PublicEntries(ctx, sub.ID, s.today()); err != nil {
		return err
	}
	cs, err := s.API.Store.Commitments(ctx, store.CommitmentFilter{SubjectID: sub.ID, PublicOnly: true, Limit: 50})
	if err != nil {
		return err
	}
	names, err := s.deptNames(ctx)
	if err != nil {
		return err
	}
	for _, c := range cs {
		sc := subjectCommit{Kind: c.KindLabel, Matter: c.Matter, Dept: pubDept(names, c.Dept), Due: c.Due, State: c.StateLabel,
			Fulfilled: c.State == remedy.Fulfilled, Broken: c.State == remedy.Broken}
		if !v.Person { // a person's free text may name them: only the facts
			sc.Content = c.Content
		} else {
			sc.Matter = ""
		}
		v.Commitments = append(v.Commitments, sc)
	}
	return s.subjectMeasures(ctx, sub, v)
}

// subjectMeasures asks the check engine, for every scenario, which measures
// apply to the subject now, and keeps those resting on public list entries
// (conditions such as three clean years would reveal non-public records).
// No check log is written: this is the portal's informational summary.
func (s *server) subjectMeasures(ctx context.Context, sub subject.Subject, v *subjectView) error {
	eng := s.API.Engine
	if eng == nil {
		return nil
	}
	v.MeasuresReady = true
	types, _, _, err := s.API.Store.Rules(ctx)
	if err != nil {
		return err
	}
	public := map[string]list.Type{}
	for _, t := range types {
		if t.Public {
			public[t.Code] = t
		}
	}
	byCode := map[string]*subjectMeasure{}
	var order []string
	now := s.API.Now()
	for _, sc := range measure.Scenarios() {
		a, _ := eng.Check(sub.Code, sc, now, false)
		for _, d := range a.Measures {
			if d.AppliesAs != "subject" {
				continue
			}
			var lists []string
			for _, b := range d.Because {
				if t, ok := public[b.ListType]; ok && b.Entry != 0 {
					lists = append(lists, t.Name)
				}
			}
			if len(lists) == 0 {
				continue
			}
			m := byCode[d.Code]
			if m == nil {
				m = &subjectMeasure{Code: d.Code, Text: d.Text, Kind: d.Kind.Label(), Mode: d.Mode.Label(), Punish: d.Kind == measure.Punish,
					Mandatory: d.Mode == measure.Mandatory, Basis: d.LegalBasis}
				byCode[d.Code] = m
				order = append(order, d.Code)
			}
			m.Scenarios = append(m.Scenarios, sc.Name)
			for _, l := range lists {
				if !slices.Contains(m.Lists, l) {
					m.Lists = append(m.Lists, l)
				}
			}
		}
	}
	for _, c := range order {
		v.Measures = append(v.Measures, *byCode[c])
	}
	sort.SliceStable(v.Measures, func(i, j int) bool {
		a, b := v.Measures[i], v.Measures[j]
		if a.Punish != b.Punish {
			return a.Punish
		}
		if a.Mandatory != b.Mandatory {
			return a.Mandatory
		}
		return strings.Compare(a.Code, b.Code) < 0
	})
	return nil
}

// measureCounts summarise the measures shown on a subject page.
type measureCounts struct{ Punish, Mandatory, Reward int }

// MeasureCounts counts the punishments (and the mandatory ones among them)
// and the rewards that apply to the subject.
func (v subjectView) MeasureCounts() measureCounts {
	var c measureCounts
	for _, m := range v.Measures {
		switch {
		case m.Punish && m.Mandatory:
			c.Punish++
			c.Mandatory++
		case m.Punish:
			c.Punish++
		default:
			c.Reward++
		}
	}
	return c
}
