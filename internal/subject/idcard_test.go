package subject

import (
	"strings"
	"testing"
	"time"
)

func TestValidateIDCard(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		ok        bool
		checkOnly bool
		norm      string
		reason    string
		birth     string // YYYY-MM-DD
		region    string
	}{
		{name: "standard sample 1", in: "11010519491231002X", ok: true, norm: "11010519491231002X", birth: "1949-12-31", region: "北京市朝阳区"},
		{name: "standard sample 2 (abolished county)", in: "440524188001010014", ok: true, birth: "1880-01-01", region: "广东省汕头市"},
		{name: "lower-case x folded", in: "11010519491231002x", ok: true, norm: "11010519491231002X"},
		{name: "full width folded", in: "１１０１０５１９４９１２３１００２Ｘ", ok: true, norm: "11010519491231002X"},
		{name: "15-digit upgraded", in: "110105491231002", ok: true, norm: "11010519491231002X", birth: "1949-12-31"},
		{name: "wrong check char", in: "110105194912310021", checkOnly: true, reason: "校验位错误，应为 X"},
		{name: "February 30th", in: "110105194902300020", reason: "“19490230”不是有效日期"},
		{name: "month 13", in: "110105194913010020", reason: "不是有效日期"},
		{name: "future birth date", in: "110105203001010028", reason: "晚于当前日期"},
		{name: "too old", in: "110105170001010020", reason: "早于1850年"},
		{name: "unknown province", in: "990105194912310020", reason: "不属于任何省级行政区"},
		{name: "X inside", in: "1101051949123100XX", reason: "前17位应为数字"},
		{name: "wrong length", in: "1101051949123100", reason: "实际为16位"},
		{name: "15 with letter", in: "11010549123100X", reason: "全部为数字"},
		{name: "15-digit bad date", in: "110105490231002", reason: "不是有效日期"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ValidateIDCard(tt.in, testNow)
			if v.OK != tt.ok || v.CheckCharOnly != tt.checkOnly || !strings.Contains(v.Reason, tt.reason) {
				t.Fatalf("OK=%v CheckCharOnly=%v Reason=%q, want %v %v %q", v.OK, v.CheckCharOnly, v.Reason, tt.ok, tt.checkOnly, tt.reason)
			}
			if v.Kind != IDKindIDCard || v.Type != TypeNatural {
				t.Errorf("Kind=%q Type=%q", v.Kind, v.Type)
			}
			if tt.norm != "" && v.Normalized != tt.norm {
				t.Errorf("Normalized = %q, want %q", v.Normalized, tt.norm)
			}
			if tt.birth != "" && v.BirthDate.Format(time.DateOnly) != tt.birth {
				t.Errorf("BirthDate = %v, want %s", v.BirthDate, tt.birth)
			}
			if tt.region != "" && v.RegionName != tt.region {
				t.Errorf("RegionName = %q, want %q", v.RegionName, tt.region)
			}
		})
	}
}

func TestIDCardBornTodayInShanghai(t *testing.T) {
	// 2026-03-15 20:00 UTC is already 2026-03-16 in China.
	now := time.Date(2026, 3, 15, 20, 0, 0, 0, time.UTC)
	id := GenerateIDCard(newRand(1), "350102", time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), true)
	if v := ValidateIDCard(id, now); !v.OK {
		t.Fatalf("born today rejected: %s", v.Reason)
	}
	if v := ValidateIDCard(id, now.Add(-12*time.Hour)); v.OK {
		t.Fatal("born tomorrow accepted")
	}
	if v := ValidateIDCard(id, time.Time{}); !v.OK {
		t.Fatalf("zero now should skip the future test: %s", v.Reason)
	}
}

func TestIDCardResidencePermit(t *testing.T) {
	// Residence permits of Taiwan residents use address code 830000.
	c, _ := IDCardCheckChar("83000019900101002")
	if v := ValidateIDCard("83000019900101002"+string(c), testNow); !v.OK {
		t.Fatalf("830000 permit rejected: %s", v.Reason)
	}
}

func TestIDCardMale(t *testing.T) {
	for _, tt := range []struct {
		id         string
		male, okay bool
	}{
		{"11010519491231002X", false, true},
		{"440524188001010014", true, true},
		{"110105491231001", true, true},
		{"1101", false, false},
	} {
		male, ok := IDCardMale(tt.id)
		if male != tt.male || ok != tt.okay {
			t.Errorf("IDCardMale(%q) = %v %v", tt.id, male, ok)
		}
	}
}
