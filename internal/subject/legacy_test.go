package subject

import (
	"strings"
	"testing"
)

func TestValidateRegNo(t *testing.T) {
	tests := []struct {
		in        string
		ok        bool
		checkOnly bool
		reason    string
	}{
		// Vectors from wenerme/go-gb gs15 tests.
		{in: "310230001716146", ok: true},
		{in: "310230001716154", ok: true},
		{in: "110108000000016", ok: true},
		{in: "１１０１０８０００００００１６", ok: true},
		{in: "310230001716147", checkOnly: true, reason: "校验位错误，应为 6"},
		{in: "31023000171614", reason: "应为15位"},
		{in: "31023000171614A", reason: "全部为数字"},
		{in: "990230001716146", reason: "不属于任何省级行政区"},
	}
	for _, tt := range tests {
		v := ValidateRegNo(tt.in)
		if v.OK != tt.ok || v.CheckCharOnly != tt.checkOnly || !strings.Contains(v.Reason, tt.reason) {
			t.Errorf("%q: OK=%v CheckCharOnly=%v Reason=%q", tt.in, v.OK, v.CheckCharOnly, v.Reason)
		}
	}
	if v := ValidateRegNo("110108000000016"); v.RegionName != "北京市海淀区" {
		t.Errorf("RegionName = %q", v.RegionName)
	}
}

func TestValidateTaxNo(t *testing.T) {
	tests := []struct {
		in        string
		ok        bool
		checkOnly bool
		reason    string
	}{
		{in: "350102D2143569X", ok: true},
		{in: "350102D21435691", checkOnly: true, reason: "应为 X"},
		{in: "990102D2143569X", reason: "行政区划代码"},
		{in: "350102D2143*69X", reason: "组织机构代码"},
		{in: "91350100M000100Y43", ok: true},
		{in: "91350100M000100Y44", checkOnly: true},
		{in: "11010519491231002X", ok: true},
		{in: "11010519491231002X01", ok: true},
		{in: "11010519491231002X0*", reason: "数字和大写字母"},
		{in: "1234", reason: "应为15、18或20位"},
	}
	for _, tt := range tests {
		v := ValidateTaxNo(tt.in, testNow)
		if v.OK != tt.ok || v.CheckCharOnly != tt.checkOnly || !strings.Contains(v.Reason, tt.reason) {
			t.Errorf("%q: OK=%v CheckCharOnly=%v Reason=%q", tt.in, v.OK, v.CheckCharOnly, v.Reason)
		}
		if v.Kind != IDKindTaxNo || v.Input != tt.in {
			t.Errorf("%q: Kind=%q Input=%q", tt.in, v.Kind, v.Input)
		}
	}
}

func TestValidateCertificates(t *testing.T) {
	for _, tt := range []struct {
		kind IDKind
		in   string
		ok   bool
		norm string
	}{
		{IDKindInstitutionCert, "事证第110000001234号", true, "110000001234"},
		{IDKindInstitutionCert, "135010000123", true, "135010000123"},
		{IDKindInstitutionCert, "12345", false, ""},
		{IDKindSocialOrgCert, "京民社证字第0123号", true, "京民社证字第0123号"},
		{IDKindSocialOrgCert, "民证字 第 0001 号", true, "民证字第0001号"},
		{IDKindSocialOrgCert, "民证字第号", false, ""},
		{IDKindSocialOrgCert, "民证字#0001", false, ""},
	} {
		v := ValidateDocument(tt.kind, tt.in, testNow)
		if v.OK != tt.ok || (tt.norm != "" && v.Normalized != tt.norm) {
			t.Errorf("%s %q: OK=%v Normalized=%q Reason=%q", tt.kind, tt.in, v.OK, v.Normalized, v.Reason)
		}
	}
}
