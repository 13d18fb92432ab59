// Package calendar holds the civil-date type used across the domain and the
// Chinese working-day calendar (weekends, statutory holidays and 调休 make-up
// workdays) as data the operator maintains.
//
// All calendar dates are interpreted in Asia/Shanghai. The package never reads
// the clock: callers convert their "now" with DateOf.
package calendar

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai must load even without system tzdata.

	"xinyong/internal/errs"
)

// Shanghai is the time zone in which every calendar date is interpreted.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// Unreachable with time/tzdata embedded. China has had no DST since
		// 1991, so a fixed UTC+8 zone is a correct fallback for current dates.
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
}

// Date is a civil (calendar) date without time of day or zone. Its zero value
// means "no date" (IsZero). Dates are comparable with == and usable as map
// keys; use Compare/Before/After for ordering.
type Date struct {
	Y int
	M time.Month
	D int
}

// NewDate returns the date y-m-d without validating it; use Valid or
// ParseDate when the parts come from input.
func NewDate(y int, m time.Month, d int) Date { return Date{Y: y, M: m, D: d} }

// DateOf returns the calendar date of t in Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Shanghai).Date()
	return Date{Y: y, M: m, D: d}
}

// Time returns midnight at the start of the date in Asia/Shanghai.
func (d Date) Time() time.Time { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, Shanghai) }

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real date in years 1..9999.
func (d Date) Valid() bool {
	return d.Y >= 1 && d.Y <= 9999 && d.M >= time.January && d.M <= time.December &&
		d.D >= 1 && d.D <= DaysIn(d.Y, d.M)
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d.Y < 0 || d.Y > 9999 || d.M < 1 || d.M > 12 || d.D < 0 || d.D > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D)
	}
	// Without fmt: imports format a publicity window per row.
	b := [10]byte{byte('0' + d.Y/1000), byte('0' + d.Y/100%10), byte('0' + d.Y/10%10), byte('0' + d.Y%10), '-',
		byte('0' + int(d.M)/10), byte('0' + int(d.M)%10), '-', byte('0' + d.D/10), byte('0' + d.D%10)}
	return string(b[:])
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Y != o.Y:
		return cmpInt(d.Y, o.Y)
	case d.M != o.M:
		return cmpInt(int(d.M), int(o.M))
	default:
		return cmpInt(d.D, o.D)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// AddDays returns the date n days after d (before, if n < 0).
func (d Date) AddDays(n int) Date { return fromDayNum(d.dayNum() + n) }

// Sub returns the number of days from o to d (d - o).
func (d Date) Sub(o Date) int { return d.dayNum() - o.dayNum() }

// AddMonths returns the date n months after d (before, if n < 0). When the
// target month is shorter, the day is clamped to its last day, so
// 2024-01-31 + 1 month = 2024-02-29 and 2024-02-29 + 12 months = 2025-02-28.
// This follows 民法典 Art. 202: a period counted in months or years ends on
// the corresponding day of the final month, or on its last day when there is
// no corresponding day.
func (d Date) AddMonths(n int) Date {
	m0 := int(d.M) - 1 + n
	y := d.Y + floorDiv(m0, 12)
	m := time.Month(m0-floorDiv(m0, 12)*12) + 1
	day := min(d.D, DaysIn(y, m))
	return Date{Y: y, M: m, D: day}
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// Day 0 (1970-01-01) was a Thursday.
	return time.Weekday(mod(d.dayNum()+int(time.Thursday), 7))
}

// IsWeekend reports whether d falls on Saturday or Sunday.
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// DaysIn returns the number of days in month m of year y (proleptic Gregorian).
func DaysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// WeekdayLabel returns the Chinese name of a weekday, e.g. 星期一.
func WeekdayLabel(w time.Weekday) string {
	return [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[w]
}

// ParseDate parses a date written as 2006-01-02, 2006/01/02, 2006/1/2,
// 2006-1-2 or 20060102 (surrounding spaces ignored). Impossible dates such as
// 2023-02-29 are rejected. Errors are *errs.Error for the field "date" with a
// Chinese reason; callers may rename the field.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, dateErr("日期不能为空")
	}
	var ys, ms, ds string
	switch {
	case len(s) == 8 && allDigits(s):
		ys, ms, ds = s[:4], s[4:6], s[6:]
	default:
		sep := "-"
		if strings.Contains(s, "/") {
			sep = "/"
		}
		parts := strings.Split(s, sep)
		if len(parts) != 3 {
			return Date{}, dateErr(fmt.Sprintf("无法识别日期“%s”，格式应为 YYYY-MM-DD", s))
		}
		ys, ms, ds = parts[0], parts[1], parts[2]
	}
	if len(ys) != 4 || !allDigits(ys) || len(ms) < 1 || len(ms) > 2 || !allDigits(ms) ||
		len(ds) < 1 || len(ds) > 2 || !allDigits(ds) {
		return Date{}, dateErr(fmt.Sprintf("无法识别日期“%s”，格式应为 YYYY-MM-DD", s))
	}
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if y < 1 {
		return Date{}, dateErr(fmt.Sprintf("日期“%s”的年份无效", s))
	}
	if m < 1 || m > 12 {
		return Date{}, dateErr(fmt.Sprintf("日期“%s”的月份应在 1 到 12 之间", s))
	}
	if n := DaysIn(y, time.Month(m)); d < 1 || d > n {
		return Date{}, dateErr(fmt.Sprintf("日期“%s”不存在：%d年%d月只有%d天", s, y, m, n))
	}
	return Date{Y: y, M: time.Month(m), D: d}, nil
}

// MustParseDate is ParseDate for constants and tests; it panics on error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func dateErr(reason string) error { return errs.Field("date", reason) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MarshalText formats d as YYYY-MM-DD; the zero Date is the empty string.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses any format ParseDate accepts; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(strings.TrimSpace(string(b))) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes "YYYY-MM-DD"; the zero Date is null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads a date string (any format ParseDate accepts); null and
// "" give the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return dateErr("日期应为字符串，格式 YYYY-MM-DD")
	}
	return d.UnmarshalText([]byte(s))
}

// Value stores d as a "YYYY-MM-DD" string (NULL for the zero Date).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from a string, []byte or time.Time column. A time.Time
// contributes its own year, month and day as given (drivers return DATE
// columns as midnight UTC), without converting zones. NULL is the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		y, m, day := v.Date()
		*d = Date{Y: y, M: m, D: day}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("calendar: cannot scan %T into Date", src)
}

// dayNum returns the number of days since 1970-01-01 (proleptic Gregorian),
// after Howard Hinnant's days_from_civil.
func (d Date) dayNum() int {
	y, m := d.Y, int(d.M)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.D - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDayNum is the inverse of dayNum (Hinnant's civil_from_days).
func fromDayNum(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return Date{Y: y, M: time.Month(m), D: d}
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int) int { return a - floorDiv(a, b)*b }
