package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xinyong/internal/demo"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

// listFixture creates departments, seeds the rules and returns an
// organisation with a legal representative.
func listFixture(t *testing.T, s *store.Store, now time.Time) (org, person subject.Subject) {
	t.Helper()
	ctx := context.Background()
	if err := demo.LoadDepartments(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := s.SeedRules(ctx, list.Seed(), measure.Seed()); err != nil {
		t.Fatal(err)
	}
	p, _ := pii.New(make([]byte, 32))
	g := demo.NewGenerator(uint64(now.UnixNano()), now)
	person, _ = g.Person(p, func(v string) string { return subject.MaskID(v, 4, 4) })
	person, err := s.CreateSubject(ctx, person, "test")
	if err != nil {
		t.Fatal(err)
	}
	if org, err = s.CreateSubject(ctx, g.Organisation(p, person.Name), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRelation(ctx, subject.Relation{OrgCode: org.Code, PersonCode: person.Code, Role: subject.RoleLegalRep}, "test"); err != nil {
		t.Fatal(err)
	}
	return org, person
}

func propose(t *testing.T, s *store.Store, sub subject.Subject, typ string, today string) (list.Entry, error) {
	t.Helper()
	ty, _ := list.SeedByCode(typ)
	p := list.Proposal{Subject: sub.Code, ListType: typ, Facts: "事实", BasisDoc: "文书1号"}
	if err := p.Validate(ty, today); err != nil {
		t.Fatal(err)
	}
	return s.ProposeEntry(context.Background(), sub.ID, p, ty, 3, "test")
}

func TestEntryLifecycle(t *testing.T) {
	xtest.EachClock(t, time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC), func(t *testing.T, s *store.Store, clk *xtest.Clock) {
		ctx := context.Background()
		org, person := listFixture(t, s, clk.Now())
		ty, _ := list.SeedByCode("market_serious") // 5-day objection period
		e, err := propose(t, s, org, ty.Code, list.Day(clk.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := propose(t, s, org, ty.Code, list.Day(clk.Now())); !errs.Is(err, errs.KindConflict) {
			t.Errorf("duplicate proposal: %v", err)
		}
		step := func(a list.Action, in store.TransitionInput) (list.Entry, error) {
			in.Action, in.Who = a, list.ActorIdentifier
			return s.TransitionEntry(ctx, e.ID, ty, in, "test")
		}
		if _, err := step(list.ActActivate, store.TransitionInput{}); !errs.Is(err, errs.KindConflict) {
			t.Errorf("activate before notify: %v", err)
		}
		if e, err = step(list.ActNotify, store.TransitionInput{Notice: list.Notice(e, ty, nil)}); err != nil || e.State != list.Notified || e.Notice == "" {
			t.Fatalf("notify: %v %+v", err, e)
		}
		if _, err := step(list.ActActivate, store.TransitionInput{}); !errs.Is(err, errs.KindConflict) {
			t.Errorf("activate within the objection period: %v", err)
		}
		if _, err := s.TransitionEntry(ctx, e.ID, ty, store.TransitionInput{Action: list.ActActivate, Who: list.ActorOther}, "x"); !errs.Is(err, errs.KindForbidden) {
			t.Errorf("other actor: %v", err)
		}
		clk.Add(6 * 24 * time.Hour)
		if e, err = step(list.ActActivate, store.TransitionInput{}); err != nil || e.State != list.Active {
			t.Fatalf("activate: %v", err)
		}
		if len(e.Persons) != 1 || e.Persons[0].Code != person.Code {
			t.Errorf("persons not bound: %+v", e.Persons)
		}
		if err := s.PauseEntry(ctx, e.ID, "异议", "test"); err != nil {
			t.Fatal(err)
		}
		if err := s.PauseEntry(ctx, e.ID, "异议", "test"); !errs.Is(err, errs.KindConflict) {
			t.Errorf("double pause: %v", err)
		}
		if _, err := step(list.ActExit, store.TransitionInput{}); err == nil {
			t.Error("exit without reason accepted")
		}
		if e, err = step(list.ActExit, store.TransitionInput{ExitReason: list.ExitRepair}); err != nil || e.State != list.Exited || e.MonitorUntil == "" || e.Paused {
			t.Fatalf("exit: %v %+v", err, e)
		}
		if len(e.Pauses) != 1 || e.Pauses[0].To.IsZero() {
			t.Errorf("pause not closed at exit: %+v", e.Pauses)
		}
		hist, _ := s.EntryHistory(ctx, e.ID)
		var acts []string
		for _, h := range hist {
			acts = append(acts, h.Action)
		}
		if got := len(acts); got != 5 {
			t.Errorf("history %v", acts)
		}
		// Red list cross-check: the exited black entry no longer blocks;
		// an active one does.
		if _, err := propose(t, s, org, "tax_a_grade", list.Day(clk.Now())); err != nil {
			t.Errorf("red after black exit: %v", err)
		}
		b, _ := propose(t, s, person, "tax_major_violation", list.Day(clk.Now()))
		tb, _ := list.SeedByCode("tax_major_violation")
		s.TransitionEntry(ctx, b.ID, tb, store.TransitionInput{Action: list.ActNotify, Who: list.ActorOperator}, "t")
		clk.Add(6 * 24 * time.Hour)
		if _, err := s.TransitionEntry(ctx, b.ID, tb, store.TransitionInput{Action: list.ActActivate, Who: list.ActorOperator}, "t"); err != nil {
			t.Fatal(err)
		}
		_, err = propose(t, s, person, "honesty_model", list.Day(clk.Now()))
		if !errs.Is(err, errs.KindConflict) || errs.As(err).Key != "list_entry.cross_check" {
			t.Errorf("red proposal of a black-listed subject: %v", err)
		}
		// Boards show additions and exits of the period.
		board, err := s.PublishBoard(ctx, "2025年6月红黑榜", "2025-06-01", "2025-06-30", "test")
		if err != nil || board.Added != 2 || board.Exited != 0 {
			t.Fatalf("board: %v %+v", err, board)
		}
		got, err := s.Board(ctx, board.ID)
		if err != nil || len(got.Domains) != 2 {
			t.Errorf("stored board: %v %+v", err, got)
		}
		// Boards are public: a person appears by surname only.
		for _, d := range got.Domains {
			for _, it := range append(d.Red, d.Black...) {
				if it.Subject == person.Code && (it.Name == person.Name || !strings.HasSuffix(it.Name, "*")) {
					t.Errorf("person not masked on the board: %+v", it)
				}
			}
		}
	})
}

func TestEntryExpiresWithoutJob(t *testing.T) {
	xtest.EachClock(t, time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC), func(t *testing.T, s *store.Store, clk *xtest.Clock) {
		ctx := context.Background()
		org, _ := listFixture(t, s, clk.Now())
		ty, _ := list.SeedByCode("court_dishonest_debtor")
		e, err := propose(t, s, org, ty.Code, list.Day(clk.Now()))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []list.Action{list.ActNotify, list.ActActivate} {
			if _, err := s.TransitionEntry(ctx, e.ID, ty, store.TransitionInput{Action: a, Who: list.ActorIdentifier}, "t"); err != nil {
				t.Fatal(err)
			}
		}
		count := func() int {
			es, err := s.Entries(ctx, store.EntryFilter{State: list.Active, Today: list.Day(clk.Now())}, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		if count() != 1 {
			t.Fatal("entry not active")
		}
		clk.Add(2*366*24*time.Hour + time.Hour)
		if count() != 0 {
			t.Error("expired entry still listed as active")
		}
		if err := s.PauseEntry(ctx, e.ID, "x", "t"); !errs.Is(err, errs.KindConflict) {
			t.Errorf("pausing an expired entry: %v", err)
		}
		got, _ := s.Entry(ctx, e.ID)
		if eff := got.Effective(clk.Now(), ty); eff.State != list.Exited || eff.ExitReason != list.ExitExpiry {
			t.Errorf("effective state %+v", eff)
		}
	})
}

func TestCheckLogAndFeedback(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := demo.LoadDepartments(ctx, s); err != nil {
			t.Fatal(err)
		}
		now := s.Now()
		logs := []store.CheckLog{
			{ID: "C1", At: now.AddDate(0, 0, -10), Requester: "token:1", Dept: "ggzy", Subject: "X", Scenario: "procurement", AsOf: now, Measures: []string{"P-COURT-011", "P-GEN-003"}, Digest: "d"},
			{ID: "C2", At: now.AddDate(0, 0, -10), Requester: "token:1", Dept: "ggzy", Subject: "Y", Scenario: "procurement", AsOf: now, Measures: []string{"P-COURT-011"}, Digest: "d"},
			{ID: "C3", At: now, Requester: "token:1", Dept: "ggzy", Subject: "Z", Scenario: "procurement", AsOf: now, Digest: "d"},
		}
		if err := s.LogChecks(ctx, logs); err != nil {
			t.Fatal(err)
		}
		l, err := s.CheckLogByID(ctx, "C1")
		if err != nil || len(l.Measures) != 2 {
			t.Fatalf("log: %v %+v", err, l)
		}
		if _, err := s.CheckLogByID(ctx, "nope"); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("unknown check: %v", err)
		}
		if err := s.SaveFeedback(ctx, l, []store.Feedback{{Measure: "P-COURT-011", Applied: true}}, "token:1"); err != nil {
			t.Fatal(err)
		}
		stats := func() store.FeedbackStat {
			st, err := s.FeedbackStats(ctx, now.AddDate(0, 0, -30), now.AddDate(0, 0, -5))
			if err != nil || len(st) != 1 {
				t.Fatalf("stats %v %+v", err, st)
			}
			return st[0]
		}
		if got := stats(); got.Checks != 3 || got.WithMeasures != 2 || got.FedBack != 0 || got.Overdue != 2 {
			t.Errorf("partial feedback counted: %+v", got)
		}
		if err := s.SaveFeedback(ctx, l, []store.Feedback{{Measure: "P-GEN-003", Applied: false, Reason: "非评优场景"}}, "token:1"); err != nil {
			t.Fatal(err)
		}
		if got := stats(); got.FedBack != 1 || got.Overdue != 1 || got.Rate != 0.5 {
			t.Errorf("stats after feedback: %+v", got)
		}
	})
}
