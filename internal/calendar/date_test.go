package calendar

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/errs"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr string // substring of the Chinese reason
	}{
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2024/02/29", want: Date{2024, time.February, 29}},
		{in: "20240229", want: Date{2024, time.February, 29}},
		{in: "2024/2/9", want: Date{2024, time.February, 9}},
		{in: "2024-2-9", want: Date{2024, time.February, 9}},
		{in: "  2025-10-01 ", want: Date{2025, time.October, 1}},
		{in: "2000-02-29", want: Date{2000, time.February, 29}},
		{in: "2023-02-29", wantErr: "2023年2月只有28天"},
		{in: "1900-02-29", wantErr: "1900年2月只有28天"},
		{in: "2024-04-31", wantErr: "只有30天"},
		{in: "2024-13-01", wantErr: "月份应在 1 到 12 之间"},
		{in: "2024-00-10", wantErr: "月份应在 1 到 12 之间"},
		{in: "2024-01-00", wantErr: "不存在"},
		{in: "", wantErr: "不能为空"},
		{in: "2024.01.01", wantErr: "格式应为"},
		{in: "24-01-01", wantErr: "格式应为"},
		{in: "2024-01/01", wantErr: "格式应为"},
		{in: "2024-001-01", wantErr: "格式应为"},
		{in: "2024011", wantErr: "格式应为"},
		{in: "2024-01-01T00:00:00Z", wantErr: "格式应为"},
		{in: "0000-01-01", wantErr: "年份无效"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.wantErr != "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want error", tt.in, got)
				continue
			}
			e := errs.As(err)
			if e.Kind != errs.KindInvalid || len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Reason, tt.wantErr) {
				t.Errorf("ParseDate(%q) error = %v, want invalid with %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestDayNumMatchesTimePackage(t *testing.T) {
	start := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 80000; i += 7 { // ~220 years, every weekday position
		tm := start.AddDate(0, 0, i)
		d := Date{tm.Year(), tm.Month(), tm.Day()}
		if got, want := d.dayNum(), int(tm.Unix()/86400); got != want {
			t.Fatalf("%v.dayNum() = %d, want %d", d, got, want)
		}
		if got := fromDayNum(d.dayNum()); got != d {
			t.Fatalf("fromDayNum(%v) round trip = %v", d, got)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", d, d.Weekday(), tm.Weekday())
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustParseDate("2024-12-31")
	if got := d.AddDays(1); got != MustParseDate("2025-01-01") {
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := d.AddDays(-366); got != MustParseDate("2023-12-31") {
		t.Errorf("AddDays(-366) = %v", got)
	}
	if got := MustParseDate("2025-03-01").Sub(MustParseDate("2024-03-01")); got != 365 {
		t.Errorf("Sub = %d, want 365", got)
	}
	months := []struct {
		from string
		n    int
		want string
	}{
		{"2024-01-31", 1, "2024-02-29"},
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2024-08-31", 3, "2024-11-30"},
		{"2024-03-15", 36, "2027-03-15"},
		{"2024-11-30", 2, "2025-01-30"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2025-01-15", -13, "2023-12-15"},
		{"2024-05-20", 0, "2024-05-20"},
	}
	for _, m := range months {
		if got := MustParseDate(m.from).AddMonths(m.n); got.String() != m.want {
			t.Errorf("%s.AddMonths(%d) = %v, want %s", m.from, m.n, got, m.want)
		}
	}
	a, b := MustParseDate("2024-05-01"), MustParseDate("2024-05-02")
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("ordering broken")
	}
	if MustParseDate("2024-02-04").Weekday() != time.Sunday {
		t.Errorf("2024-02-04 should be a Sunday")
	}
}

func TestDateOfAndTime(t *testing.T) {
	// 2024-12-31 16:30 UTC is already 2025-01-01 in Shanghai.
	tm := time.Date(2024, 12, 31, 16, 30, 0, 0, time.UTC)
	if got := DateOf(tm); got != MustParseDate("2025-01-01") {
		t.Errorf("DateOf = %v", got)
	}
	mid := MustParseDate("2025-01-01").Time()
	if !mid.Equal(time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v", mid)
	}
	if DateOf(mid) != MustParseDate("2025-01-01") || DateOf(mid.Add(-time.Nanosecond)) != MustParseDate("2024-12-31") {
		t.Errorf("DateOf around midnight broken")
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		D Date  `json:"d"`
		Z Date  `json:"z"`
		P *Date `json:"p,omitempty"`
	}
	b, err := json.Marshal(rec{D: MustParseDate("2025-01-26")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"d":"2025-01-26","z":null}`, string(b)); diff != "" {
		t.Errorf("marshal (-want +got):\n%s", diff)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"d":"2025/1/26","z":null}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.D != MustParseDate("2025-01-26") || !r.Z.IsZero() {
		t.Errorf("unmarshal = %+v", r)
	}
	if err := json.Unmarshal([]byte(`{"d":"2023-02-29"}`), &r); err == nil || !strings.Contains(err.Error(), "只有28天") {
		t.Errorf("want impossible-date error, got %v", err)
	}
	if err := json.Unmarshal([]byte(`{"d":20230101}`), &r); err == nil {
		t.Errorf("want error for a number")
	}
	m, err := json.Marshal(map[Date]int{MustParseDate("2024-10-01"): 1})
	if err != nil || string(m) != `{"2024-10-01":1}` {
		t.Errorf("map key marshal = %s, %v", m, err)
	}
}

func TestDateScanValue(t *testing.T) {
	var d Date
	for _, src := range []any{"2025-02-08", []byte("2025-02-08"), time.Date(2025, 2, 8, 0, 0, 0, 0, time.UTC)} {
		if err := d.Scan(src); err != nil || d != MustParseDate("2025-02-08") {
			t.Errorf("Scan(%#v) = %v, %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
	if v, _ := MustParseDate("2025-02-08").Value(); v != "2025-02-08" {
		t.Errorf("Value = %v", v)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("zero Value = %v", v)
	}
}

func TestDateStringMatchesSprintf(t *testing.T) {
	for _, d := range []Date{{2026, 12, 3}, {999, 1, 31}, {0, 1, 1}, {9999, 12, 31}, {10000, 1, 1}, {-1, 1, 1}, {2026, 0, 0}} {
		if got, want := d.String(), fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D); got != want {
			t.Errorf("%#v: %q, want %q", d, got, want)
		}
	}
}
