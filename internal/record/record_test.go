package record

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/calendar"
	"xinyong/internal/catalog"
	"xinyong/internal/publicity"
)

func row(t *testing.T, ty *catalog.Type, v map[string]string) catalog.Row {
	t.Helper()
	r, problems := ty.ValidateRow(v)
	if len(problems) > 0 {
		t.Fatalf("row invalid: %v", problems)
	}
	return r
}

func penalty(cat, decided, until string) map[string]string {
	m := map[string]string{
		"CF_XDR_MC": "甲公司", "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": "91350100M000100Y43", "CF_WSH": "罚1",
		"CF_WFXW": "x", "CF_SY": "x", "CF_YJ": "x", "CF_CFLB": cat, "CF_NR": "x", "CF_NR_FK": "0.5", "CF_JDRQ": decided, "CF_YXQ": "2030-01-01",
		"CF_CFJG": "x", "CF_CFJGDM": "11350100MB0000000X", "CF_SJLY": "x", "CF_SJLYDM": "11350100MB0000000X",
	}
	if cat == "吊销许可证件" {
		delete(m, "CF_NR_FK")
		m["CF_NR_ZKDX"] = "许可证"
	}
	if until != "" {
		m["CF_GSJZQ"] = until
	}
	return m
}

func TestBuildWindows(t *testing.T) {
	ty, _ := catalog.Seed().Lookup("penalty")
	env := Env{Calendar: calendar.Seeded(), Rules: publicity.DefaultRules()}
	for _, c := range []struct {
		name, cat, decided, until string
		min, max                  string
		warn                      bool
	}{
		{"general 2019 rules", "警告;罚款", "2024-03-01", "", "2024-06-01", "2025-03-01", false},
		{"serious 2025 rules", "吊销许可证件", "2025-07-01", "", "2026-07-01", "2028-07-01", false},
		{"minor before 2025 falls back to general", "警告", "2024-03-01", "", "2024-06-01", "2025-03-01", false},
		{"minor 2025", "警告", "2025-07-01", "", "2025-07-01", "2025-10-01", false},
		{"requested end inside window", "警告;罚款", "2024-03-01", "2024-09-01", "2024-06-01", "2024-09-01", false},
		{"requested end beyond max is clamped", "警告;罚款", "2024-03-01", "2027-01-01", "2024-06-01", "2025-03-01", true},
	} {
		d := Build(ty, row(t, ty, penalty(c.cat, c.decided, c.until)), env)
		if d.PublicityMinEnd != c.min || d.PublicityEnd != c.max || (len(d.Warnings) > 0) != c.warn {
			t.Errorf("%s: window %s..%s warnings %v", c.name, d.PublicityMinEnd, d.PublicityEnd, d.Warnings)
		}
	}
}

func TestCanonicalIgnoresOrderAndSpelling(t *testing.T) {
	ty, _ := catalog.Seed().Lookup("penalty")
	a := penalty("警告;罚款", "2024-03-01", "")
	b := penalty("罚款、警告", "2024/03/01", "")
	b["行政处罚决定书文号"] = b["CF_WSH"]
	delete(b, "CF_WSH")
	ca, ha := Canonical(row(t, ty, a).Values())
	cb, hb := Canonical(row(t, ty, b).Values())
	if ha != hb || ca != cb {
		t.Errorf("same content, different hashes:\n%s\n%s", ca, cb)
	}
	if got := ParseContent(ca); got["CF_JDRQ"] != "2024-03-01" {
		t.Errorf("content round trip: %v", got)
	}
}

