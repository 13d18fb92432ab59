package measure

import (
	"strings"
	"testing"

	"xinyong/internal/errs"
	"xinyong/internal/list"
)

func fieldsOf(err error) map[string]string {
	m := map[string]string{}
	if err == nil {
		return m
	}
	for _, f := range errs.As(err).Fields {
		m[f.Field] = f.Reason
	}
	return m
}

func TestSeedIntegrity(t *testing.T) {
	types := list.Seed()
	known := list.Codes(types)
	ms := Seed()
	if len(ms) < 45 {
		t.Fatalf("seed has %d measures, want at least 45", len(ms))
	}
	for _, m := range ms {
		if err := m.Validate(known); err != nil {
			t.Errorf("%s: %v", m.Code, err)
		}
	}
	if err := ValidateAll(ms, types); err != nil {
		t.Errorf("ValidateAll: %v", err)
	}

	punish := map[string]int{}
	reward := map[string]int{}
	for _, m := range ms {
		for _, lt := range m.ListTypes {
			if m.Kind == Punish {
				punish[lt]++
			} else {
				reward[lt]++
			}
		}
	}
	for _, ty := range types {
		switch ty.Kind {
		case list.Black:
			if punish[ty.Code] == 0 {
				t.Errorf("black list %s has no punitive measure", ty.Code)
			}
		case list.Red:
			if reward[ty.Code] == 0 {
				t.Errorf("red list %s has no reward", ty.Code)
			}
		}
	}
}

func TestSeedContents(t *testing.T) {
	ms := Seed()
	byCode := map[string]Measure{}
	for _, m := range ms {
		byCode[m.Code] = m
	}

	// The nine items of 法释〔2015〕17号 Art. 3 bind the subject and its
	// responsible persons and apply in the consumption scenario.
	var consumption int
	for _, m := range ms {
		if m.TriggeredBy("court_dishonest_debtor") && m.AppliesIn("consumption") {
			consumption++
			if !m.BindsTo(BindSubject) || !m.BindsTo(BindRelated) {
				t.Errorf("%s must bind subject and related persons", m.Code)
			}
			var art3 bool
			for _, b := range m.Basis {
				art3 = art3 || (strings.Contains(b.Document, "法释〔2015〕17号") && strings.HasPrefix(b.Article, "第三条"))
			}
			if !art3 {
				t.Errorf("%s should cite 法释〔2015〕17号 第三条", m.Code)
			}
		}
	}
	if consumption != 9 {
		t.Errorf("want 9 consumption restrictions for 失信被执行人, got %d", consumption)
	}
	for _, s := range []string{"飞机、列车软卧、轮船二等以上舱位", "高尔夫球场", "高档装修房屋", "高档写字楼", "非经营必需车辆",
		"旅游、度假", "高收费私立学校", "保险理财产品", "G字头动车组列车全部座位"} {
		var found bool
		for _, m := range ms {
			found = found || strings.Contains(m.Text, s)
		}
		if !found {
			t.Errorf("no measure mentions %q", s)
		}
	}

	// Incentives triggered by three clean years exist for 绿色通道 and 容缺受理.
	var green, rongque bool
	for _, m := range ms {
		if m.Condition == ConditionClean3 {
			green = green || strings.Contains(m.Text, "绿色通道")
			rongque = rongque || strings.Contains(m.Text, "容缺受理")
			if len(m.ListTypes) != 0 || m.Kind != Reward {
				t.Errorf("%s: condition measures are rewards without list types", m.Code)
			}
		}
	}
	if !green || !rongque {
		t.Errorf("clean_3y incentives missing: green=%v rongque=%v", green, rongque)
	}

	// Every scenario of the spec is served by at least one measure.
	for _, sc := range []string{"licensing", "procurement", "bidding", "funding", "honors", "employment", "credit",
		"consumption", "exit", "supervision"} {
		var n int
		for _, m := range ms {
			if m.AppliesIn(sc) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no measure applies in %s", sc)
		}
	}
	if m, ok := byCode["P-COURT-011"]; !ok || !m.AppliesIn("procurement") || m.Mode != Mandatory {
		t.Errorf("P-COURT-011 should be the mandatory procurement restriction: %+v", m)
	}
}

func TestSeedIsCopy(t *testing.T) {
	a := Seed()
	a[0].Scenarios[0] = "changed"
	if Seed()[0].Scenarios[0] == "changed" {
		t.Error("Seed must return a fresh copy")
	}
}

func validPunish() Measure {
	return Measure{
		Code: "P-TEST-001", Text: "依法限制参加政府采购活动。", Kind: Punish, Category: Administrative, Mode: Mandatory,
		InitiatingDept: "court", ImplementingDepts: []string{"finance"},
		ListTypes: []string{"court_dishonest_debtor"}, Scenarios: []string{"procurement"}, Binds: []Bind{BindSubject},
		Basis: []list.Basis{{Document: "《中华人民共和国政府采购法》", Article: "第二十二条"}},
	}
}

