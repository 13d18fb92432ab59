package list

import (
	"fmt"
	"time"

	"xinyong/internal/errs"
)

// BadRecord is a negative credit record (nature 'bad') as far as lists and
// the check need it.
type BadRecord struct {
	Type         string    `json:"type"`
	Dept         string    `json:"dept"`
	DocNo        string    `json:"doc_no"`
	DecisionDate string    `json:"decision_date"`
	Current      bool      `json:"-"`
	Published    bool      `json:"-"`
	RevokedAt    time.Time `json:"-"`
}

// CountsAt reports whether the record counted as a live negative record at
// t and falls within years before t (by decision date).
func (r BadRecord) CountsAt(t time.Time, years int) bool {
	d := Day(t)
	if r.DecisionDate > d {
		return false
	}
	if !r.RevokedAt.IsZero() {
		return r.RevokedAt.After(t) && r.DecisionDate >= since(t, years)
	}
	return r.Published && r.Current && r.DecisionDate >= since(t, years)
}

func since(t time.Time, years int) string {
	return t.In(shanghai).AddDate(-years, 0, 0).Format(time.DateOnly)
}

// DefaultRedCheckYears is how far back red-list identification looks for
// negative records unless configured otherwise.
const DefaultRedCheckYears = 3

// CrossCheck (交叉比对) refuses a red-list identification when the subject
// is on any black list in force or has negative records within years. The
// error is Conflict with every reason as a field.
func CrossCheck(t Type, entries []Entry, bad []BadRecord, years int, now time.Time) error {
	if t.Kind != Red {
		return nil
	}
	var fe []errs.FieldError
	for i := range entries {
		e := &entries[i]
		if e.Kind == Black && e.InForceAt(now) {
			fe = append(fe, errs.FieldError{Field: "subject", Reason: fmt.Sprintf("该主体在黑名单“%s”中（%s 起，认定文书 %s）", e.ListName, e.Start, e.BasisDoc)})
		}
	}
	for _, r := range bad {
		if r.CountsAt(now, years) {
			fe = append(fe, errs.FieldError{Field: "subject", Reason: fmt.Sprintf("该主体近 %d 年内有失信记录（%s %s，决定日期 %s）", years, r.Type, r.DocNo, r.DecisionDate)})
		}
	}
	if len(fe) > 0 {
		e := errs.Invalid("list_entry.cross_check", "交叉比对未通过，不能列入红名单", fe...)
		e.Kind = errs.KindConflict
		return e
	}
	return nil
}

// MinorAt reports whether a person born on birth is under 18 on day.
func MinorAt(birth time.Time, day string) bool {
	if birth.IsZero() {
		return false
	}
	return birth.AddDate(18, 0, 0).Format(time.DateOnly) > day
}
