package publicity

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/calendar"
	"xinyong/internal/errs"
)

var d = calendar.MustParseDate

func TestSeverity(t *testing.T) {
	for in, want := range map[string]Severity{
		"minor": Minor, "General": General, " serious ": Serious,
		"轻微": Minor, "一般失信": General, "严重失信信息": Serious, "轻微失信信息": Minor,
	} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "特定严重", "high", "失信"} {
		if _, err := ParseSeverity(in); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("ParseSeverity(%q) error = %v, want invalid", in, err)
		}
	}
	got := []string{Minor.Label(), General.Label(), Serious.Label()}
	if diff := cmp.Diff([]string{"轻微", "一般", "严重"}, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

func TestDeadlineAndLateness(t *testing.T) {
	cal := calendar.Seeded()
	tests := []struct {
		name                string
		decision, published string
		deadline            string
		late                int
	}{
		{"across 国庆 2024, on deadline", "2024-09-27", "2024-10-12", "2024-10-12", 0},
		{"across 国庆 2024, early", "2024-09-27", "2024-10-08", "2024-10-12", 0},
		{"same day", "2024-09-27", "2024-09-27", "2024-10-12", 0},
		{"published before decision (bad data)", "2024-09-27", "2024-09-20", "2024-10-12", 0},
		{"weekend after deadline counts 1", "2024-09-27", "2024-10-13", "2024-10-12", 1},
		{"first Monday after", "2024-09-27", "2024-10-14", "2024-10-12", 1},
		{"a week late", "2024-09-27", "2024-10-21", "2024-10-12", 6},
		{"across 春节 2025", "2025-01-24", "2025-02-10", "2025-02-10", 0},
		{"春节 2025, late one day", "2025-01-24", "2025-02-11", "2025-02-10", 1},
		{"decision inside holiday", "2025-10-03", "2025-10-17", "2025-10-16", 1},
		{"holiday block not counted as late", "2024-09-20", "2024-10-08", "2024-09-30", 1},
		{"ordinary week", "2025-03-03", "2025-03-17", "2025-03-12", 3},
	}
	for _, tt := range tests {
		if got := Deadline(cal, d(tt.decision)); got != d(tt.deadline) {
			t.Errorf("%s: Deadline = %v, want %s", tt.name, got, tt.deadline)
		}
		if got := Lateness(cal, d(tt.decision), d(tt.published)); got != tt.late {
			t.Errorf("%s: Lateness = %d, want %d", tt.name, got, tt.late)
		}
	}
}

func TestWindow(t *testing.T) {
	tests := []struct {
		decision   string
		min, max   int
		minE, maxE string
	}{
		{"2024-01-31", 1, 1, "2024-02-29", "2024-02-29"},
		{"2023-01-31", 1, 12, "2023-02-28", "2024-01-31"},
		{"2024-02-29", 12, 36, "2025-02-28", "2027-02-28"},
		{"2024-08-31", 3, 12, "2024-11-30", "2025-08-31"},
		{"2024-11-30", 3, 12, "2025-02-28", "2025-11-30"},
		{"2025-07-15", 0, 3, "2025-07-15", "2025-10-15"},
		{"2025-12-31", 6, 36, "2026-06-30", "2028-12-31"},
	}
	for _, tt := range tests {
		minE, maxE := Window(Rule{MinMonths: tt.min, MaxMonths: tt.max}, d(tt.decision))
		if minE != d(tt.minE) || maxE != d(tt.maxE) {
			t.Errorf("Window(%d–%d months, %s) = %v, %v; want %s, %s", tt.min, tt.max, tt.decision, minE, maxE, tt.minE, tt.maxE)
		}
	}
}

func TestSelect(t *testing.T) {
	rules := append(DefaultRules(),
		Rule{ID: "tax-2020-general", Source: "某地税务规定", EffectiveFrom: d("2020-01-01"), RecordType: "tax_punish", Severity: General, MinMonths: 6, MaxMonths: 24, Repairable: true},
		Rule{ID: "safety-2027-serious", Source: "某地安全生产规定", EffectiveFrom: d("2027-01-01"), RecordType: "safety_punish", Severity: Serious, MinMonths: 36, MaxMonths: 36},
		Rule{ID: "safety-2026-serious", Source: "某地安全生产规定", EffectiveFrom: d("2026-01-01"), RecordType: "safety_punish", Severity: Serious, MinMonths: 24, MaxMonths: 36},
	)
	if err := ValidateRules(rules); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		recordType string
		sev        Severity
		decision   string
		wantID     string // "" = not found
	}{
		{"before 2019 rules", "punish", General, "2019-06-30", "ndrc-2017-general"},
		{"2019 rules first day", "punish", General, "2019-07-01", "ndrc-2019-general"},
		{"day before 22号", "punish", Serious, "2025-06-21", "ndrc-2019-serious"},
		{"22号 first day", "punish", Serious, "2025-06-22", "gov-2025-serious"},
		{"day before 36号令", "punish", Serious, "2026-03-31", "gov-2025-serious"},
		{"36号令 first day", "punish", Serious, "2026-04-01", "ndrc-2026-serious"},
		{"minor before 2025 has no rule", "punish", Minor, "2025-06-21", ""},
		{"minor under 22号", "punish", Minor, "2025-06-22", "gov-2025-minor"},
		{"before any rule", "punish", General, "2017-07-30", ""},
		{"per-type beats newer generic", "tax_punish", General, "2026-05-01", "tax-2020-general"},
		{"per-type not before its date", "tax_punish", General, "2019-12-31", "ndrc-2019-general"},
		{"per-type for other severity unaffected", "tax_punish", Serious, "2026-05-01", "ndrc-2026-serious"},
		{"latest per-type wins", "safety_punish", Serious, "2027-01-01", "safety-2027-serious"},
		{"older per-type before newer one", "safety_punish", Serious, "2026-12-31", "safety-2026-serious"},
		{"per-type for other type ignored", "other", Serious, "2027-06-01", "ndrc-2026-serious"},
	}
	for _, tt := range tests {
		got, err := Select(rules, tt.recordType, tt.sev, d(tt.decision))
		if tt.wantID == "" {
			if !errs.Is(err, errs.KindNotFound) {
				t.Errorf("%s: got %q, %v; want not found", tt.name, got.ID, err)
			}
			continue
		}
		if err != nil || got.ID != tt.wantID {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got.ID, err, tt.wantID)
		}
	}
	// Order of the slice does not matter.
	rev := make([]Rule, len(rules))
	for i, r := range rules {
		rev[len(rules)-1-i] = r
	}
	if got, _ := Select(rev, "punish", Serious, d("2025-06-22")); got.ID != "gov-2025-serious" {
		t.Errorf("reversed order: got %q", got.ID)
	}
}

