package calendar

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/errs"
)

var d = MustParseDate

func TestSeedFacts(t *testing.T) {
	c := Seeded()
	tests := []struct {
		date    string
		workday bool
		name    string // expected override name, "" for none
	}{
		// 2024 (国办发明电〔2023〕7号)
		{"2024-01-01", false, "元旦"},
		{"2024-02-04", true, "春节"}, // Sunday worked
		{"2024-02-09", true, ""},   // 除夕 is officially a workday
		{"2024-02-10", false, "春节"},
		{"2024-02-15", false, "春节"}, // Thursday off
		{"2024-02-17", false, "春节"},
		{"2024-02-18", true, "春节"},
		{"2024-04-05", false, "清明节"},
		{"2024-04-07", true, "清明节"},
		{"2024-04-28", true, "劳动节"},
		{"2024-05-03", false, "劳动节"},
		{"2024-05-11", true, "劳动节"},
		{"2024-06-10", false, "端午节"},
		{"2024-09-14", true, "中秋节"},
		{"2024-09-16", false, "中秋节"},
		{"2024-09-29", true, "国庆节"},
		{"2024-10-12", true, "国庆节"},
		// 2025 (国办发明电〔2024〕12号)
		{"2025-01-01", false, "元旦"},
		{"2025-01-26", true, "春节"},
		{"2025-01-27", true, ""},
		{"2025-02-05", true, ""},
		{"2025-02-08", true, "春节"},
		{"2025-04-04", false, "清明节"},
		{"2025-04-27", true, "劳动节"},
		{"2025-05-05", false, "劳动节"},
		{"2025-06-02", false, "端午节"},
		{"2025-09-28", true, "国庆节、中秋节"},
		{"2025-10-08", false, "国庆节、中秋节"},
		{"2025-10-11", true, "国庆节、中秋节"},
		// 2026 (2025-11-04 notice)
		{"2026-01-02", false, "元旦"},
		{"2026-01-04", true, "元旦"},
		{"2026-02-14", true, "春节"},
		{"2026-02-23", false, "春节"},
		{"2026-02-28", true, "春节"},
		{"2026-04-06", false, "清明节"},
		{"2026-05-05", false, "劳动节"},
		{"2026-05-09", true, "劳动节"},
		{"2026-06-19", false, "端午节"},
		{"2026-09-20", true, "国庆节"},
		{"2026-09-25", false, "中秋节"},
		{"2026-10-07", false, "国庆节"},
		{"2026-10-10", true, "国庆节"},
		// ordinary days
		{"2025-03-08", false, ""}, // Saturday
		{"2025-03-10", true, ""},  // Monday
	}
	for _, tt := range tests {
		dt := d(tt.date)
		if got := c.IsWorkday(dt); got != tt.workday {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.workday)
		}
		o, _ := c.Lookup(dt)
		if o.Name != tt.name {
			t.Errorf("Lookup(%s).Name = %q, want %q", tt.date, o.Name, tt.name)
		}
	}
	for _, blk := range []struct{ from, to string }{
		{"2024-10-01", "2024-10-07"},
		{"2025-01-28", "2025-02-04"},
		{"2026-02-15", "2026-02-23"},
		{"2025-10-01", "2025-10-08"},
	} {
		for x := d(blk.from); !x.After(d(blk.to)); x = x.AddDays(1) {
			if c.IsWorkday(x) {
				t.Errorf("%s should be a holiday", x)
			}
		}
	}
}

// Per-year counts: days off on weekdays and 调休 weekend workdays. Yearly
// working days = weekdays - offWeekdays + makeup.
func TestSeedYearTotals(t *testing.T) {
	c := Seeded()
	want := map[int]struct{ offWeekdays, makeup, workdays int }{
		2024: {offWeekdays: 19, makeup: 8, workdays: 251},
		2025: {offWeekdays: 18, makeup: 5, workdays: 248},
		2026: {offWeekdays: 19, makeup: 6, workdays: 248},
	}
	for y, w := range want {
		var off, mk int
		for _, o := range c.Overrides() {
			if o.Date.Y != y {
				continue
			}
			if o.Kind == Workday {
				mk++
			} else if !o.Date.IsWeekend() {
				off++
			}
		}
		n := c.WorkdaysBetween(Date{y - 1, time.December, 31}, Date{y, time.December, 31})
		if off != w.offWeekdays || mk != w.makeup || n != w.workdays {
			t.Errorf("%d: off weekdays %d, makeup %d, workdays %d; want %+v", y, off, mk, n, w)
		}
	}
	if diff := cmp.Diff([]int{2024, 2025, 2026}, c.Years()); diff != "" {
		t.Errorf("Years (-want +got):\n%s", diff)
	}
	if !c.Covers(2025) || c.Covers(2023) || c.Covers(2027) {
		t.Errorf("Covers wrong")
	}
}