func TestPublicFieldsAndVisibility(t *testing.T) {
	ty, _ := catalog.Seed().Lookup("penalty")
	content := map[string]string{"CF_XDR_MC": "李小明", "CF_XDR_ZJHM": "11010519491231002X", "CF_WSH": "罚1", "CF_FR_ZJHM": "11010519491231002X"}
	got := PublicFields(ty, content, true, func(s string) string { return "MASKED" })
	want := []Field{{Code: "CF_XDR_MC", Name: "行政相对人名称", Value: "李**"}, {Code: "CF_WSH", Name: "行政处罚决定书文号", Value: "罚1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("public fields (-want +got):\n%s", diff)
	}
	r := Record{State: Published, IsCurrent: true, Disclosure: catalog.DisclosurePublic, DecisionDate: "2024-03-01", PublicityEnd: "2025-03-01"}
	for asOf, want := range map[string]bool{"2024-02-29": false, "2024-03-01": true, "2025-03-01": true, "2025-03-02": false} {
		if r.PublicAt(asOf) != want {
			t.Errorf("PublicAt(%s) = %v", asOf, !want)
		}
	}
	r.State = Revoked
	if r.PublicAt("2024-06-01") {
		t.Error("revoked record public")
	}
}

func TestLateness(t *testing.T) {
	ty, _ := catalog.Seed().Lookup("penalty")
	cal := calendar.Seeded()
	// Decision Fri 2024-09-27: deadline 2024-10-12 (国庆 not counted).
	for pub, want := range map[string]int{"2024-10-12": 0, "2024-10-14": 1, "2024-10-16": 3} {
		if got := Lateness(ty, cal, "2024-09-27", pub); got != want {
			t.Errorf("Lateness(%s) = %d, want %d", pub, got, want)
		}
	}
	award, _ := catalog.Seed().Lookup("award")
	if Lateness(award, cal, "2024-01-01", "2024-12-31") != 0 {
		t.Error("lateness applied to a type without 双公示 deadline")
	}
}

// Build takes the keys in the type's sorted field order instead of sorting
// each row's: the content and hash must be Canonical's, also for keys
// outside the type.
func TestCanonicalOfMatchesCanonical(t *testing.T) {
	ty, _ := catalog.Seed().Lookup("penalty")
	codes := ty.SortedCodes()
	for _, v := range []map[string]string{
		{},
		row(t, ty, penalty("警告;罚款", "2024-03-01", "")).Values(),
		row(t, ty, penalty("吊销许可证件", "2024-03-01", "2024-09-01")).Values(),
		{"CF_WSH": "罚<1>\"&\\", "CF_NR": "a\nb"},
	} {
		vals, ok := aligned(codes, v)
		if !ok {
			t.Fatalf("aligned(%v) failed", v)
		}
		compact, h1 := canonicalOf(codes, vals)
		c2, h2 := Canonical(v)
		if h1 != h2 {
			t.Errorf("canonicalOf differs from Canonical:\n%s %s\n%s %s", compact, h1, c2, h2)
		}
		if want, ok := Compact(codes, v); compact != want || !ok {
			t.Errorf("canonicalOf compact %q, Compact %q %v", compact, want, ok)
		}
	}
	for _, p := range []map[string]string{penalty("警告;罚款", "2024-03-01", ""), penalty("吊销许可证件", "2024-03-01", "2024-09-01")} {
		r := row(t, ty, p)
		want, _ := Compact(codes, r.Values())
		_, hash := Canonical(r.Values())
		if d := Build(ty, r, Env{}); d.ContentHash != hash || d.Compact != want || d.Content != "" {
			t.Errorf("Build: %q %s, want %s %s", d.Content, d.Compact, want, hash)
		}
	}
	if _, ok := aligned(codes, map[string]string{"CF_WSH": "罚1", "ZZ_OTHER": "x"}); ok {
		t.Error("a key outside the codes aligned")
	}
}

func TestCompactContentRoundTrip(t *testing.T) {
	codes := []string{"A", "B", "C", "D", "E"}
	get := func() ([]string, error) { return codes, nil }
	for _, c := range []struct {
		values map[string]string
		want   string
	}{
		{map[string]string{}, `[]`},
		{map[string]string{"A": "甲", "B": "乙", "C": "丙", "D": "丁", "E": "戊"}, `["甲","乙","丙","丁","戊"]`},
		{map[string]string{"C": "x"}, `[0,0,"x"]`},
		{map[string]string{"A": "a", "E": "e"}, `["a",0,0,0,"e"]`},
		{map[string]string{"B": "0", "D": "\"<&>\\\n"}, `[0,"0",0,"\"\u003c\u0026\u003e\\\n"]`},
	} {
		got, ok := Compact(codes, c.values)
		if !ok || got != c.want {
			t.Errorf("Compact(%v) = %s, %v; want %s", c.values, got, ok, c.want)
			continue
		}
		back, err := DecodeContent(got, get)
		if err != nil || !cmp.Equal(back, c.values) {
			t.Errorf("DecodeContent(%s) = %v, %v; want %v", got, back, err, c.values)
		}
	}
	if _, ok := Compact(codes, map[string]string{"A": "a", "Z": "z"}); ok {
		t.Error("a key outside the codes must not be stored compact")
	}
	// Canonical content decodes without the codes.
	canon, _ := Canonical(map[string]string{"A": "a"})
	if m, err := DecodeContent(canon, func() ([]string, error) { t.Fatal("codes asked for canonical content"); return nil, nil }); err != nil || m["A"] != "a" {
		t.Errorf("canonical: %v, %v", m, err)
	}
	for _, bad := range []string{`["a","b","c","d","e","f"]`, `[1]`, `[true]`, `["a"`} {
		if _, err := DecodeContent(bad, get); err == nil {
			t.Errorf("DecodeContent(%s): no error", bad)
		}
	}
}
