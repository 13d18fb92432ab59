package remedy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"xinyong/internal/calendar"
	"xinyong/internal/errs"
)

// Deadlines are the working days each stage may take. Defaults follow the
// local rules of domain-facts §7.2 (信用广州: intake 2 working days; 上海,
// 河南: provider verification 5) and §4.2 (信用中国(江西): repair within 10
// working days).
type Deadlines struct {
	ObjectionIntake int `json:"objection_intake"` // mark and accept or reject
	ObjectionVerify int `json:"objection_verify"` // source department verifies and decides
	RepairIntake    int `json:"repair_intake"`    // accept or one-time notice
	RepairDecide    int `json:"repair_decide"`    // verify and decide
	ReportIntake    int `json:"report_intake"`    // route to a department
	ReportHandle    int `json:"report_handle"`    // handle and close
}

// DefaultDeadlines returns the defaults.
func DefaultDeadlines() Deadlines {
	return Deadlines{ObjectionIntake: 2, ObjectionVerify: 5, RepairIntake: 2, RepairDecide: 10, ReportIntake: 2, ReportHandle: 15}
}

// ParseDeadlines reads "objection_intake=2,objection_verify=5,..." over the
// defaults (the form of env XINYONG_REMEDY_DEADLINES).
func ParseDeadlines(s string) (Deadlines, error) {
	d := DefaultDeadlines()
	ptr := map[string]*int{"objection_intake": &d.ObjectionIntake, "objection_verify": &d.ObjectionVerify, "repair_intake": &d.RepairIntake,
		"repair_decide": &d.RepairDecide, "report_intake": &d.ReportIntake, "report_handle": &d.ReportHandle}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		p, ok := ptr[strings.TrimSpace(k)]
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || n < 1 || n > 60 {
			return d, errs.Field("deadlines", fmt.Sprintf("办理时限配置“%s”有误：应为 名称=1至60的工作日数", part))
		}
		*p = n
	}
	return d, nil
}

// StageDays returns the working days allowed for the stage a case enters
// with state s (0: no deadline, e.g. waiting for the applicant or closed).
func (d Deadlines) StageDays(k Kind, s State) int {
	switch k {
	case Objection:
		switch s {
		case Submitted:
			return d.ObjectionIntake
		case Accepted, Forwarded, Verified:
			return d.ObjectionVerify
		}
	case Repair:
		switch s {
		case Submitted, Resubmitted:
			return d.RepairIntake
		case Accepted, Verified:
			return d.RepairDecide
		}
	case Report:
		switch s {
		case Submitted:
			return d.ReportIntake
		case Routed, Handling:
			return d.ReportHandle
		}
	}
	return 0
}

// NextDue returns the due date (YYYY-MM-DD, "" for none) after a case moves
// from one state to another at now. A stage that continues (accepted →
// forwarded → verified of an objection, accepted → verified of a repair,
// routed → handling of a report) keeps its due date; ActExtend adds the
// stage's days once more.
func (d Deadlines) NextDue(cal *calendar.Calendar, k Kind, from, to State, a Action, due string, now time.Time) string {
	days := d.StageDays(k, to)
	if days == 0 {
		return ""
	}
	if a == ActExtend {
		base, err := calendar.ParseDate(due)
		if err != nil {
			base = calendar.DateOf(now)
		}
		return cal.AddWorkdays(base, days).String()
	}
	if due != "" && d.StageDays(k, from) == days && from != Submitted && from != Resubmitted {
		return due
	}
	return cal.AddWorkdays(calendar.DateOf(now), days).String()
}

// Overdue reports whether a due date has passed on now's civil date.
func Overdue(due string, now time.Time) bool {
	return due != "" && calendar.DateOf(now).String() > due
}