func TestValidate(t *testing.T) {
	known := map[string]bool{"court_dishonest_debtor": true, "tax_a_grade": true}
	tests := []struct {
		name   string
		mutate func(*Measure)
		field  string // "" = valid
		reason string // substring of the reason, optional
	}{
		{"valid", func(*Measure) {}, "", ""},
		{"punitive without basis", func(m *Measure) { m.Basis = nil }, "basis", "惩戒措施必须有法律依据"},
		{"unknown scenario", func(m *Measure) { m.Scenarios = []string{"moon_landing"} }, "scenarios[0]", "未知的适用场景"},
		{"no scenario", func(m *Measure) { m.Scenarios = nil }, "scenarios", "至少"},
		{"duplicate scenario", func(m *Measure) { m.Scenarios = []string{"procurement", "procurement"} }, "scenarios[1]", "重复"},
		{"unknown list type", func(m *Measure) { m.ListTypes = []string{"nope"} }, "list_types[0]", "未知的名单类型"},
		{"no trigger", func(m *Measure) { m.ListTypes = nil }, "list_types", ""},
		{"bad code", func(m *Measure) { m.Code = "X1" }, "code", ""},
		{"code prefix vs kind", func(m *Measure) { m.Code = "R-TEST-001" }, "code", "P-"},
		{"empty text", func(m *Measure) { m.Text = "" }, "text", ""},
		{"bad kind", func(m *Measure) { m.Kind = "maybe" }, "kind", ""},
		{"bad category", func(m *Measure) { m.Category = "moral" }, "category", ""},
		{"bad mode", func(m *Measure) { m.Mode = "optional" }, "mode", ""},
		{"unknown initiating dept", func(m *Measure) { m.InitiatingDept = "x" }, "initiating_dept", ""},
		{"no implementing dept", func(m *Measure) { m.ImplementingDepts = nil }, "implementing_depts", ""},
		{"unknown implementing dept", func(m *Measure) { m.ImplementingDepts = []string{"x"} }, "implementing_depts[0]", ""},
		{"no binds", func(m *Measure) { m.Binds = nil }, "binds", ""},
		{"bad bind", func(m *Measure) { m.Binds = []Bind{"cousin"} }, "binds[0]", ""},
		{"basis without title marks", func(m *Measure) { m.Basis = []list.Basis{{Document: "政府采购法"}} }, "basis[0].document", ""},
		{"punish with condition", func(m *Measure) { m.Condition = ConditionClean3 }, "condition", ""},
		{"reward with condition and lists", func(m *Measure) {
			m.Code, m.Kind, m.Condition, m.ListTypes = "R-TEST-001", Reward, ConditionClean3, []string{"tax_a_grade"}
		}, "condition", ""},
		{"reward by condition ok", func(m *Measure) {
			m.Code, m.Kind, m.Condition, m.ListTypes, m.Basis = "R-TEST-001", Reward, ConditionClean3, nil, nil
		}, "", ""},
		{"reward without basis ok", func(m *Measure) {
			m.Code, m.Kind, m.ListTypes, m.Basis = "R-TEST-001", Reward, []string{"tax_a_grade"}, nil
		}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := validPunish()
			tc.mutate(&m)
			err := m.Validate(known)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error on %s", tc.field)
			}
			if !errs.Is(err, errs.KindInvalid) {
				t.Errorf("want KindInvalid, got %v", err)
			}
			f := fieldsOf(err)
			got, ok := f[tc.field]
			if !ok {
				t.Fatalf("want field %s, got %v", tc.field, f)
			}
			if !strings.Contains(got, tc.reason) {
				t.Errorf("reason %q does not contain %q", got, tc.reason)
			}
		})
	}
}

func TestValidateAll(t *testing.T) {
	types := list.Seed()
	p := validPunish()
	r := validPunish()
	r.Code, r.Kind, r.ListTypes = "R-TEST-001", Reward, []string{"court_dishonest_debtor"}
	dup := validPunish()
	err := ValidateAll([]Measure{p, r, dup}, types)
	f := fieldsOf(err)
	if !strings.Contains(f["measures[1].list_types[0]"], "不能由黑名单触发") {
		t.Errorf("reward on black list not refused: %v", f)
	}
	if !strings.Contains(f["measures[2].code"], "重复") {
		t.Errorf("duplicate code not refused: %v", f)
	}
	if err := ValidateAll([]Measure{p}, types); err != nil {
		t.Errorf("unexpected: %v", err)
	}
}

