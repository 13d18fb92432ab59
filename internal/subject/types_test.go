package subject

import "testing"

func TestParseType(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Type
	}{
		{"legal", TypeLegal}, {"法人", TypeLegal}, {" LEGAL ", TypeLegal},
		{"unincorporated", TypeUnincorporated}, {"非法人组织", TypeUnincorporated},
		{"individual_business", TypeIndividualBusiness}, {"个体工商户", TypeIndividualBusiness},
		{"natural", TypeNatural}, {"自然人", TypeNatural},
	} {
		got, err := ParseType(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseType(%q) = %q, %v", tt.in, got, err)
		}
	}
	if _, err := ParseType("company"); err == nil {
		t.Error("ParseType(company) succeeded")
	}
	for _, ty := range Types() {
		if !ty.Valid() || ty.Label() == string(ty) {
			t.Errorf("%q has no label", ty)
		}
		if back, err := ParseType(ty.Label()); err != nil || back != ty {
			t.Errorf("label round trip of %q failed", ty)
		}
	}
}

func TestParseIDKind(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want IDKind
	}{
		{"uscc", IDKindUSCC}, {"统一社会信用代码", IDKindUSCC},
		{"org_code", IDKindOrgCode}, {"组织机构代码", IDKindOrgCode},
		{"reg_no", IDKindRegNo}, {"工商注册号", IDKindRegNo}, {"注册号", IDKindRegNo},
		{"tax_no", IDKindTaxNo}, {"税务登记号", IDKindTaxNo},
		{"institution_cert", IDKindInstitutionCert}, {"事业单位证书号", IDKindInstitutionCert},
		{"social_org_cert", IDKindSocialOrgCert}, {"社会组织登记证号", IDKindSocialOrgCert},
		{"id_card", IDKindIDCard}, {"身份证", IDKindIDCard}, {"居民身份证", IDKindIDCard},
		{"passport", IDKindPassport}, {"护照", IDKindPassport},
		{"hk_macau_permit", IDKindHKMacauPermit}, {"港澳居民来往内地通行证", IDKindHKMacauPermit},
		{"taiwan_permit", IDKindTaiwanPermit}, {"台湾居民来往大陆通行证", IDKindTaiwanPermit},
		{"foreign_permanent_resident", IDKindForeignPermanentResident},
		{"外国人永久居留身份证", IDKindForeignPermanentResident},
	} {
		got, err := ParseIDKind(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseIDKind(%q) = %q, %v", tt.in, got, err)
		}
	}
	if _, err := ParseIDKind("驾驶证"); err == nil {
		t.Error("ParseIDKind(驾驶证) succeeded")
	}
	for _, k := range IDKinds() {
		if !k.Valid() || k.Label() == string(k) {
			t.Errorf("%q has no label", k)
		}
	}
	if !IDKindPassport.Personal() || IDKindUSCC.Personal() {
		t.Error("Personal() wrong")
	}
}
