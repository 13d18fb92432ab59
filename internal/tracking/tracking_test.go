package tracking

import (
	"strings"
	"testing"
	"time"
)

func TestPeriods(t *testing.T) {
	now := time.Date(2026, 5, 10, 0, 0, 0, 0, Shanghai)
	cases := []struct{ key, from, to, label string }{
		{"", "2026-04-01", "2026-06-30", "2026年第2季度"},
		{"2026Q1", "2026-01-01", "2026-03-31", "2026年第1季度"},
		{"2024-02", "2024-02-01", "2024-02-29", "2024年2月"},
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.key, "", "", now)
		if err != nil || p.From != c.from || p.To != c.to || p.Label() != c.label {
			t.Errorf("%q: %v %+v %s", c.key, err, p, p.Label())
		}
	}
	for _, bad := range []string{"2026Q5", "2026-13", "x"} {
		if _, err := ParsePeriod(bad, "", "", now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if q := PreviousQuarter(now); q.Key != "2026Q1" {
		t.Errorf("previous quarter %s", q.Key)
	}
	if ms := Quarter(2026, 4).Months(); len(ms) != 3 || ms[2].Key != "2026-12" {
		t.Errorf("months %+v", ms)
	}
}

func TestIndexRenormalises(t *testing.T) {
	m := Index("2026-03", DefaultIndex, Raw{"negative_share": 0.1, "timeliness": 0.8})
	// (90×0.4 + 80×0.25) / 0.65 = 86.2
	if m.Value != 86.2 || m.Empty || !m.Components[1].Missing {
		t.Errorf("%+v", m)
	}
	if e := Index("2026-03", DefaultIndex, Raw{}); !e.Empty || e.Value != 0 {
		t.Errorf("empty month: %+v", e)
	}
}

func TestChartsEscapeAndEmpty(t *testing.T) {
	svg := BarChart("部门<script>", []string{`<b>"x"`}, []float64{3}, "")
	if strings.Contains(svg, "<script") || strings.Contains(svg, "<b>") || !strings.HasPrefix(svg, "<svg") {
		t.Errorf("not escaped: %s", svg)
	}
	if e := LineChart("空", nil, nil, ""); !strings.Contains(e, "本期暂无数据") {
		t.Errorf("empty chart: %s", e)
	}
	f := &Figures{}
	f.Finish()
	if f.Depts == nil || f.Lists == nil || f.Total.Timeliness != 0 {
		t.Errorf("empty figures: %+v", f)
	}
}
