package subject

import (
	"strings"
	"testing"
	"time"
)

func TestPersonalDocuments(t *testing.T) {
	tests := []struct {
		kind      IDKind
		in        string
		ok        bool
		checkOnly bool
		norm      string
	}{
		{IDKindPassport, "E12345678", true, false, "E12345678"},
		{IDKindPassport, "ea1234567", true, false, "EA1234567"},
		{IDKindPassport, "G12345678", true, false, ""},
		{IDKindPassport, "X1234567", true, false, ""}, // foreign
		{IDKindPassport, "ABCDEFGH", false, false, ""},
		{IDKindPassport, "E123", false, false, ""},
		{IDKindPassport, "E1234-5678", false, false, ""},
		{IDKindHKMacauPermit, "H12345678", true, false, ""},
		{IDKindHKMacauPermit, "m1234567890", true, false, "M1234567890"},
		{IDKindHKMacauPermit, "K12345678", false, false, ""},
		{IDKindHKMacauPermit, "H1234567", false, false, ""},
		{IDKindTaiwanPermit, "12345678", true, false, ""},
		{IDKindTaiwanPermit, "1234567890", true, false, ""},
		{IDKindTaiwanPermit, "1234567890（B）", true, false, "1234567890(B)"},
		{IDKindTaiwanPermit, "1234567", false, false, ""},
		{IDKindForeignPermanentResident, "911840198001010013", true, false, ""},
		{IDKindForeignPermanentResident, "911840198001010014", false, true, ""},
		{IDKindForeignPermanentResident, "991840198001010013", false, false, ""}, // province 99
		{IDKindForeignPermanentResident, "911840198002300013", false, false, ""}, // Feb 30
		{IDKindForeignPermanentResident, "usa310080010112", true, false, "USA310080010112"},
		{IDKindForeignPermanentResident, "USA310080013212", false, false, ""}, // day 32
		{IDKindForeignPermanentResident, "US3100800101122", false, false, ""},
	}
	for _, tt := range tests {
		v := ValidateDocument(tt.kind, tt.in, testNow)
		if v.OK != tt.ok || v.CheckCharOnly != tt.checkOnly {
			t.Errorf("%s %q: OK=%v CheckCharOnly=%v Reason=%q", tt.kind, tt.in, v.OK, v.CheckCharOnly, v.Reason)
		}
		if v.Kind != tt.kind || v.Type != TypeNatural {
			t.Errorf("%s %q: Kind=%q Type=%q", tt.kind, tt.in, v.Kind, v.Type)
		}
		if tt.norm != "" && v.Normalized != tt.norm {
			t.Errorf("%s %q: Normalized=%q, want %q", tt.kind, tt.in, v.Normalized, tt.norm)
		}
	}
	v := ValidateDocument(IDKindForeignPermanentResident, "USA310080010112", testNow)
	if v.BirthDate.Format(time.DateOnly) != "1980-01-01" || v.RegionName != "上海市" {
		t.Errorf("old permit: BirthDate=%v RegionName=%q", v.BirthDate, v.RegionName)
	}
	v = ValidateDocument(IDKindForeignPermanentResident, "USA310010010112", testNow)
	if v.BirthDate.Format(time.DateOnly) != "2010-01-01" {
		t.Errorf("old permit century: BirthDate=%v", v.BirthDate)
	}
}

func TestValidateDocumentDispatch(t *testing.T) {
	for _, k := range IDKinds() {
		if v := ValidateDocument(k, "", testNow); v.Kind != k || v.OK {
			t.Errorf("%s: Kind=%q OK=%v", k, v.Kind, v.OK)
		}
	}
	v := ValidateDocument("driving_licence", "123", testNow)
	if v.OK || !strings.Contains(v.Reason, "未知的证件类型") {
		t.Errorf("unknown kind: %+v", v)
	}
}

func TestIdentify(t *testing.T) {
	tests := []struct {
		in   string
		kind IDKind
		ok   bool
		norm string
	}{
		{"91350100M000100Y43", IDKindUSCC, true, ""},
		{"91350100M000100Y44", IDKindUSCC, false, ""},
		{"12100000400000398M", IDKindUSCC, false, ""}, // shape wins even when invalid
		{"11010519491231002X", IDKindIDCard, true, ""},
		{"110105194912310021", IDKindIDCard, false, ""}, // check char only
		{"110105491231002", IDKindIDCard, true, "11010519491231002X"},
		{"310230001716146", IDKindRegNo, true, ""}, // date 1900-17-16 is impossible
		{"911840198001010013", IDKindForeignPermanentResident, true, ""},
		{"USA310080010112", IDKindForeignPermanentResident, true, ""},
		{"D2143569-X", IDKindOrgCode, true, "D2143569X"},
		{"d2143569x", IDKindOrgCode, true, "D2143569X"},
		{"H12345678", IDKindHKMacauPermit, true, ""},
		{"E12345678", IDKindPassport, true, ""},
		{"12345678", IDKindTaiwanPermit, true, ""},
		{"350102D2143569X", IDKindTaxNo, true, ""},
		{"11010519491231002X01", IDKindTaxNo, true, ""},
		{"hello", "", false, ""},
		{"", "", false, ""},
	}
	for _, tt := range tests {
		v := Identify(tt.in, testNow)
		if v.Kind != tt.kind || v.OK != tt.ok {
			t.Errorf("Identify(%q) = %q OK=%v (%s), want %q OK=%v", tt.in, v.Kind, v.OK, v.Reason, tt.kind, tt.ok)
		}
		if tt.norm != "" && v.Normalized != tt.norm {
			t.Errorf("Identify(%q).Normalized = %q, want %q", tt.in, v.Normalized, tt.norm)
		}
		if v.Input != tt.in {
			t.Errorf("Identify(%q).Input = %q", tt.in, v.Input)
		}
	}
}
