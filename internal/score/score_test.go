package score

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var asOf = time.Date(2026, 6, 30, 4, 0, 0, 0, time.UTC) // 2026-06-30 12:00 Shanghai

func TestDefaultValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := Parse(Default().Body())
	if err != nil {
		t.Fatal(err)
	}
	if m.Grade(1000) != "AAA" || m.Grade(0) != "C" || m.Grade(649.99) != "BBB" || m.Grade(650) != "A" {
		t.Fatalf("grades: %s %s %s %s", m.Grade(1000), m.Grade(0), m.Grade(649.99), m.Grade(650))
	}
}

func TestComputeContributions(t *testing.T) {
	m := Default()
	m.Version = 3
	f := &Facts{SubjectID: 7, Code: "91110000X", RegisteredOn: "2020-07-01",
		Records: []Rec{
			{ID: 1, Type: "penalty", TypeName: "行政处罚", Nature: "bad", Severity: "general", DecisionDate: "2025-06-30", Valid: true},
			{ID: 2, Type: "penalty", Nature: "bad", Severity: "general", DecisionDate: "2022-01-01", Valid: true},  // decayed away
			{ID: 3, Type: "penalty", Nature: "bad", Severity: "serious", DecisionDate: "2026-01-01", Valid: false}, // revoked
			{ID: 4, Type: "honor", TypeName: "诚实守信荣誉", Nature: "good", DecisionDate: "2026-02-01", Valid: true},
			{ID: 5, Type: "evaluation", Nature: "neutral", DecisionDate: "2025-04-01", Valid: true, EvalKind: "纳税信用等级评价", EvalGrade: "B"},
			{ID: 6, Type: "evaluation", Nature: "neutral", DecisionDate: "2026-04-01", Valid: true, EvalKind: "纳税信用等级评价", EvalGrade: "A"},
			{ID: 7, Type: "commitment", Nature: "neutral", DecisionDate: "2026-03-01", Valid: true, Broken: true},
		},
		Entries: []Entry{
			{ID: 9, ListType: "tax_a", ListName: "纳税信用A级", Kind: "red", Start: "2026-01-01", ActivatedAt: asOf.AddDate(0, -6, 0)},
			{ID: 10, ListType: "x", Kind: "black", Start: "2025-01-01", ActivatedAt: asOf.AddDate(-1, 0, 0), ExitedAt: asOf.AddDate(0, -1, 0)},
		}}
	s := Compute(m, f, asOf)
	got := map[string]float64{}
	refs := map[string][]string{}
	for _, c := range s.Contributions {
		got[c.Indicator] = c.Points
		for _, it := range c.Items {
			refs[c.Indicator] = append(refs[c.Indicator], it.Ref)
		}
	}
	// penalty one year old with 36-month decay: 40 × (1 − 365/1095.75) = 26.68
	want := map[string]float64{"base_age": 50, "good_records": 30, "bad_penalty": -26.68, "bad_serious": 0, "black_list": 0, "red_list": 60,
		"broken_commitment": -50, "repaired": 0, "tax_grade": 60, "customs_grade": 0}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("points (-want +got):\n%s", d)
	}
	wantRefs := map[string][]string{"base_age": {"subject:91110000X"}, "good_records": {"record:4"}, "bad_penalty": {"record:1"},
		"red_list": {"entry:9"}, "broken_commitment": {"record:7"}, "tax_grade": {"record:6"}}
	if d := cmp.Diff(wantRefs, refs); d != "" {
		t.Errorf("evidence (-want +got):\n%s", d)
	}
	if s.Total != 723.32 || s.Grade != "A" || s.Class != "A" || s.ModelVersion != 3 {
		t.Errorf("total %v grade %s class %s", s.Total, s.Grade, s.Class)
	}
	b, _ := json.Marshal(s)
	if !strings.Contains(string(b), "失信记录（行政处罚，一般，按时间衰减）") {
		t.Errorf("labels: %s", b)
	}
}

func TestComputeCapsAndClamp(t *testing.T) {
	m := Default()
	f := &Facts{}
	for i := 0; i < 6; i++ {
		f.Entries = append(f.Entries, Entry{ID: int64(i), Kind: "black", Start: "2026-01-01", ActivatedAt: asOf.AddDate(0, -1, 0)})
	}
	s := Compute(m, f, asOf)
	for _, c := range s.Contributions {
		if c.Indicator == "black_list" && (c.Points != -450 || !c.Capped || len(c.Items) != 6) {
			t.Errorf("black_list %+v", c)
		}
	}
	if s.Total != 150 || s.Grade != "C" || s.Class != "C" {
		t.Errorf("got %v %s %s", s.Total, s.Grade, s.Class)
	}
}

func TestModelRefused(t *testing.T) {
	mut := func(f func(m *Model)) []byte {
		m := Default()
		f(m)
		return m.Body()
	}
	cases := []struct {
		name, want string
		body       []byte
	}{
		{"not json", "无法解析", []byte(`{"name": `)},
		{"unknown field", "无法解析", []byte(`{"name":"x","bogus":1}`)},
		{"overlap", "区间重叠", mut(func(m *Model) { m.Bands[1].Min = 700 })},
		{"gap", "留有空档", mut(func(m *Model) { m.Bands[1].Min = 760 })},
		{"gap at top", "留有空档", mut(func(m *Model) { m.Bands[0].Max = 900 })},
		{"weight high", "权重须在 0 至 1 之间", mut(func(m *Model) { m.Indicators[0].Weight = 1.5 })},
		{"weight negative", "权重须在 0 至 1 之间", mut(func(m *Model) { m.Indicators[2].Weight = -0.1 })},
		{"missing grade", "三等九级", mut(func(m *Model) { m.Bands = m.Bands[:8]; m.Bands[7].Min = 0 })},
		{"class twice", "同时属于", mut(func(m *Model) { m.Classes[1].Grades = append(m.Classes[1].Grades, "A") })},
		{"grade order", "等级应越高", mut(func(m *Model) { m.Bands[0].Grade, m.Bands[1].Grade = "AA", "AAA" })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.body)
			if err == nil {
				t.Fatal("accepted")
			}
			b, _ := json.Marshal(err)
			if msg := err.Error() + string(b); !strings.Contains(msg, c.want) {
				t.Errorf("reason %q lacks %q", msg, c.want)
			}
		})
	}
}