func TestAddWorkdays(t *testing.T) {
	c := Seeded()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-09-27", 7, "2024-10-12"}, // across 国庆 2024, Sep 29 and Oct 12 worked
		{"2024-09-27", 2, "2024-09-30"},
		{"2024-09-27", 3, "2024-10-08"},
		{"2025-01-24", 7, "2025-02-10"}, // across 春节 2025
		{"2024-02-08", 7, "2024-02-23"}, // across 春节 2024
		{"2025-12-31", 7, "2026-01-12"}, // across 元旦 2026
		{"2024-10-03", 1, "2024-10-08"}, // from inside a holiday
		{"2024-10-05", 0, "2024-10-05"},
		{"2024-10-12", -7, "2024-09-27"},
		{"2025-02-10", -7, "2025-01-24"},
		{"2030-01-01", 1, "2030-01-02"}, // uncovered year: plain weekends
		{"2030-01-04", 1, "2030-01-07"},
	}
	for _, tt := range tests {
		if got := c.AddWorkdays(d(tt.from), tt.n); got != d(tt.want) {
			t.Errorf("AddWorkdays(%s, %d) = %v, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := Seeded()
	tests := []struct {
		a, b string
		want int
	}{
		{"2024-09-27", "2024-10-12", 7},
		{"2024-09-30", "2024-10-07", 0},
		{"2024-09-30", "2024-10-08", 1},
		{"2024-10-12", "2024-09-27", -7},
		{"2024-10-13", "2024-10-13", 0},
		{"2025-01-24", "2025-02-10", 7},
		{"2029-12-28", "2030-01-04", 5},
	}
	for _, tt := range tests {
		if got := c.WorkdaysBetween(d(tt.a), d(tt.b)); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}

	// Against a brute-force count, symmetry, and inverse of AddWorkdays.
	brute := func(a, b Date) int {
		sign := 1
		if b.Before(a) {
			a, b, sign = b, a, -1
		}
		n := 0
		for x := a.AddDays(1); !x.After(b); x = x.AddDays(1) {
			if c.IsWorkday(x) {
				n++
			}
		}
		return sign * n
	}
	r := rand.New(rand.NewPCG(1, 2))
	base := d("2023-06-01")
	for i := 0; i < 3000; i++ {
		a := base.AddDays(r.IntN(1400))
		b := base.AddDays(r.IntN(1400))
		got := c.WorkdaysBetween(a, b)
		if want := brute(a, b); got != want {
			t.Fatalf("WorkdaysBetween(%v, %v) = %d, brute force %d", a, b, got, want)
		}
		if back := c.WorkdaysBetween(b, a); back != -got {
			t.Fatalf("asymmetric: (%v,%v)=%d, (%v,%v)=%d", a, b, got, b, a, back)
		}
		n := r.IntN(61) - 30
		if n < 0 && !c.IsWorkday(a) {
			n = -n
		}
		if e := c.AddWorkdays(a, n); c.WorkdaysBetween(a, e) != n {
			t.Fatalf("WorkdaysBetween(%v, AddWorkdays(%v, %d)=%v) != %d", a, a, n, e, n)
		}
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name   string
		in     []Override
		field  string
		reason string
	}{
		{"duplicate", []Override{
			{Date: d("2025-01-01"), Kind: Holiday, Name: "元旦"},
			{Date: d("2025-01-01"), Kind: Holiday, Name: "元旦"},
		}, "overrides[1].date", "重复"},
		{"bad kind", []Override{{Date: d("2025-01-01"), Kind: "rest"}}, "overrides[0].kind", "无效"},
		{"workday on weekday", []Override{{Date: d("2025-01-27"), Kind: Workday}}, "overrides[0].kind", "星期一"},
		{"invalid date", []Override{{Date: Date{2023, time.February, 29}, Kind: Holiday}}, "overrides[0].date", "无效"},
		{"zero date", []Override{{Kind: Holiday}}, "overrides[0].date", "无效"},
	}
	for _, tt := range tests {
		_, err := New(tt.in)
		if err == nil {
			t.Errorf("%s: want error", tt.name)
			continue
		}
		e := errs.As(err)
		if e.Kind != errs.KindInvalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || !strings.Contains(e.Fields[0].Reason, tt.reason) {
			t.Errorf("%s: got %v", tt.name, err)
		}
	}
}

func TestCalendarIsImmutable(t *testing.T) {
	in := []Override{{Date: d("2025-01-01"), Kind: Holiday, Name: "元旦"}}
	c, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	in[0].Kind = Workday
	c.Overrides()[0].Name = "x"
	c.Years()[0] = 1999
	if c.IsWorkday(d("2025-01-01")) || c.Overrides()[0].Name != "元旦" || !c.Covers(2025) {
		t.Errorf("calendar changed through aliases")
	}
	empty, err := New(nil)
	if err != nil || empty.Covers(2025) || len(empty.Years()) != 0 || empty.WorkdaysBetween(d("2025-01-03"), d("2025-01-06")) != 1 {
		t.Errorf("empty calendar: %v", err)
	}
}

func TestSeedIsFresh(t *testing.T) {
	a := Seed()
	a[0].Name = "changed"
	if Seed()[0].Name == "changed" {
		t.Error("Seed shares its backing array")
	}
}
