package subject

import (
	"strings"
	"testing"
)

func TestValidateUSCC(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		ok        bool
		checkOnly bool
		norm      string
		reason    string // substring
		region    string
		typ       Type
	}{
		{name: "standard example (corrected)", in: "91350100M000100Y43", ok: true, norm: "91350100M000100Y43", region: "福建省福州市"},
		{name: "lower case folded", in: "91350100m000100y43", ok: true, norm: "91350100M000100Y43"},
		{name: "full width folded", in: "９１３５０１００Ｍ０００１００Ｙ４３", ok: true, norm: "91350100M000100Y43"},
		{name: "spaces and U+3000 removed", in: " 9135 0100\u3000M000100Y43 ", ok: true, norm: "91350100M000100Y43"},
		{name: "standard's printed example: Z not in charset", in: "91350100M000100Y4Z", reason: "不是统一社会信用代码字符"},
		{name: "letter I not in charset", in: "91350100I000100Y43", reason: "第9位"},
		{name: "wrong check char", in: "91350100M000100Y44", checkOnly: true, reason: "校验位错误，应为 3"},
		{name: "real code reported to fail its checksum", in: "91350211M0000XUF46", checkOnly: true, reason: "应为 R"},
		{name: "wrong embedded org-code check char", in: "91350100M000100Y53", checkOnly: true, reason: "第17位（组织机构代码校验位）错误，应为 4"},
		{name: "too short", in: "91350100M000100Y4", reason: "应为18位，实际为17位"},
		{name: "too long", in: "91350100M000100Y433", reason: "实际为19位"},
		{name: "empty", in: "", reason: "实际为0位"},
		{name: "unknown authority", in: "B1350100M000100Y43", reason: "登记管理部门码"},
		{name: "category not allowed", in: "94350100M000100Y43", reason: "机构类别码"},
		{name: "Y allows only 1", in: "Y2350100M000100Y43", reason: "机构类别码"},
		{name: "region letters", in: "9135A100M000100Y43", reason: "应为数字"},
		{name: "unknown province", in: "91990100M000100Y43", reason: "不属于任何省级行政区"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ValidateUSCC(tt.in)
			if v.OK != tt.ok || v.CheckCharOnly != tt.checkOnly {
				t.Fatalf("OK=%v CheckCharOnly=%v, want %v %v (reason %q)", v.OK, v.CheckCharOnly, tt.ok, tt.checkOnly, v.Reason)
			}
			if v.Kind != IDKindUSCC || v.Input != tt.in {
				t.Errorf("Kind/Input = %q/%q", v.Kind, v.Input)
			}
			if tt.norm != "" && v.Normalized != tt.norm {
				t.Errorf("Normalized = %q, want %q", v.Normalized, tt.norm)
			}
			if tt.ok != (v.Reason == "") {
				t.Errorf("Reason = %q with OK=%v", v.Reason, v.OK)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", v.Reason, tt.reason)
			}
			if tt.region != "" && v.RegionName != tt.region {
				t.Errorf("RegionName = %q, want %q", v.RegionName, tt.region)
			}
		})
	}
}

func TestUSCCCorrectedCheckCharValidates(t *testing.T) {
	// Fixing both check characters as the reasons say yields a valid code.
	first, _ := OrgCodeCheckChar("M000100Y")
	s := "91350100M000100Y" + string(first)
	c, err := USCCCheckChar(s)
	if err != nil {
		t.Fatal(err)
	}
	if v := ValidateUSCC(s + string(c)); !v.OK {
		t.Fatalf("%s%c: %s", s, c, v.Reason)
	}
}

func TestUSCCTypeAndCategory(t *testing.T) {
	tests := []struct {
		first2 string
		typ    Type
		cat    string
	}{
		{"91", "", "企业"},
		{"92", TypeIndividualBusiness, "个体工商户"},
		{"93", TypeLegal, "农民专业合作社"},
		{"12", TypeLegal, "事业单位"},
		{"52", TypeLegal, "民办非企业单位"},
		{"N2", TypeLegal, "村级集体经济组织"},
		{"31", "", "律师执业机构"},
	}
	for _, tt := range tests {
		first17 := tt.first2 + "350100" + "M000100Y4"
		c, err := USCCCheckChar(first17)
		if err != nil {
			t.Fatal(err)
		}
		v := ValidateUSCC(first17 + string(c))
		if !v.OK || v.Type != tt.typ {
			t.Errorf("%s: OK=%v Type=%q, want %q (%s)", tt.first2, v.OK, v.Type, tt.typ, v.Reason)
		}
		if _, cat, ok := USCCCategory(v.Normalized); !ok || cat != tt.cat {
			t.Errorf("%s: category %q, want %q", tt.first2, cat, tt.cat)
		}
	}
	if _, _, ok := USCCCategory("B1"); ok {
		t.Error("USCCCategory(B1) ok")
	}
}