func TestDefaultRulesValid(t *testing.T) {
	if err := ValidateRules(DefaultRules()); err != nil {
		t.Fatal(err)
	}
	// A serious record decided on the 22号 date: min 1 year, max 3 years.
	r, err := Select(DefaultRules(), "", Serious, d("2025-06-22"))
	if err != nil {
		t.Fatal(err)
	}
	minE, maxE := Window(r, d("2025-06-22"))
	if minE != d("2026-06-22") || maxE != d("2028-06-22") || r.Source != "国办发〔2025〕22号" {
		t.Errorf("got %v %v %q", minE, maxE, r.Source)
	}
}

func TestValidateRules(t *testing.T) {
	ok := Rule{ID: "a", Source: "src", EffectiveFrom: d("2025-01-01"), Severity: General, MinMonths: 3, MaxMonths: 12}
	with := func(f func(*Rule)) Rule { r := ok; f(&r); return r }
	tests := []struct {
		name   string
		rules  []Rule
		field  string
		reason string
	}{
		{"min > max", []Rule{with(func(r *Rule) { r.MinMonths = 13 })}, "rules[0].min_months", "不能长于最长公示期"},
		{"negative min", []Rule{with(func(r *Rule) { r.MinMonths = -1 })}, "rules[0].min_months", "不能为负数"},
		{"zero max", []Rule{with(func(r *Rule) { r.MinMonths, r.MaxMonths = 0, 0 })}, "rules[0].max_months", "至少为 1 个月"},
		{"huge max", []Rule{with(func(r *Rule) { r.MaxMonths = 365 })}, "rules[0].max_months", "超过上限"},
		{"empty id", []Rule{with(func(r *Rule) { r.ID = " " })}, "rules[0].id", "不能为空"},
		{"dup id", []Rule{ok, with(func(r *Rule) { r.Severity = Serious })}, "rules[1].id", "重复"},
		{"no source", []Rule{with(func(r *Rule) { r.Source = "" })}, "rules[0].source", "依据"},
		{"bad severity", []Rule{with(func(r *Rule) { r.Severity = "grave" })}, "rules[0].severity", "无效"},
		{"zero date", []Rule{with(func(r *Rule) { r.EffectiveFrom = calendar.Date{} })}, "rules[0].effective_from", "生效日期无效"},
		{"same key and date", []Rule{ok, with(func(r *Rule) { r.ID = "b"; r.MaxMonths = 24 })}, "rules[1].effective_from", "只能有一条"},
	}
	for _, tt := range tests {
		err := ValidateRules(tt.rules)
		if err == nil {
			t.Errorf("%s: want error", tt.name)
			continue
		}
		e := errs.As(err)
		if e.Kind != errs.KindInvalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || !strings.Contains(e.Fields[0].Reason, tt.reason) {
			t.Errorf("%s: got %v", tt.name, err)
		}
	}
	// Same key on different dates, or per-type next to generic, is fine.
	fine := []Rule{ok,
		with(func(r *Rule) { r.ID = "b"; r.EffectiveFrom = d("2026-01-01") }),
		with(func(r *Rule) { r.ID = "c"; r.RecordType = "tax_punish" })}
	if err := ValidateRules(fine); err != nil {
		t.Errorf("unexpected: %v", err)
	}
	if err := ValidateRules(nil); err != nil {
		t.Errorf("nil rules: %v", err)
	}
}

