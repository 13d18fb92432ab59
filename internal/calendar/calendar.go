package calendar

import (
	"fmt"
	"slices"

	"xinyong/internal/errs"
)

// DayKind says how an override changes the default Monday–Friday week.
type DayKind string

const (
	// Holiday is a day off (法定节假日 or a 调休 rest day). On a weekday it
	// removes a working day; on a weekend it only names the holiday.
	Holiday DayKind = "holiday"
	// Workday is a 调休上班 day: a Saturday or Sunday that is worked.
	Workday DayKind = "workday"
)

// Label returns the Chinese name of the kind.
func (k DayKind) Label() string {
	switch k {
	case Holiday:
		return "放假"
	case Workday:
		return "调休上班"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k DayKind) Valid() bool { return k == Holiday || k == Workday }

// Override marks one date as a holiday or as a make-up workday.
type Override struct {
	Date Date    `json:"date"`
	Kind DayKind `json:"kind"`
	Name string  `json:"name"` // e.g. 春节, 国庆节
}

// Calendar is an immutable Chinese working-day calendar: Monday–Friday are
// working days and Saturday–Sunday are not, except where an override says
// otherwise. It is safe for concurrent use.
//
// A year is "covered" when at least one override falls in it (each year's
// State Council notice contains holidays in that year). For a year that is not
// covered the calendar silently falls back to plain weekends; callers should
// check Covers and warn the operator.
type Calendar struct {
	byDate map[Date]Override
	sorted []Override // by date
	prefix []int      // prefix[i] = sum of delta(sorted[:i])
	years  []int
}

// New builds a calendar from overrides. It refuses invalid dates, unknown
// kinds, a date given twice, and a 调休 workday that is not a Saturday or
// Sunday. Errors are *errs.Error listing every bad entry.
func New(overrides []Override) (*Calendar, error) {
	c := &Calendar{byDate: make(map[Date]Override, len(overrides))}
	first := make(map[Date]int, len(overrides))
	var bad []errs.FieldError
	for i, o := range overrides {
		field := fmt.Sprintf("overrides[%d]", i)
		if !o.Date.Valid() {
			bad = append(bad, errs.FieldError{Field: field + ".date", Reason: fmt.Sprintf("日期 %s 无效", o.Date)})
			continue
		}
		if !o.Kind.Valid() {
			bad = append(bad, errs.FieldError{Field: field + ".kind", Reason: fmt.Sprintf("日期类型“%s”无效，应为 holiday（放假）或 workday（调休上班）", o.Kind)})
			continue
		}
		if o.Kind == Workday && !o.Date.IsWeekend() {
			bad = append(bad, errs.FieldError{Field: field + ".kind", Reason: fmt.Sprintf("%s 是%s，本来就是工作日，不能设为调休上班日", o.Date, WeekdayLabel(o.Date.Weekday()))})
			continue
		}
		if j, dup := first[o.Date]; dup {
			bad = append(bad, errs.FieldError{Field: field + ".date", Reason: fmt.Sprintf("日期 %s 重复设置（与第 %d 项重复）", o.Date, j+1)})
			continue
		}
		first[o.Date] = i
		c.byDate[o.Date] = o
		c.sorted = append(c.sorted, o)
	}
	if len(bad) > 0 {
		return nil, errs.Invalid("calendar.invalid", "工作日历数据有误", bad...)
	}
	slices.SortFunc(c.sorted, func(a, b Override) int { return a.Date.Compare(b.Date) })
	c.prefix = make([]int, len(c.sorted)+1)
	for i, o := range c.sorted {
		c.prefix[i+1] = c.prefix[i] + delta(o)
		if n := len(c.years); n == 0 || c.years[n-1] != o.Date.Y {
			c.years = append(c.years, o.Date.Y)
		}
	}
	return c, nil
}

// delta is how the override changes the working-day count of its date
// relative to the plain Monday–Friday week: -1, 0 or +1.
func delta(o Override) int {
	base := 0
	if !o.Date.IsWeekend() {
		base = 1
	}
	actual := 0
	if o.Kind == Workday {
		actual = 1
	}
	return actual - base
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if o, ok := c.byDate[d]; ok {
		return o.Kind == Workday
	}
	return !d.IsWeekend()
}

// Lookup returns the override for d, if any (e.g. to show "春节" next to it).
func (c *Calendar) Lookup(d Date) (Override, bool) {
	o, ok := c.byDate[d]
	return o, ok
}

// Overrides returns a copy of the overrides sorted by date.
func (c *Calendar) Overrides() []Override { return slices.Clone(c.sorted) }

// Years returns the covered years in ascending order.
func (c *Calendar) Years() []int { return slices.Clone(c.years) }

// Covers reports whether the calendar has holiday data for year. Outside
// covered years IsWorkday falls back to plain weekends.
func (c *Calendar) Covers(year int) bool {
	_, ok := slices.BinarySearch(c.years, year)
	return ok
}

// AddWorkdays returns the n-th working day after d. The date d itself is not
// counted and the returned day is: this is how Chinese law counts periods
// (民法典 Art. 201: 开始的当日不计入，自下一日开始计算). So a decision made
// on day D that must be published "within 7 working days" has as its last
// allowed day AddWorkdays(D, 7), and publishing on that day is on time. This
// holds whether or not D is itself a working day.
//
// n == 0 returns d unchanged. n < 0 returns the |n|-th working day before d.
// Cost is O(|n|) map look-ups.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	z := d.dayNum()
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		z += step
		if c.IsWorkday(fromDayNum(z)) {
			n--
		}
	}
	return fromDayNum(z)
}

// WorkdaysBetween returns the number of working days in the half-open range
// (a, b]: a is excluded, b included. If b is before a the result is the
// negated count for (b, a], so WorkdaysBetween(a, b) == -WorkdaysBetween(b, a).
// WorkdaysBetween(d, AddWorkdays(d, n)) == n for every n >= 0, and for n < 0
// when d is itself a working day. It runs in O(log overrides) regardless of
// the distance.
func (c *Calendar) WorkdaysBetween(a, b Date) int {
	switch a.Compare(b) {
	case 0:
		return 0
	case 1:
		return -c.WorkdaysBetween(b, a)
	}
	za, zb := a.dayNum(), b.dayNum()
	n := weekdaysUpTo(zb) - weekdaysUpTo(za)
	// Overrides with a < date <= b.
	i, _ := slices.BinarySearchFunc(c.sorted, a, func(o Override, t Date) int {
		if o.Date.After(t) {
			return 1
		}
		return -1
	})
	j, _ := slices.BinarySearchFunc(c.sorted, b, func(o Override, t Date) int {
		if o.Date.After(t) {
			return 1
		}
		return -1
	})
	return n + c.prefix[j] - c.prefix[i]
}

// weekdaysUpTo is a cumulative count of Monday–Friday days up to and
// including day number z, relative to an arbitrary origin; only differences
// are meaningful.
func weekdaysUpTo(z int) int {
	s := z - 4 // day number 4 (1970-01-05) was a Monday
	r := mod(s, 7)
	return 5*floorDiv(s, 7) + min(r+1, 5)
}

// Seeded returns the calendar built from Seed. It panics only if the
// embedded data is inconsistent, which the package tests rule out.
func Seeded() *Calendar {
	c, err := New(Seed())
	if err != nil {
		panic(err)
	}
	return c
}