func TestUSCCCentralRegion(t *testing.T) {
	first17 := "11100000" + "00001312" + "7"
	c, _ := USCCCheckChar(first17)
	v := ValidateUSCC(first17 + string(c))
	if !v.OK || v.RegionName != "中央" {
		t.Fatalf("OK=%v RegionName=%q reason=%q", v.OK, v.RegionName, v.Reason)
	}
}

func TestUSCCAbolishedCountyAccepted(t *testing.T) {
	// 440524 (a former county of 汕头) is no longer in the table.
	first17 := "91440524M000100Y4"
	c, _ := USCCCheckChar(first17)
	v := ValidateUSCC(first17 + string(c))
	if !v.OK || v.Region != "440524" || v.RegionName != "广东省汕头市" {
		t.Fatalf("OK=%v Region=%q RegionName=%q reason=%q", v.OK, v.Region, v.RegionName, v.Reason)
	}
}

func TestCheckCharHelpersRejectBadInput(t *testing.T) {
	if _, err := USCCCheckChar("91350100M000100Y"); err == nil {
		t.Error("USCCCheckChar accepted 16 chars")
	}
	if _, err := USCCCheckChar("91350100M000100YI"); err == nil {
		t.Error("USCCCheckChar accepted I")
	}
	if _, err := OrgCodeCheckChar("1234567"); err == nil {
		t.Error("OrgCodeCheckChar accepted 7 chars")
	}
	if _, err := OrgCodeCheckChar("1234567*"); err == nil {
		t.Error("OrgCodeCheckChar accepted *")
	}
	if _, err := IDCardCheckChar("1101051949123100X"); err == nil {
		t.Error("IDCardCheckChar accepted X in the body")
	}
	if _, err := RegNoCheckDigit("3102300017161"); err == nil {
		t.Error("RegNoCheckDigit accepted 13 digits")
	}
}

func TestValidateOrgCode(t *testing.T) {
	tests := []struct {
		in        string
		ok        bool
		checkOnly bool
		norm      string
		reason    string
	}{
		{in: "D2143569-X", ok: true, norm: "D2143569X"},
		{in: "D2143569X", ok: true, norm: "D2143569X"},
		{in: "d2143569-x", ok: true, norm: "D2143569X"},
		{in: "１２３４５６７８－８", ok: true, norm: "123456788"},
		{in: "M000100Y-4", ok: true, norm: "M000100Y4"},
		{in: "12345678-9", checkOnly: true, reason: "校验位错误，应为 8"},
		{in: "D2143569-1", checkOnly: true, reason: "应为 X"},
		{in: "12345678", reason: "应为9位"},
		{in: "1234567*-8", reason: "数字和大写字母"},
		{in: "PDY00001-X", reason: "自定义区"},
	}
	for _, tt := range tests {
		v := ValidateOrgCode(tt.in)
		if v.OK != tt.ok || v.CheckCharOnly != tt.checkOnly || !strings.Contains(v.Reason, tt.reason) {
			t.Errorf("%q: OK=%v CheckCharOnly=%v Reason=%q, want %v %v %q", tt.in, v.OK, v.CheckCharOnly, v.Reason, tt.ok, tt.checkOnly, tt.reason)
		}
		if tt.norm != "" && v.Normalized != tt.norm {
			t.Errorf("%q: Normalized=%q, want %q", tt.in, v.Normalized, tt.norm)
		}
	}
	if got := OrgCodeOfUSCC("91350100m000100y43"); got != "M000100Y4" {
		t.Errorf("OrgCodeOfUSCC = %q", got)
	}
	if got := OrgCodeOfUSCC("913501"); got != "" {
		t.Errorf("OrgCodeOfUSCC(short) = %q", got)
	}
	if got := FormatOrgCode("d2143569x"); got != "D2143569-X" {
		t.Errorf("FormatOrgCode = %q", got)
	}
}

func TestVerdictErr(t *testing.T) {
	if err := ValidateUSCC("91350100M000100Y43").Err("code"); err != nil {
		t.Fatalf("Err on OK verdict = %v", err)
	}
	err := ValidateUSCC("91350100M000100Y44").Err("code")
	if err == nil || !strings.Contains(err.Error(), "code: 校验位错误，应为 3") {
		t.Fatalf("Err = %v", err)
	}
}
