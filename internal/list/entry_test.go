package list

import (
	"testing"
	"time"

	"xinyong/internal/errs"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from State
		act  Action
		who  Actor
		want State
		kind errs.Kind // 0 (Internal) means no error expected
	}{
		{Proposed, ActNotify, ActorIdentifier, Notified, 0},
		{Proposed, ActExit, ActorOperator, Exited, 0},
		{Notified, ActActivate, ActorIdentifier, Active, 0},
		{Notified, ActExit, ActorIdentifier, Exited, 0},
		{Active, ActExit, ActorOperator, Exited, 0},
		{Proposed, ActActivate, ActorIdentifier, Proposed, errs.KindConflict},
		{Active, ActNotify, ActorIdentifier, Active, errs.KindConflict},
		{Exited, ActExit, ActorOperator, Exited, errs.KindConflict},
		{Exited, ActActivate, ActorOperator, Exited, errs.KindConflict},
		{Notified, ActActivate, ActorOther, Notified, errs.KindForbidden},
	}
	for _, tc := range tests {
		got, err := Transition(tc.from, tc.act, tc.who)
		if tc.kind == 0 {
			if err != nil || got != tc.want {
				t.Errorf("%s --%s/%s--> %s, %v; want %s", tc.from, tc.act, tc.who, got, err, tc.want)
			}
			continue
		}
		if !errs.Is(err, tc.kind) || got != tc.from {
			t.Errorf("%s --%s/%s--> %s, %v; want error kind %v", tc.from, tc.act, tc.who, got, err, tc.kind)
		}
	}
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestInForceAndExpiry(t *testing.T) {
	ty, _ := SeedByCode("court_dishonest_debtor")
	e := Entry{Kind: Black, Start: "2024-03-01", End: "2026-03-01", State: Active, ActivatedAt: at("2024-03-01 10:00")}
	tests := []struct {
		when string
		want bool
	}{
		{"2024-03-01 09:00", false}, // before activation (system time)
		{"2024-03-01 10:00", true},
		{"2026-02-28 23:59", true},
		{"2026-03-01 00:00", false}, // end date reached: lapsed without a job
	}
	for _, tc := range tests {
		if got := e.InForceAt(at(tc.when)); got != tc.want {
			t.Errorf("InForceAt(%s) = %v, want %v", tc.when, got, tc.want)
		}
	}
	eff := e.Effective(at("2026-03-02 08:00"), ty)
	if eff.State != Exited || eff.ExitReason != ExitExpiry || eff.MonitorUntil != "2027-03-01" {
		t.Errorf("effective after end = %+v", eff)
	}
	if !eff.MonitoredAt(at("2026-06-01 08:00")) || eff.MonitoredAt(at("2027-03-01 08:00")) {
		t.Error("monitoring period wrong")
	}
	if e.Effective(at("2025-01-01 08:00"), ty).State != Active {
		t.Error("entry within period should stay active")
	}
	e.ExitedAt = at("2025-01-01 12:00")
	if e.InForceAt(at("2025-01-02 00:00")) || !e.InForceAt(at("2025-01-01 11:00")) {
		t.Error("exit (system time) not honoured")
	}
}

func TestPausedAt(t *testing.T) {
	e := Entry{Pauses: []Pause{{From: at("2025-01-01 10:00"), To: at("2025-01-10 10:00")}, {From: at("2025-02-01 10:00")}}}
	for when, want := range map[string]bool{"2025-01-01 09:00": false, "2025-01-05 00:00": true, "2025-01-10 10:00": false, "2025-03-01 00:00": true} {
		if got := e.PausedAt(at(when)); got != want {
			t.Errorf("PausedAt(%s) = %v, want %v", when, got, want)
		}
	}
}

func TestProposalValidate(t *testing.T) {
	ty, _ := SeedByCode("court_dishonest_debtor")
	p := Proposal{Facts: "拒不履行", BasisDoc: "（2025）闽01执123号"}
	if err := p.Validate(ty, "2025-05-01"); err != nil {
		t.Fatal(err)
	}
	if p.Start != "2025-05-01" || p.End != "2027-05-01" {
		t.Errorf("defaults: %s %s", p.Start, p.End)
	}
	bad := Proposal{Start: "2025-13-01", End: "x"}
	err := bad.Validate(ty, "2025-05-01")
	fields := map[string]bool{}
	for _, f := range errs.As(err).Fields {
		fields[f.Field] = true
	}
	for _, f := range []string{"facts", "basis_doc", "start", "end"} {
		if !fields[f] {
			t.Errorf("missing field error %s in %v", f, err)
		}
	}
}

func TestCrossCheck(t *testing.T) {
	red, _ := SeedByCode("tax_a_grade")
	now := at("2025-06-01 12:00")
	black := Entry{Kind: Black, ListName: "失信被执行人", Start: "2025-01-01", ActivatedAt: at("2025-01-01 10:00")}
	tests := []struct {
		name    string
		entries []Entry
		bad     []BadRecord
		ok      bool
	}{
		{"clean", nil, nil, true},
		{"black in force", []Entry{black}, nil, false},
		{"black exited", []Entry{{Kind: Black, Start: "2020-01-01", ActivatedAt: at("2020-01-01 10:00"), ExitedAt: at("2021-01-01 10:00")}}, nil, true},
		{"recent bad record", nil, []BadRecord{{DocNo: "榕市监罚〔2024〕1号", DecisionDate: "2024-01-01", Current: true, Published: true}}, false},
		{"old bad record", nil, []BadRecord{{DecisionDate: "2021-01-01", Current: true, Published: true}}, true},
		{"revoked bad record", nil, []BadRecord{{DecisionDate: "2024-01-01", RevokedAt: at("2024-06-01 10:00")}}, true},
	}
	for _, tc := range tests {
		err := CrossCheck(red, tc.entries, tc.bad, 3, now)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if err != nil && !errs.Is(err, errs.KindConflict) {
			t.Errorf("%s: want conflict, got %v", tc.name, err)
		}
	}
	blackType, _ := SeedByCode("tax_major_violation")
	if err := CrossCheck(blackType, []Entry{black}, nil, 3, now); err != nil {
		t.Errorf("black proposals are not cross-checked: %v", err)
	}
}

func TestMinorAt(t *testing.T) {
	b := time.Date(2008, 6, 2, 0, 0, 0, 0, shanghai)
	if !MinorAt(b, "2026-06-01") || MinorAt(b, "2026-06-02") {
		t.Error("MinorAt wrong around 18th birthday")
	}
}
