package remedy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"xinyong/internal/calendar"
	"xinyong/internal/errs"
)

// allowed is every permitted (kind, state, action, role) with its next
// state, written out independently of the table in remedy.go.
var allowed = []struct {
	k    Kind
	s    State
	a    Action
	r    Role
	next State
}{
	{Objection, Submitted, ActAccept, RoleOperator, Accepted},
	{Objection, Submitted, ActReject, RoleOperator, Rejected},
	{Objection, Submitted, ActWithdraw, RoleApplicant, Withdrawn},
	{Objection, Accepted, ActForward, RoleOperator, Forwarded},
	{Objection, Accepted, ActWithdraw, RoleApplicant, Withdrawn},
	{Objection, Forwarded, ActVerify, RoleHandler, Verified},
	{Objection, Forwarded, ActExtend, RoleOperator, Forwarded},
	{Objection, Forwarded, ActExtend, RoleHandler, Forwarded},
	{Objection, Forwarded, ActWithdraw, RoleApplicant, Withdrawn},
	{Objection, Verified, ActUphold, RoleHandler, Upheld},
	{Objection, Verified, ActCorrect, RoleHandler, Corrected},
	{Objection, Verified, ActRevoke, RoleHandler, Revoked},
	{Objection, Verified, ActExtend, RoleOperator, Verified},
	{Objection, Verified, ActExtend, RoleHandler, Verified},

	{Repair, Submitted, ActAccept, RoleOperator, Accepted},
	{Repair, Submitted, ActAccept, RoleHandler, Accepted},
	{Repair, Submitted, ActNotice, RoleOperator, Supplementing},
	{Repair, Submitted, ActNotice, RoleHandler, Supplementing},
	{Repair, Submitted, ActReject, RoleOperator, Rejected},
	{Repair, Submitted, ActReject, RoleHandler, Rejected},
	{Repair, Submitted, ActWithdraw, RoleApplicant, Withdrawn},
	{Repair, Supplementing, ActSupplement, RoleApplicant, Resubmitted},
	{Repair, Supplementing, ActWithdraw, RoleApplicant, Withdrawn},
	{Repair, Resubmitted, ActAccept, RoleOperator, Accepted},
	{Repair, Resubmitted, ActAccept, RoleHandler, Accepted},
	{Repair, Resubmitted, ActReject, RoleOperator, Rejected},
	{Repair, Resubmitted, ActReject, RoleHandler, Rejected},
	{Repair, Resubmitted, ActWithdraw, RoleApplicant, Withdrawn},
	{Repair, Accepted, ActVerify, RoleHandler, Verified},
	{Repair, Accepted, ActExtend, RoleOperator, Accepted},
	{Repair, Accepted, ActExtend, RoleHandler, Accepted},
	{Repair, Accepted, ActWithdraw, RoleApplicant, Withdrawn},
	{Repair, Verified, ActApprove, RoleHandler, Approved},
	{Repair, Verified, ActReject, RoleHandler, Rejected},
	{Repair, Verified, ActExtend, RoleOperator, Verified},
	{Repair, Verified, ActExtend, RoleHandler, Verified},

	{Report, Submitted, ActRoute, RoleOperator, Routed},
	{Report, Submitted, ActReject, RoleOperator, Rejected},
	{Report, Routed, ActHandle, RoleHandler, Handling},
	{Report, Routed, ActExtend, RoleOperator, Routed},
	{Report, Routed, ActExtend, RoleHandler, Routed},
	{Report, Handling, ActSubstantiate, RoleHandler, Substantiated},
	{Report, Handling, ActDismiss, RoleHandler, Unfounded},
	{Report, Handling, ActExtend, RoleOperator, Handling},
	{Report, Handling, ActExtend, RoleHandler, Handling},

	{Commitment, Pending, ActFulfil, RoleOperator, Fulfilled},
	{Commitment, Pending, ActFulfil, RoleHandler, Fulfilled},
	{Commitment, Pending, ActBreak, RoleOperator, Broken},
	{Commitment, Pending, ActBreak, RoleHandler, Broken},
	{Commitment, Pending, ActBreak, RoleSystem, Broken},
}

