package list

import (
	"strings"
	"testing"
	"time"

	"xinyong/internal/errs"
)

func TestSeedValid(t *testing.T) {
	types := Seed()
	if len(types) < 9 {
		t.Fatalf("seed has %d list types, want at least 9", len(types))
	}
	seen := map[string]bool{}
	for _, ty := range types {
		if err := ty.Validate(); err != nil {
			t.Errorf("%s: %v", ty.Code, err)
		}
		if seen[ty.Code] {
			t.Errorf("duplicate code %s", ty.Code)
		}
		seen[ty.Code] = true
	}
	for _, code := range []string{
		"court_dishonest_debtor", "tax_major_violation", "safety_serious", "market_serious", "labor_wage_arrears",
		"tax_a_grade", "contract_honor", "customs_aeo", "honesty_model",
	} {
		if !seen[code] {
			t.Errorf("seed lacks %s", code)
		}
	}
}

func TestSeedCourtDebtor(t *testing.T) {
	ty, ok := SeedByCode("court_dishonest_debtor")
	if !ok {
		t.Fatal("no court_dishonest_debtor")
	}
	if ty.Name != "失信被执行人" || ty.Kind != Black || ty.IdentifyingDept != "court" {
		t.Errorf("unexpected head: %+v", ty)
	}
	if ty.DefaultMonths != 24 {
		t.Errorf("DefaultMonths = %d, want 24", ty.DefaultMonths)
	}
	if !ty.ExcludeMinors {
		t.Error("minors must be excluded (法释〔2017〕7号 第四条)")
	}
	if len(ty.ExitConditions) != 7 {
		t.Errorf("want the seven deletion conditions of Art. 10, got %d", len(ty.ExitConditions))
	}
	if !strings.Contains(ty.Extension, "一至三年") {
		t.Errorf("extension should mention 一至三年: %q", ty.Extension)
	}
	var art10 bool
	for _, b := range ty.Basis {
		if strings.Contains(b.Document, "法释〔2017〕7号") && b.Article == "第十条" {
			art10 = true
		}
	}
	if !art10 {
		t.Error("basis should cite 法释〔2017〕7号 第十条")
	}
}

func TestSeedIsCopy(t *testing.T) {
	a := Seed()
	a[0].Name = "changed"
	a[0].ExitConditions[0] = "changed"
	b := Seed()
	if b[0].Name == "changed" || b[0].ExitConditions[0] == "changed" {
		t.Error("Seed must return a fresh copy")
	}
}

func validBlack() Type {
	return Type{
		Code: "test_black", Name: "测试黑名单", Kind: Black, Domain: "tax", DomainName: "税务",
		IdentifyingDept: "tax",
		Basis:           []Basis{{Document: "《中华人民共和国税收征收管理法》", Article: "第四十四条"}},
		Criteria:        "测试", DefaultMonths: 36, ExitConditions: []string{"期满移出"}, MonitorMonths: 12,
	}
}

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

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Type)
		field  string // "" = valid
	}{
		{"valid", func(*Type) {}, ""},
		{"bad code upper", func(t *Type) { t.Code = "Bad" }, "code"},
		{"bad code short", func(t *Type) { t.Code = "a" }, "code"},
		{"bad code dash", func(t *Type) { t.Code = "a-b" }, "code"},
		{"empty name", func(t *Type) { t.Name = " " }, "name"},
		{"bad kind", func(t *Type) { t.Kind = "grey" }, "kind"},
		{"bad domain", func(t *Type) { t.Domain = "space" }, "domain"},
		{"wrong domain name", func(t *Type) { t.DomainName = "司法" }, "domain_name"},
		{"unknown dept", func(t *Type) { t.IdentifyingDept = "nasa" }, "identifying_dept"},
		{"black without basis", func(t *Type) { t.Basis = nil }, "basis"},
		{"basis without marks", func(t *Type) { t.Basis = []Basis{{Document: "税收征收管理法"}} }, "basis[0].document"},
		{"negative months", func(t *Type) { t.DefaultMonths = -1 }, "default_months"},
		{"negative monitor", func(t *Type) { t.MonitorMonths = -1 }, "monitor_months"},
		{"negative objection", func(t *Type) { t.ObjectionDays = -1 }, "objection_days"},
		{"no exit", func(t *Type) { t.ExitConditions = nil }, "exit_conditions"},
		{"empty criteria", func(t *Type) { t.Criteria = "" }, "criteria"},
		{"red with monitor", func(t *Type) { t.Kind = Red }, "monitor_months"},
		{"red without basis ok", func(t *Type) { t.Kind = Red; t.MonitorMonths = 0; t.Basis = nil }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ty := validBlack()
			tc.mutate(&ty)
			err := ty.Validate()
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
			if f[tc.field] == "" {
				t.Errorf("want field %s, got %v", tc.field, f)
			}
		})
	}
}

func TestBlackBasisReason(t *testing.T) {
	ty := validBlack()
	ty.Basis = nil
	if got := fieldsOf(ty.Validate())["basis"]; !strings.Contains(got, "依据") {
		t.Errorf("reason = %q", got)
	}
}

func TestParseKind(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
		ok   bool
	}{
		{"red", Red, true}, {"红名单", Red, true}, {" 红榜 ", Red, true},
		{"black", Black, true}, {"黑名单", Black, true}, {"BLACK", Black, true},
		{"灰名单", "", false}, {"", "", false},
	}
	for _, tc := range tests {
		got, err := ParseKind(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseKind(%q) = %q, %v", tc.in, got, err)
		}
	}
	if Red.Label() != "红名单" || Black.Label() != "黑名单" {
		t.Error("labels")
	}
}

func TestBasisString(t *testing.T) {
	b := Basis{
		Document: "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）",
		Article:  "第一条",
		Excerpt:  "被执行人未履行\n生效法律文书确定的义务",
	}
	want := "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）第一条：“被执行人未履行 生效法律文书确定的义务”"
	if got := b.String(); got != want {
		t.Errorf("String() = %q\nwant %q", got, want)
	}
	if got := (Basis{Document: "《中华人民共和国政府采购法》"}).String(); got != "《中华人民共和国政府采购法》" {
		t.Errorf("String() = %q", got)
	}
}

func TestExpiryAndMonitor(t *testing.T) {
	ty, _ := SeedByCode("court_dishonest_debtor")
	d := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	end, ok := ty.Expiry(d)
	if !ok || !end.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Expiry = %v, %v", end, ok)
	}
	m, ok := ty.MonitorUntil(d)
	if !ok || !m.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("MonitorUntil = %v, %v", m, ok)
	}
	aeo, _ := SeedByCode("customs_aeo")
	if _, ok := aeo.Expiry(d); ok {
		t.Error("indefinite list must not expire")
	}
	if _, ok := aeo.MonitorUntil(d); ok {
		t.Error("red list has no monitoring")
	}
}

func TestDecodeRejectsUnknownFields(t *testing.T) {
	if _, err := Decode([]byte(`[{"code":"x_y","bogus":1}]`)); err == nil {
		t.Error("want error for unknown field")
	}
	if _, err := Decode([]byte(`[{"code":"x_y","kind":"紫名单"}]`)); err == nil {
		t.Error("want error for unknown kind")
	}
	ts, err := Decode([]byte(`[{"code":"x_y","kind":"黑名单"}]`))
	if err != nil || ts[0].Kind != Black {
		t.Errorf("Chinese kind: %v %v", ts, err)
	}
}
