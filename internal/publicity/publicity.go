// Package publicity computes the 双公示 publication deadline and the
// publicity windows (公示期) of negative records, and the public status of a
// record at a given time. It is pure: no clock, no storage.
package publicity

import (
	"strings"

	"xinyong/internal/calendar"
	"xinyong/internal/errs"
)

// Severity is the class of a negative (失信) record.
type Severity string

const (
	Minor   Severity = "minor"   // 轻微
	General Severity = "general" // 一般
	Serious Severity = "serious" // 严重
)

// Severities lists the classes from least to most severe.
var Severities = []Severity{Minor, General, Serious}

// Label returns the Chinese name, e.g. 一般.
func (s Severity) Label() string {
	switch s {
	case Minor:
		return "轻微"
	case General:
		return "一般"
	case Serious:
		return "严重"
	}
	return string(s)
}

// Valid reports whether s is a known class.
func (s Severity) Valid() bool { return s == Minor || s == General || s == Serious }

// ParseSeverity accepts the English code (minor, general, serious, any case)
// or the Chinese name with or without 失信/失信信息 (轻微, 一般失信, 严重失信信息).
func ParseSeverity(s string) (Severity, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "minor":
		return Minor, nil
	case "general":
		return General, nil
	case "serious":
		return Serious, nil
	}
	v = strings.TrimSuffix(v, "信息")
	v = strings.TrimSuffix(v, "失信")
	switch v {
	case "轻微":
		return Minor, nil
	case "一般":
		return General, nil
	case "严重":
		return Serious, nil
	}
	return "", errs.Field("severity", "失信程度“"+s+"”无效，应为 轻微、一般 或 严重")
}

// DeadlineWorkdays is the 双公示 deadline: 行政许可 and 行政处罚 decisions go
// online within 7 working days of the decision (发改办财金〔2018〕424号).
const DeadlineWorkdays = 7

// Deadline returns the last day on which a decision made on the given date
// may be published on time: the 7th working day after it. The decision day
// itself is not counted (民法典 Art. 201) and publishing on the deadline day
// is on time. A decision on Friday 2024-09-27 has deadline 2024-10-12 (a
// 调休 Saturday), because 国庆节 2024-10-01..07 is not counted.
func Deadline(cal *calendar.Calendar, decision calendar.Date) calendar.Date {
	return cal.AddWorkdays(decision, DeadlineWorkdays)
}

// Lateness returns how many working days after the deadline the record was
// published, or 0 if it was published on or before the deadline (including,
// for bad data, before the decision). A publication after the deadline that
// falls on a non-working day with no working day in between (deadline Friday,
// published Saturday) counts as 1, so Lateness > 0 exactly when the record is
// late.
func Lateness(cal *calendar.Calendar, decision, published calendar.Date) int {
	dl := Deadline(cal, decision)
	if !published.After(dl) {
		return 0
	}
	return max(cal.WorkdaysBetween(dl, published), 1)
}