// TestTransitionEveryCombination runs state × action × role of every
// workflow: permitted steps give their next state; a step the state does
// not offer is a Conflict; a step offered to other roles is Forbidden.
func TestTransitionEveryCombination(t *testing.T) {
	type key struct {
		k Kind
		s State
		a Action
	}
	want := map[key]map[Role]State{}
	for _, x := range allowed {
		kk := key{x.k, x.s, x.a}
		if want[kk] == nil {
			want[kk] = map[Role]State{}
		}
		want[kk][x.r] = x.next
	}
	n := 0
	for _, k := range []Kind{Objection, Repair, Report, Commitment} {
		for _, s := range States(k) {
			for _, a := range AllActions() {
				for _, r := range AllRoles() {
					t.Run(fmt.Sprintf("%s/%s/%s/%s", k, s, a, r), func(t *testing.T) {
						n++
						got, err := Transition(k, s, a, r)
						roles, offered := want[key{k, s, a}]
						next, ok := roles[r]
						switch {
						case ok:
							if err != nil || got != next {
								t.Fatalf("got %s, %v; want %s", got, err, next)
							}
						case offered:
							if !errs.Is(err, errs.KindForbidden) || got != s {
								t.Fatalf("want Forbidden, got %s, %v", got, err)
							}
						default:
							if e := errs.As(err); e.Kind != errs.KindConflict || e.Key != ErrInvalidTransition || got != s {
								t.Fatalf("want invalid transition, got %s, %v", got, err)
							}
						}
					})
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no combinations")
	}
	// Terminal states offer nothing.
	for _, k := range []Kind{Objection, Repair, Report, Commitment} {
		for _, s := range States(k) {
			if s.Terminal() && len(Actions(k, s, RoleOperator))+len(Actions(k, s, RoleHandler))+len(Actions(k, s, RoleApplicant)) > 0 {
				t.Errorf("%s %s is terminal but offers actions", k, s)
			}
		}
	}
}

func TestCheckRepair(t *testing.T) {
	d := calendar.MustParseDate
	p := DefaultPolicy()
	general := Target{Kind: "record", Type: "penalty", Negative: true, InForce: true, Severity: "general", Start: "2025-07-10", MinEnd: "2025-10-10", RuleRepairable: true}
	cases := []struct {
		name     string
		t        Target
		prior    []string
		today    string
		key      string
		earliest string
	}{
		{"general after 3 months", general, nil, "2025-10-11", "", "2025-10-11"},
		{"general on the last day of the minimum", general, nil, "2025-10-10", "remedy.too_early", "2025-10-11"},
		{"limit reached", general, []string{"2025-06-01"}, "2025-10-11", "remedy.limit", "2026-06-02"},
		{"old repair outside the window", general, []string{"2024-06-01"}, "2025-10-11", "", "2025-10-11"},
		{"not negative", Target{Kind: "record", Type: "license", InForce: true, Start: "2025-01-01"}, nil, "2025-10-11", "remedy.not_negative", ""},
		{"not in force", Target{Kind: "record", Type: "penalty", Negative: true, Start: "2020-01-01"}, nil, "2025-10-11", "remedy.not_in_force", ""},
		{"rule says not early", Target{Kind: "record", Type: "penalty", Negative: true, InForce: true, Start: "2018-01-01", MinEnd: "2019-01-01"}, nil, "2018-06-01", "remedy.not_repairable", ""},
		{"court defaulter record", Target{Kind: "record", Type: "court_defaulter", Negative: true, InForce: true, Start: "2020-01-01", RuleRepairable: true}, nil, "2025-10-11", "remedy.not_repairable", ""},
		{"court list entry", Target{Kind: "entry", Type: "court_dishonest_debtor", Negative: true, InForce: true, Start: "2020-01-01"}, nil, "2025-10-11", "remedy.not_repairable", ""},
		{"black entry after a year", Target{Kind: "entry", Type: "tax_major_violation", Negative: true, InForce: true, Start: "2024-10-01"}, nil, "2025-10-11", "", "2025-10-02"},
		{"black entry too early", Target{Kind: "entry", Type: "tax_major_violation", Negative: true, InForce: true, Start: "2025-03-01"}, nil, "2025-10-11", "remedy.too_early", "2026-03-02"},
		{"minor at once", Target{Kind: "record", Type: "penalty", Negative: true, InForce: true, Severity: "minor", Start: "2025-09-01", MinEnd: "2025-09-01", RuleRepairable: true}, nil, "2025-09-01", "", "2025-09-01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := CheckRepair(p, c.t, c.prior, d(c.today))
			key := ""
			if err != nil {
				key = errs.As(err).Key
			}
			if key != c.key || e != c.earliest {
				t.Fatalf("got %q %q (%v), want %q %q", e, key, err, c.earliest, c.key)
			}
			if key == "remedy.too_early" && !strings.Contains(errs.As(err).Message, c.earliest) {
				t.Errorf("message does not name the date: %s", errs.As(err).Message)
			}
		})
	}
}

func TestDeadlines(t *testing.T) {
	cal := calendar.Seeded()
	dl := DefaultDeadlines()
	// Friday 2025-09-26; the National Day holiday runs 2025-10-01..08 and
	// Sunday 2025-09-28 is a make-up workday.
	now := time.Date(2025, 9, 26, 10, 0, 0, 0, calendar.Shanghai)
	due := dl.NextDue(cal, Objection, "", Submitted, "", "", now)
	if want := cal.AddWorkdays(calendar.DateOf(now), 2).String(); due != want {
		t.Fatalf("intake due %s, want %s", due, want)
	}
	if got := dl.NextDue(cal, Objection, Accepted, Forwarded, ActForward, "2025-10-20", now); got != "2025-10-20" {
		t.Errorf("forward keeps the verification due date, got %s", got)
	}
	if got := dl.NextDue(cal, Objection, Forwarded, Forwarded, ActExtend, "2025-10-20", now); got != cal.AddWorkdays(calendar.MustParseDate("2025-10-20"), 5).String() {
		t.Errorf("extend: %s", got)
	}
	if got := dl.NextDue(cal, Objection, Verified, Upheld, ActUphold, "2025-10-20", now); got != "" {
		t.Errorf("closed case has a due date %s", got)
	}
	if !Overdue("2025-09-25", now) || Overdue("2025-09-26", now) {
		t.Error("Overdue wrong")
	}
	if _, err := ParseDeadlines("objection_intake=3,repair_decide=7"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"x=1", "objection_intake=0", "objection_intake=abc"} {
		if _, err := ParseDeadlines(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAttachmentsAndCodes(t *testing.T) {
	ok := []Attachment{{Kind: MatProof, Name: "收据.pdf", Data: []byte("%PDF-1.4 x")}, {Kind: MatEvidence, Name: "a.png", Data: []byte("\x89PNG\r\n\x1a\nxx")}}
	if err := CheckAttachments(ok); err != nil || ok[0].ContentType != "application/pdf" {
		t.Fatal(err, ok[0].ContentType)
	}
	for _, bad := range [][]Attachment{
		{{Kind: MatProof, Name: "x.pdf", Data: []byte("MZ not a pdf")}},
		{{Kind: "virus", Name: "x.pdf", Data: []byte("%PDF-")}},
		{{Kind: MatProof, Name: "../x.pdf", Data: []byte("%PDF-")}},
		{{Kind: MatProof, Name: "x.pdf", Data: make([]byte, MaxAttachmentBytes+1)}},
	} {
		if err := CheckAttachments(bad); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("accepted %v", bad[0].Name)
		}
	}
	a, b := NewQueryCode(), NewQueryCode()
	if a == b || len(a) != 19 {
		t.Fatalf("codes %s %s", a, b)
	}
	if HashQueryCode(a) != HashQueryCode(strings.ToLower(strings.ReplaceAll(a, "-", ""))) {
		t.Error("hash not normalised")
	}
}
