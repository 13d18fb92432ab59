package subject

import (
	"strings"

	"xinyong/internal/errs"
)

// Type is the kind of credit subject (信用主体类型).
type Type string

// The four kinds of credit subject named by SPEC §1.
const (
	TypeLegal              Type = "legal"               // 法人
	TypeUnincorporated     Type = "unincorporated"      // 非法人组织
	TypeIndividualBusiness Type = "individual_business" // 个体工商户
	TypeNatural            Type = "natural"             // 自然人
)

var typeLabels = map[Type]string{
	TypeLegal:              "法人",
	TypeUnincorporated:     "非法人组织",
	TypeIndividualBusiness: "个体工商户",
	TypeNatural:            "自然人",
}

// Types lists the subject types in display order.
func Types() []Type {
	return []Type{TypeLegal, TypeUnincorporated, TypeIndividualBusiness, TypeNatural}
}

// Label returns the Chinese name of the type, or the raw value if unknown.
func (t Type) Label() string {
	if l, ok := typeLabels[t]; ok {
		return l
	}
	return string(t)
}

// Valid reports whether t is one of the defined types.
func (t Type) Valid() bool { _, ok := typeLabels[t]; return ok }

// ParseType accepts the English code or the Chinese label.
func ParseType(s string) (Type, error) {
	s = strings.TrimSpace(s)
	for t, l := range typeLabels {
		if strings.EqualFold(s, string(t)) || s == l {
			return t, nil
		}
	}
	switch s {
	case "法人组织", "法人单位":
		return TypeLegal, nil
	case "个人", "公民":
		return TypeNatural, nil
	case "其他组织":
		return TypeUnincorporated, nil
	}
	return "", errs.Field("subject_type", "未知的主体类型："+s)
}

// IDKind is the kind of identifier (证件类型 / 代码类型).
type IDKind string

// Identifier kinds.
const (
	IDKindUSCC                     IDKind = "uscc"                       // 统一社会信用代码
	IDKindOrgCode                  IDKind = "org_code"                   // 组织机构代码
	IDKindRegNo                    IDKind = "reg_no"                     // 工商注册号 (GS 15-2006)
	IDKindTaxNo                    IDKind = "tax_no"                     // 税务登记号
	IDKindInstitutionCert          IDKind = "institution_cert"           // 事业单位证书号
	IDKindSocialOrgCert            IDKind = "social_org_cert"            // 社会组织登记证号
	IDKindIDCard                   IDKind = "id_card"                    // 居民身份证
	IDKindPassport                 IDKind = "passport"                   // 护照
	IDKindHKMacauPermit            IDKind = "hk_macau_permit"            // 港澳居民来往内地通行证
	IDKindTaiwanPermit             IDKind = "taiwan_permit"              // 台湾居民来往大陆通行证
	IDKindForeignPermanentResident IDKind = "foreign_permanent_resident" // 外国人永久居留身份证
)

var kindLabels = map[IDKind]string{
	IDKindUSCC:                     "统一社会信用代码",
	IDKindOrgCode:                  "组织机构代码",
	IDKindRegNo:                    "工商注册号",
	IDKindTaxNo:                    "税务登记号",
	IDKindInstitutionCert:          "事业单位证书号",
	IDKindSocialOrgCert:            "社会组织登记证号",
	IDKindIDCard:                   "居民身份证",
	IDKindPassport:                 "护照",
	IDKindHKMacauPermit:            "港澳居民来往内地通行证",
	IDKindTaiwanPermit:             "台湾居民来往大陆通行证",
	IDKindForeignPermanentResident: "外国人永久居留身份证",
}

// Common alternative spellings seen in provincial exports.
var kindAliases = map[string]IDKind{
	"统一代码": IDKindUSCC, "社会信用代码": IDKindUSCC, "信用代码": IDKindUSCC,
	"组织代码": IDKindOrgCode, "机构代码": IDKindOrgCode,
	"注册号": IDKindRegNo, "工商注册号码": IDKindRegNo, "营业执照注册号": IDKindRegNo, "营业执照号": IDKindRegNo,
	"税号": IDKindTaxNo, "纳税人识别号": IDKindTaxNo, "税务登记证号": IDKindTaxNo,
	"事业单位法人证书号": IDKindInstitutionCert, "事业单位证书号码": IDKindInstitutionCert, "事业单位登记证号": IDKindInstitutionCert,
	"社会组织登记证书号": IDKindSocialOrgCert, "社会团体登记证号": IDKindSocialOrgCert, "民办非企业单位登记证号": IDKindSocialOrgCert,
	"身份证": IDKindIDCard, "居民身份证号码": IDKindIDCard, "身份证号": IDKindIDCard, "身份证号码": IDKindIDCard,
	"公民身份号码": IDKindIDCard, "二代身份证": IDKindIDCard,
	"普通护照": IDKindPassport, "外国护照": IDKindPassport, "中国护照": IDKindPassport,
	"港澳通行证": IDKindHKMacauPermit, "回乡证": IDKindHKMacauPermit, "港澳居民来往内地通行证号码": IDKindHKMacauPermit,
	"台胞证": IDKindTaiwanPermit, "台湾通行证": IDKindTaiwanPermit, "台湾居民来往大陆通行证号码": IDKindTaiwanPermit,
	"外国人永久居留证": IDKindForeignPermanentResident, "永久居留证": IDKindForeignPermanentResident,
	"永居证": IDKindForeignPermanentResident, "外国人永久居留身份证号码": IDKindForeignPermanentResident,
}

// IDKinds lists the identifier kinds in display order.
func IDKinds() []IDKind {
	return []IDKind{IDKindUSCC, IDKindOrgCode, IDKindRegNo, IDKindTaxNo, IDKindInstitutionCert, IDKindSocialOrgCert,
		IDKindIDCard, IDKindPassport, IDKindHKMacauPermit, IDKindTaiwanPermit, IDKindForeignPermanentResident}
}

// Label returns the Chinese name of the kind, or the raw value if unknown.
func (k IDKind) Label() string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// Valid reports whether k is one of the defined kinds.
func (k IDKind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Personal reports whether the kind identifies a natural person.
func (k IDKind) Personal() bool {
	switch k {
	case IDKindIDCard, IDKindPassport, IDKindHKMacauPermit, IDKindTaiwanPermit, IDKindForeignPermanentResident:
		return true
	}
	return false
}

// ParseIDKind accepts the English code, the Chinese label or a common alias
// (身份证, 居民身份证, 护照, 港澳居民来往内地通行证, 台湾居民来往大陆通行证,
// 外国人永久居留身份证, …).
func ParseIDKind(s string) (IDKind, error) {
	s = strings.TrimSpace(s)
	for k, l := range kindLabels {
		if strings.EqualFold(s, string(k)) || s == l {
			return k, nil
		}
	}
	if k, ok := kindAliases[s]; ok {
		return k, nil
	}
	return "", errs.Field("id_kind", "未知的证件类型："+s)
}
