package engine_test

import (
	"context"
	"testing"
	"time"

	"xinyong/internal/check"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

type fixture struct {
	org, person subject.Subject
	debtor      list.Type
}

// setup creates departments, an organisation and its legal representative.
func setup(t *testing.T, s *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	if err := demo.LoadDepartments(ctx, s); err != nil {
		t.Fatal(err)
	}
	p, _ := pii.New(make([]byte, 32))
	g := demo.NewGenerator(uint64(time.Now().UnixNano()), time.Now())
	person, _ := g.Person(p, func(v string) string { return subject.MaskID(v, 4, 4) })
	person, err := s.CreateSubject(ctx, person, "test")
	if err != nil {
		t.Fatal(err)
	}
	org, err := s.CreateSubject(ctx, g.Organisation(p, person.Name), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRelation(ctx, subject.Relation{OrgCode: org.Code, PersonCode: person.Code, Role: subject.RoleLegalRep}, "test"); err != nil {
		t.Fatal(err)
	}
	debtor, _ := list.SeedByCode("court_dishonest_debtor")
	return fixture{org, person, debtor}
}

func start(t *testing.T, s *store.Store) *engine.Engine {
	t.Helper()
	e, err := engine.Start(context.Background(), s, engine.Options{TailInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// within polls the engine until cond holds, failing after one second.
func within(t *testing.T, what string, e *engine.Engine, code, scenario string, cond func(check.Answer) bool) {
	t.Helper()
	sc, _ := measure.ScenarioByName(scenario)
	deadline := time.Now().Add(time.Second)
	for {
		a, _ := e.Check(code, sc, time.Now(), true)
		if cond(a) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not visible in the check within 1s: %+v", what, a)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func activate(t *testing.T, s *store.Store, f fixture) list.Entry {
	t.Helper()
	ctx := context.Background()
	p := list.Proposal{Subject: f.org.Code, ListType: f.debtor.Code, Facts: "有履行能力而拒不履行", BasisDoc: "（2025）闽01执100号"}
	if err := p.Validate(f.debtor, list.Day(time.Now())); err != nil {
		t.Fatal(err)
	}
	e, err := s.ProposeEntry(ctx, f.org.ID, p, f.debtor, 3, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []list.Action{list.ActNotify, list.ActActivate} {
		if e, err = s.TransitionEntry(ctx, e.ID, f.debtor, store.TransitionInput{Action: a, Who: list.ActorIdentifier}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// TestConsistency proves that each committed change shows in the check on
// the same node within one second.
func TestConsistency(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := setup(t, s)
		eng := start(t, s)
		if eng.Lookup(f.org.Code) == nil || eng.Lookup(f.person.Code) == nil {
			t.Fatal("index not built at start")
		}
		before := time.Now()
		e := activate(t, s, f)
		within(t, "activated", eng, f.org.Code, "高消费", func(a check.Answer) bool { return len(a.Entries) == 1 && len(a.Measures) > 0 })
		within(t, "person bound", eng, f.person.Code, "高消费", func(a check.Answer) bool {
			return len(a.RelatedHits) == 1 && len(a.Measures) > 0 && a.Measures[0].AppliesAs == "related"
		})
		within(t, "organisation's related hits", eng, f.org.Code, "政府采购", func(a check.Answer) bool { return len(a.RelatedHits) == 0 })

		if err := s.PauseEntry(ctx, e.ID, "异议核实中", "test"); err != nil {
			t.Fatal(err)
		}
		within(t, "paused", eng, f.org.Code, "高消费", func(a check.Answer) bool { return len(a.Paused) == 1 && len(a.Measures) == 0 })
		within(t, "paused for person", eng, f.person.Code, "高消费", func(a check.Answer) bool { return len(a.Measures) == 0 })
		if err := s.ResumeEntry(ctx, e.ID, "异议不成立", "test"); err != nil {
			t.Fatal(err)
		}
		within(t, "resumed", eng, f.org.Code, "高消费", func(a check.Answer) bool { return len(a.Paused) == 0 && len(a.Measures) > 0 })
		if _, err := s.TransitionEntry(ctx, e.ID, f.debtor, store.TransitionInput{Action: list.ActExit, Who: list.ActorOperator, ExitReason: list.ExitCourt}, "test"); err != nil {
			t.Fatal(err)
		}
		within(t, "exited", eng, f.org.Code, "高消费", func(a check.Answer) bool {
			return len(a.Entries) == 0 && len(a.Measures) == 0 && len(a.Monitoring) == 1 && a.Incentives.Clean3Y
		})
		within(t, "exited for person", eng, f.person.Code, "高消费", func(a check.Answer) bool { return len(a.Measures) == 0 })

		// As of a time while the entry was active, the check still answers
		// what was true then.
		sc, _ := measure.ScenarioByName("高消费")
		if a, _ := eng.Check(f.org.Code, sc, before.Add(-time.Minute), false); len(a.Entries) != 0 {
			t.Errorf("as of before listing: %+v", a.Entries)
		}

		// A negative record published, then revoked (withdrawn).
		rep, err := s.Ingest(ctx, &store.SliceRows{Rows: []store.IngestRow{{Line: 1, Values: penalty(f.org, time.Now().AddDate(0, 0, -10))}}},
			store.IngestOptions{Dept: "samr", Type: "penalty", Source: "test", Actor: "test", PII: mustPII(), Outcomes: true})
		if err != nil || rep.Accepted != 1 {
			t.Fatalf("ingest: %v %+v", err, rep)
		}
		within(t, "record published", eng, f.org.Code, "行政许可", func(a check.Answer) bool { return !a.Incentives.Clean3Y })
		if _, err := s.RevokeRecord(ctx, rep.Outcomes[0].ID, "samr", "行政复议撤销", "test"); err != nil {
			t.Fatal(err)
		}
		within(t, "record withdrawn", eng, f.org.Code, "行政许可", func(a check.Answer) bool { return a.Incentives.Clean3Y })

		// A rule edit swaps the rule set.
		v := eng.Rules().Version
		m, _ := eng.Rules().Measure("P-COURT-011")
		m.Text += "（修订）"
		if err := s.SaveMeasure(ctx, m, "test"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Second)
		for eng.Rules().Version == v {
			if time.Now().After(deadline) {
				t.Fatal("rule set not reloaded within 1s")
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// TestOtherNode proves a node sees changes committed through another
// store handle (another node) by tailing the change feed.
func TestOtherNode(t *testing.T) {
	xtest.EachEngine(t, func(t *testing.T, en xtest.Engine) {
		a := en.Open(t)
		defer a.Close()
		f := setup(t, a)
		b := en.Open(t)
		defer b.Close()
		eng := start(t, b)
		activate(t, a, f)
		within(t, "activated on another node", eng, f.org.Code, "政府采购", func(a check.Answer) bool { return len(a.Entries) == 1 })
	})
}

func mustPII() *pii.Protector {
	p, _ := pii.New(make([]byte, 32))
	return p
}

func penalty(org subject.Subject, decided time.Time) map[string]string {
	return map[string]string{
		"CF_XDR_MC": org.Name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": org.Code, "CF_FRDB": "张三",
		"CF_WSH": "榕市监罚〔2025〕" + org.Code[10:16] + "号", "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品", "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
		"CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5", "CF_JDRQ": decided.Format(time.DateOnly), "CF_YXQ": decided.AddDate(1, 0, 0).Format(time.DateOnly),
		"CF_CFJG": "示例市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X", "CF_SJLY": "示例市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
}