func TestStatusAt(t *testing.T) {
	sh := calendar.Shanghai
	at := func(s string, h int) time.Time {
		x := d(s)
		return time.Date(x.Y, x.M, x.D, h, 0, 0, 0, sh)
	}
	decision, maxEnd := d("2024-03-15"), d("2025-03-15")
	revoked := at("2024-06-01", 10)
	tests := []struct {
		name    string
		revoked *time.Time
		asOf    time.Time
		want    Status
	}{
		{"day before decision", nil, at("2024-03-14", 23), Pending},
		{"decision day", nil, at("2024-03-15", 0), Public},
		{"last day of window", nil, at("2025-03-15", 23), Public},
		{"midnight after window", nil, LeavesAt(maxEnd), Expired},
		{"one ns before leaving", nil, LeavesAt(maxEnd).Add(-time.Nanosecond), Public},
		{"UTC instant already next day in Shanghai", nil, time.Date(2025, 3, 15, 16, 0, 0, 0, time.UTC), Expired},
		{"before revocation", &revoked, revoked.Add(-time.Second), Public},
		{"at revocation", &revoked, revoked, Revoked},
		{"revoked and expired", &revoked, at("2026-01-01", 0), Revoked},
	}
	for _, tt := range tests {
		if got := StatusAt(decision, maxEnd, tt.revoked, tt.asOf); got != tt.want {
			t.Errorf("%s: StatusAt = %s, want %s", tt.name, got, tt.want)
		}
	}
	if !LeavesAt(maxEnd).Equal(time.Date(2025, 3, 15, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("LeavesAt = %v", LeavesAt(maxEnd))
	}
	if Public.Label() != "公示中" || Expired.Label() != "公示期满" || Revoked.Label() != "已撤销" || Pending.Label() != "未公示" {
		t.Error("labels")
	}
}
