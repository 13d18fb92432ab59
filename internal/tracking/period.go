// Package tracking computes the figures of 跟踪问效 (C15): per department
// and period, records submitted by type, 7-working-day timeliness,
// submission error rate, review backlog, checks and feedback rate, objections
// and repairs by outcome, list counts over time and overdue items; the
// monthly credit environment index from configured indicators; and
// server-rendered SVG charts. It is pure: the store supplies raw counts.
package tracking

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"xinyong/internal/errs"
)

// Period is a span of civil dates, both ends included (Asia/Shanghai).
type Period struct {
	Key  string `json:"key"` // 2026Q1, 2026-03, or from~to
	From string `json:"from"`
	To   string `json:"to"`
}

// Label is the Chinese name of the period.
func (p Period) Label() string {
	if m := quarterRe.FindStringSubmatch(p.Key); m != nil {
		return m[1] + "年第" + m[2] + "季度"
	}
	if m := monthRe.FindStringSubmatch(p.Key); m != nil {
		n, _ := strconv.Atoi(m[2])
		return m[1] + "年" + strconv.Itoa(n) + "月"
	}
	return p.From + " 至 " + p.To
}

var (
	quarterRe = regexp.MustCompile(`^(\d{4})Q([1-4])$`)
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
)

// Shanghai is the zone of civil dates.
var Shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// Quarter returns the period of a quarter.
func Quarter(year, q int) Period {
	start := time.Date(year, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, Shanghai)
	end := start.AddDate(0, 3, -1)
	return Period{Key: fmt.Sprintf("%dQ%d", year, q), From: start.Format(time.DateOnly), To: end.Format(time.DateOnly)}
}

// Month returns the period of a month.
func Month(year int, m time.Month) Period {
	start := time.Date(year, m, 1, 0, 0, 0, 0, Shanghai)
	end := start.AddDate(0, 1, -1)
	return Period{Key: start.Format("2006-01"), From: start.Format(time.DateOnly), To: end.Format(time.DateOnly)}
}

// QuarterOf returns the quarter containing t.
func QuarterOf(t time.Time) Period {
	t = t.In(Shanghai)
	return Quarter(t.Year(), (int(t.Month())-1)/3+1)
}

// PreviousQuarter returns the quarter before the one containing t.
func PreviousQuarter(t time.Time) Period {
	t = t.In(Shanghai)
	return QuarterOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Shanghai).AddDate(0, -3, 0))
}

// ParsePeriod accepts 2026Q1, 2026-03, or from and to dates; "" is the
// current quarter as of now.
func ParsePeriod(key, from, to string, now time.Time) (Period, error) {
	switch {
	case key == "" && from == "" && to == "":
		return QuarterOf(now), nil
	case key != "":
		if m := quarterRe.FindStringSubmatch(key); m != nil {
			y, _ := strconv.Atoi(m[1])
			q, _ := strconv.Atoi(m[2])
			return Quarter(y, q), nil
		}
		if m := monthRe.FindStringSubmatch(key); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			if mo >= 1 && mo <= 12 {
				return Month(y, time.Month(mo)), nil
			}
		}
		return Period{}, errs.Field("period", "统计期应为季度（如 2026Q1）或月份（如 2026-03）")
	}
	f, err1 := time.ParseInLocation(time.DateOnly, from, Shanghai)
	t, err2 := time.ParseInLocation(time.DateOnly, to, Shanghai)
	if err1 != nil || err2 != nil {
		return Period{}, errs.Field("from", "起止日期格式应为 YYYY-MM-DD")
	}
	if t.Before(f) || t.Sub(f) > 3*366*24*time.Hour {
		return Period{}, errs.Field("to", "截止日期须不早于起始日期，且跨度不超过三年")
	}
	return Period{Key: from + "~" + to, From: from, To: to}, nil
}

// Bounds returns the period as [start, end) instants.
func (p Period) Bounds() (time.Time, time.Time) {
	f, _ := time.ParseInLocation(time.DateOnly, p.From, Shanghai)
	t, _ := time.ParseInLocation(time.DateOnly, p.To, Shanghai)
	return f, t.AddDate(0, 0, 1)
}

// Months lists the months overlapping the period, oldest first.
func (p Period) Months() []Period {
	f, end := p.Bounds()
	var out []Period
	for m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, Shanghai); m.Before(end); m = m.AddDate(0, 1, 0) {
		out = append(out, Month(m.Year(), m.Month()))
	}
	return out
}
