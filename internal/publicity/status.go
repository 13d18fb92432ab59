package publicity

import (
	"time"

	"xinyong/internal/calendar"
)

// Status is whether a record is in the public view at a given time.
type Status string

const (
	Pending Status = "pending" // 未公示: before the decision date
	Public  Status = "public"  // 公示中
	Expired Status = "expired" // 公示期满: after the maximum window end
	Revoked Status = "revoked" // 已撤销: the decision was revoked / withdrawn
)

// Label returns the Chinese name, e.g. 公示中.
func (s Status) Label() string {
	switch s {
	case Pending:
		return "未公示"
	case Public:
		return "公示中"
	case Expired:
		return "公示期满"
	case Revoked:
		return "已撤销"
	}
	return string(s)
}

// StatusAt returns the status of a record as of asOf. It is a pure function of
// stored dates, so a record leaves the public view at its window end without
// any job running:
//
//   - Revoked from the instant revokedAt (if set and not after asOf), whatever
//     the window (行政处罚法 Art. 48: withdraw within 3 days);
//   - Pending while asOf's Shanghai date is before the decision date;
//   - Public from the decision date through maxEnd inclusive;
//   - Expired from LeavesAt(maxEnd), i.e. midnight Shanghai after maxEnd.
//
// When the record was actually published is a separate fact; this answers
// only whether the window allows it to be shown.
func StatusAt(decision calendar.Date, maxEnd calendar.Date, revokedAt *time.Time, asOf time.Time) Status {
	if revokedAt != nil && !asOf.Before(*revokedAt) {
		return Revoked
	}
	day := calendar.DateOf(asOf)
	switch {
	case day.Before(decision):
		return Pending
	case day.After(maxEnd):
		return Expired
	}
	return Public
}

// LeavesAt returns the instant a record whose window ends on maxEnd leaves the
// public view: the start of the next day in Asia/Shanghai. Stores can index
// it and query "leaves_at > now" instead of running an expiry job.
func LeavesAt(maxEnd calendar.Date) time.Time { return maxEnd.AddDays(1).Time() }
