package check

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/list"
	"xinyong/internal/measure"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func rules() *RuleSet { return NewRuleSet(1, list.Seed(), measure.Seed()) }

func entry(id int64, typ string, start, end string, activated string) list.Entry {
	t, _ := list.SeedByCode(typ)
	return list.Entry{ID: id, ListType: typ, Kind: t.Kind, Domain: t.Domain, Dept: t.IdentifyingDept, BasisDoc: "文书" + typ,
		Start: start, End: end, State: list.Active, ActivatedAt: at(activated)}
}

func scenario(name string) measure.Scenario {
	s, ok := measure.ScenarioByName(name)
	if !ok {
		panic(name)
	}
	return s
}

func codes(ds []Decision) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	rs := rules()
	debtor := entry(1, "court_dishonest_debtor", "2025-01-01", "2027-01-01", "2025-01-01 09:00")
	tax := entry(2, "tax_major_violation", "2025-02-01", "2028-02-01", "2025-02-01 09:00")
	aGrade := entry(3, "tax_a_grade", "2025-01-01", "2026-01-01", "2025-01-01 09:00")
	paused := entry(4, "market_serious", "2025-01-01", "2028-01-01", "2025-01-01 09:00")
	paused.Pauses = []list.Pause{{From: at("2025-03-01 09:00")}}
	now := at("2025-06-01 12:00")

	t.Run("no data", func(t *testing.T) {
		a := Evaluate(Input{Scenario: scenario("政府采购"), AsOf: now, Rules: rs})
		if len(a.Measures) != 0 || len(a.Entries) != 0 || a.Aggravated {
			t.Errorf("empty subject got %+v", a)
		}
	})
	t.Run("procurement, debtor", func(t *testing.T) {
		s := &Snapshot{Code: "X", Entries: []list.Entry{debtor}}
		a := Evaluate(Input{Subject: s, Scenario: scenario("政府采购"), AsOf: now, Rules: rs})
		if diff := cmp.Diff([]string{"P-COURT-011"}, codes(a.Measures)); diff != "" {
			t.Errorf("measures (-want +got):\n%s", diff)
		}
		d := a.Measures[0]
		if d.Mode != measure.Mandatory || len(d.LegalBasis) == 0 || d.Because[0].Entry != 1 || d.Because[0].ListType != "court_dishonest_debtor" || d.Because[0].Basis == "" || d.Because[0].ListBasis == "" {
			t.Errorf("decision chain incomplete: %+v", d)
		}
		if a.Aggravated || a.Incentives.Clean3Y || a.Incentives.Blocked == "" {
			t.Errorf("flags wrong: %+v", a)
		}
	})
	t.Run("aggravated, mandatory first", func(t *testing.T) {
		s := &Snapshot{Code: "X", Entries: []list.Entry{debtor, tax}}
		a := Evaluate(Input{Subject: s, Scenario: scenario("融资授信"), AsOf: now, Rules: rs})
		if !a.Aggravated || len(a.AggravatedDomains) != 2 {
			t.Errorf("want aggravated over 2 domains, got %v %v", a.Aggravated, a.AggravatedDomains)
		}
		seenRec := false
		for _, d := range a.Measures {
			if d.Mode == measure.Recommended {
				seenRec = true
			} else if seenRec {
				t.Errorf("mandatory %s after a recommended measure: %v", d.Code, codes(a.Measures))
			}
		}
	})
	t.Run("paused entry applies nothing", func(t *testing.T) {
		s := &Snapshot{Code: "X", Entries: []list.Entry{paused}}
		a := Evaluate(Input{Subject: s, Scenario: scenario("日常监管"), AsOf: now, Rules: rs})
		if len(a.Paused) != 1 || len(a.Entries) != 0 || len(a.Measures) != 0 {
			t.Errorf("paused: %+v", a)
		}
		before := Evaluate(Input{Subject: s, Scenario: scenario("日常监管"), AsOf: at("2025-02-01 12:00"), Rules: rs})
		if len(before.Paused) != 0 || len(before.Measures) == 0 {
			t.Errorf("as of before the pause the measures applied: %+v", before)
		}
	})
	t.Run("as of before listing and after expiry", func(t *testing.T) {
		s := &Snapshot{Code: "X", Entries: []list.Entry{debtor}}
		for _, when := range []string{"2024-12-31 12:00", "2027-01-01 00:00"} {
			a := Evaluate(Input{Subject: s, Scenario: scenario("高消费"), AsOf: at(when), Rules: rs})
			if len(a.Measures) != 0 {
				t.Errorf("%s: measures %v", when, codes(a.Measures))
			}
		}
	})
	t.Run("red list and clean 3 years", func(t *testing.T) {
		s := &Snapshot{Code: "X", Entries: []list.Entry{aGrade}}
		a := Evaluate(Input{Subject: s, Scenario: scenario("行政许可"), AsOf: now, Rules: rs})
		want := []string{"R-GEN-001", "R-GEN-002", "R-GEN-003", "R-GEN-004"}
		if diff := cmp.Diff(want, codes(a.Measures)); diff != "" {
			t.Errorf("measures (-want +got):\n%s", diff)
		}
		if !a.Incentives.Clean3Y || len(a.Incentives.RedLists) != 1 || len(a.Incentives.Measures) != 4 {
			t.Errorf("incentives %+v", a.Incentives)
		}
		s.Bad = []list.BadRecord{{DocNo: "罚1", DecisionDate: "2023-01-01", Current: true, Published: true}}
		a = Evaluate(Input{Subject: s, Scenario: scenario("行政许可"), AsOf: now, Rules: rs})
		if a.Incentives.Clean3Y || len(codes(a.Measures)) != 2 {
			t.Errorf("bad record within 3 years still clean: %+v", a.Incentives)
		}
		s.Bad[0].DecisionDate = "2022-05-31"
		if a = Evaluate(Input{Subject: s, Scenario: scenario("行政许可"), AsOf: now, Rules: rs}); !a.Incentives.Clean3Y {
			t.Error("record older than 3 years should not count")
		}
	})
	t.Run("black suppresses rewards", func(t *testing.T) {
		s := &Snapshot{Code: "X", Entries: []list.Entry{aGrade, debtor}}
		a := Evaluate(Input{Subject: s, Scenario: scenario("行政许可"), AsOf: now, Rules: rs})
		for _, d := range a.Measures {
			if d.Kind == measure.Reward {
				t.Errorf("reward %s given to a black-listed subject", d.Code)
			}
		}
	})
	t.Run("person bound by organisation entry", func(t *testing.T) {
		p := &Snapshot{Code: "P1", Type: "natural", Bound: []Binding{{Entry: debtor, OrgCode: "ORG", OrgName: "某公司", Role: "legal_rep"}}}
		a := Evaluate(Input{Subject: p, Scenario: scenario("高消费"), AsOf: now, Rules: rs})
		if len(a.RelatedHits) != 1 || a.RelatedHits[0].Subject != "ORG" {
			t.Errorf("related hits %+v", a.RelatedHits)
		}
		if len(a.Measures) == 0 || a.Measures[0].AppliesAs != "related" || a.Measures[0].Because[0].Subject != "ORG" {
			t.Errorf("related measures %+v", a.Measures)
		}
		// procurement measures bind only the subject, not its persons
		if a := Evaluate(Input{Subject: p, Scenario: scenario("政府采购"), AsOf: now, Rules: rs}); len(a.Measures) != 0 {
			t.Errorf("subject-only measure applied to person: %v", codes(a.Measures))
		}
	})
	t.Run("organisation with related persons", func(t *testing.T) {
		person := &Snapshot{Code: "P2", Name: "张三", Entries: []list.Entry{debtor}}
		org := &Snapshot{Code: "ORG", Persons: []PersonRef{{Code: "P2", Name: "张三", Role: "legal_rep"}}}
		a := Evaluate(Input{Subject: org, Related: []*Snapshot{person}, Scenario: scenario("政府采购"), AsOf: now, Rules: rs})
		if len(a.RelatedHits) != 1 || a.RelatedHits[0].Via != "person" || len(a.Measures) != 0 {
			t.Errorf("org related hits %+v measures %v", a.RelatedHits, codes(a.Measures))
		}
	})
	t.Run("monitoring after exit", func(t *testing.T) {
		e := debtor
		e.ExitedAt, e.ExitDate, e.MonitorUntil = at("2025-03-01 09:00"), "2025-03-01", "2026-03-01"
		a := Evaluate(Input{Subject: &Snapshot{Entries: []list.Entry{e}}, Scenario: scenario("日常监管"), AsOf: now, Rules: rs})
		if len(a.Monitoring) != 1 || len(a.Entries) != 0 {
			t.Errorf("monitoring %+v", a)
		}
	})
}