func TestParse(t *testing.T) {
	kinds := map[string]Kind{"激励": Reward, "reward": Reward, "惩戒": Punish, " 惩戒措施 ": Punish, "PUNISH": Punish}
	for in, want := range kinds {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, err)
		}
	}
	cats := map[string]Category{"行政性": Administrative, "市场性": Market, "行业性": Industry, "社会性": Social, "market": Market}
	for in, want := range cats {
		if got, err := ParseCategory(in); err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %q, %v", in, got, err)
		}
	}
	modes := map[string]Mode{"强制性": Mandatory, "推荐性": Recommended, "mandatory": Mandatory}
	for in, want := range modes {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, got, err)
		}
	}
	binds := map[string]Bind{"信用主体本身": BindSubject, "subject": BindSubject, "法定代表人": BindRelated,
		"法定代表人、主要负责人、实际控制人、直接责任人": BindRelated, "实际控制人": BindRelated}
	for in, want := range binds {
		if got, err := ParseBind(in); err != nil || got != want {
			t.Errorf("ParseBind(%q) = %q, %v", in, got, err)
		}
	}
	conds := map[string]Condition{"": ConditionList, "clean_3y": ConditionClean3, "连续3年无不良信用记录": ConditionClean3, "连续三年无不良信用记录": ConditionClean3}
	for in, want := range conds {
		if got, err := ParseCondition(in); err != nil || got != want {
			t.Errorf("ParseCondition(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []func() error{
		func() error { _, err := ParseKind("奖惩"); return err },
		func() error { _, err := ParseCategory("道德性"); return err },
		func() error { _, err := ParseMode("自愿"); return err },
		func() error { _, err := ParseBind("邻居"); return err },
		func() error { _, err := ParseCondition("五年无记录"); return err },
	} {
		if err := bad(); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("want KindInvalid, got %v", err)
		}
	}
	// Labels round-trip through Parse.
	for _, k := range []Kind{Reward, Punish} {
		if got, _ := ParseKind(k.Label()); got != k {
			t.Errorf("label round trip %s", k)
		}
	}
	for _, c := range Categories() {
		if got, _ := ParseCategory(c.Label()); got != c {
			t.Errorf("label round trip %s", c)
		}
	}
	for _, m := range []Mode{Mandatory, Recommended} {
		if got, _ := ParseMode(m.Label()); got != m {
			t.Errorf("label round trip %s", m)
		}
	}
	for _, b := range []Bind{BindSubject, BindRelated} {
		if got, _ := ParseBind(b.Label()); got != b {
			t.Errorf("label round trip %s", b)
		}
	}
	if Mandatory.Rank() >= Recommended.Rank() {
		t.Error("mandatory must rank first")
	}
}

func TestScenarioByName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"政府采购", "procurement"},
		{"procurement", "procurement"},
		{" 招标投标 ", "bidding"},
		{"招投标", "bidding"},
		{"公职录用/任职", "employment"},
		{"高消费", "consumption"},
		{"出境", "exit"},
		{"日常监管", "supervision"},
		{"土地供应", "land"},
		{"MARKET_ACCESS", "market_access"},
	}
	for _, tc := range tests {
		sc, ok := ScenarioByName(tc.in)
		if !ok || sc.Code != tc.want {
			t.Errorf("ScenarioByName(%q) = %+v, %v; want %s", tc.in, sc, ok, tc.want)
		}
	}
	if sc, _ := ScenarioByName("政府采购"); sc.Name != "政府采购" {
		t.Errorf("name = %q", sc.Name)
	}
	if _, ok := ScenarioByName("登月"); ok {
		t.Error("unknown scenario found")
	}
	seen := map[string]bool{}
	for _, sc := range Scenarios() {
		if seen[sc.Code] || seen[sc.Name] {
			t.Errorf("duplicate scenario %v", sc)
		}
		seen[sc.Code], seen[sc.Name] = true, true
		if got, ok := ScenarioByName(sc.Name); !ok || got != sc {
			t.Errorf("round trip %v", sc)
		}
	}
	for alias, code := range aliases {
		if !KnownScenario(code) {
			t.Errorf("alias %s points to unknown %s", alias, code)
		}
	}
}

func TestDecode(t *testing.T) {
	ms, err := Decode([]byte(`[{"code":"R-X-001","kind":"激励","category":"市场性","mode":"推荐性","binds":["法定代表人"],"condition":"连续三年无不良信用记录"}]`))
	if err != nil {
		t.Fatal(err)
	}
	m := ms[0]
	if m.Kind != Reward || m.Category != Market || m.Mode != Recommended || m.Binds[0] != BindRelated || m.Condition != ConditionClean3 {
		t.Errorf("decoded %+v", m)
	}
	if _, err := Decode([]byte(`[{"code":"R-X-001","extra":true}]`)); err == nil {
		t.Error("unknown field accepted")
	}
}
