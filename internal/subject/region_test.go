package subject

import (
	"sort"
	"testing"
)

func TestLookupRegion(t *testing.T) {
	for _, tt := range []struct{ code, name, full string }{
		{"110101", "东城区", "北京市东城区"},
		{"440305", "南山区", "广东省深圳市南山区"},
		{"310115", "浦东新区", "上海市浦东新区"},
		{"350100", "福州市", "福建省福州市"},
		{"350000", "福建省", "福建省"},
		{"429004", "仙桃市", "湖北省仙桃市"},             // county-level city under the province
		{"500229", "城口县", "重庆市城口县"},             // county under a municipality
		{"652901", "阿克苏市", "新疆维吾尔自治区阿克苏地区阿克苏市"}, // prefecture named 地区
		{"810000", "香港特别行政区", "香港特别行政区"},
	} {
		r, ok := LookupRegion(tt.code)
		if !ok || r.Name != tt.name || r.Code != tt.code {
			t.Errorf("LookupRegion(%s) = %+v %v, want %s", tt.code, r, ok, tt.name)
		}
		if got := FullRegionName(tt.code); got != tt.full {
			t.Errorf("FullRegionName(%s) = %q, want %q", tt.code, got, tt.full)
		}
	}
	for _, code := range []string{"", "1101", "110100", "440524", "999999", "abcdef"} {
		if _, ok := LookupRegion(code); ok {
			t.Errorf("LookupRegion(%q) found", code)
		}
		if got := FullRegionName(code); got != "" {
			t.Errorf("FullRegionName(%q) = %q", code, got)
		}
	}
}

func TestProvinceOf(t *testing.T) {
	if p, ok := ProvinceOf("440305"); !ok || p.Code != "440000" || p.Name != "广东省" {
		t.Errorf("ProvinceOf(440305) = %+v %v", p, ok)
	}
	if p, ok := ProvinceOf("440524"); !ok || p.Name != "广东省" {
		t.Errorf("ProvinceOf(abolished) = %+v %v", p, ok)
	}
	for _, code := range []string{"", "9", "990000", "x10000"} {
		if _, ok := ProvinceOf(code); ok {
			t.Errorf("ProvinceOf(%q) found", code)
		}
	}
}

func TestRegionsTable(t *testing.T) {
	rs := Regions()
	if len(rs) != 3212 {
		t.Errorf("len(Regions()) = %d, want 3212", len(rs))
	}
	if !sort.SliceIsSorted(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code }) {
		t.Error("Regions() not sorted")
	}
	provinces := 0
	seen := map[string]bool{}
	for _, r := range rs {
		if seen[r.Code] {
			t.Errorf("duplicate code %s", r.Code)
		}
		seen[r.Code] = true
		if r.Code[2:] == "0000" {
			provinces++
		}
		if _, ok := ProvinceOf(r.Code); !ok {
			t.Errorf("%s %s has no province", r.Code, r.Name)
		}
	}
	if provinces != 34 {
		t.Errorf("%d provinces, want 34", provinces)
	}
	rs[0].Name = "changed"
	if r, _ := LookupRegion(rs[0].Code); r.Name == "changed" {
		t.Error("Regions() exposes the table")
	}
}