func TestNoPunishmentWithoutBasis(t *testing.T) {
	ms := measure.Seed()
	for i := range ms {
		ms[i].Basis = nil
	}
	rs := NewRuleSet(1, list.Seed(), ms)
	s := &Snapshot{Entries: []list.Entry{entry(1, "court_dishonest_debtor", "2025-01-01", "", "2025-01-01 09:00")}}
	for _, sc := range measure.Scenarios() {
		a := Evaluate(Input{Subject: s, Scenario: sc, AsOf: at("2025-06-01 12:00"), Rules: rs})
		for _, d := range a.Measures {
			if d.Kind == measure.Punish {
				t.Errorf("%s: punishment %s without basis returned", sc.Code, d.Code)
			}
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	rs := rules()
	now := at("2025-06-01 12:00")
	cases := map[string]*Snapshot{
		"clean":  {Code: "X"},
		"debtor": {Code: "X", Entries: []list.Entry{entry(1, "court_dishonest_debtor", "2025-01-01", "2027-01-01", "2025-01-01 09:00"), entry(2, "tax_major_violation", "2025-02-01", "2028-02-01", "2025-02-01 09:00")}},
	}
	for name, s := range cases {
		b.Run(name, func(b *testing.B) {
			in := Input{Subject: s, Scenario: scenario("融资授信"), AsOf: now, Rules: rs}
			b.ReportAllocs()
			for b.Loop() {
				Evaluate(in)
			}
		})
	}
}
