package subject

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// RegNoCheckDigit computes the 15th digit of a GS 15-2006 business
// registration number from its first 14 digits (ISO 7064 MOD 11,10).
func RegNoCheckDigit(first14 string) (byte, error) {
	if len(first14) != 14 || !isDigits(first14) {
		return 0, errs.Field("reg_no", "计算校验位需要前14位数字")
	}
	p := 10
	for i := 0; i < 14; i++ {
		s := (p + int(first14[i]-'0')) % 10
		if s == 0 {
			s = 10
		}
		p = s * 2 % 11
	}
	// The check digit c makes (p + c) mod 10 == 1.
	return byte('0' + (11-p)%10), nil
}

// ValidateRegNo checks a 15-digit 工商注册号 (GS 15-2006): 6-digit code of the
// first registration authority (province must exist; "10" is central), an
// 8-digit sequence and a MOD 11,10 check digit.
func ValidateRegNo(s string) Verdict {
	v := newVerdict(IDKindRegNo, s)
	n := v.Normalized
	if len(n) != 15 {
		return v.fail(lengthReason("工商注册号", "15", n))
	}
	if !isDigits(n) {
		return v.fail("工商注册号应全部为数字")
	}
	if !knownProvince(n[:2], true) {
		return v.fail("前6位登记机关代码“" + n[:6] + "”不属于任何省级行政区")
	}
	v.Region, v.RegionName = n[:6], bestRegionName(n[:6])
	if c, _ := RegNoCheckDigit(n[:14]); n[14] != c {
		return v.badCheck("校验位错误，应为 " + string(c))
	}
	return v.ok()
}

// ValidateTaxNo checks a 税务登记号 (taxpayer identification number before the
// USCC). Accepted shapes:
//   - 15 characters: 6-digit region code + 9-character organization code,
//     whose check character is verified;
//   - 18 characters: a unified social credit code or, for individuals, an
//     identity number (verified as such);
//   - 20 characters: an identity number followed by a 2-digit sequence, as
//     commonly issued to individual businesses; checked for format only
//     (this layout is not in our sourced facts).
func ValidateTaxNo(s string, now time.Time) Verdict {
	v := newVerdict(IDKindTaxNo, s)
	n := v.Normalized
	switch len(n) {
	case 15:
		if !isDigits(n[:6]) || !knownProvince(n[:2], false) {
			return v.fail("15位税务登记号前6位应为有效的行政区划代码")
		}
		v.Region, v.RegionName = n[:6], bestRegionName(n[:6])
		org := ValidateOrgCode(n[6:])
		switch {
		case org.OK:
			return v.ok()
		case org.CheckCharOnly:
			return v.badCheck("后9位组织机构代码" + org.Reason)
		default:
			return v.fail("后9位应为组织机构代码：" + org.Reason)
		}
	case 18:
		// Identity numbers never start with 9; USCCs of companies do.
		inner := ValidateUSCC(n)
		if !usable(inner) && isDigits(n[:17]) && n[0] != '9' {
			inner = ValidateIDCard(n, now)
		}
		inner.Kind, inner.Input = IDKindTaxNo, s
		return inner
	case 20:
		if !isUpperAlnum(n) {
			return v.fail("税务登记号只能由数字和大写字母组成")
		}
		if isDigits(n[:6]) {
			v.Region, v.RegionName = n[:6], bestRegionName(n[:6])
		}
		return v.ok()
	}
	return v.fail(lengthReason("税务登记号", "15、18或20", n))
}

// ValidateInstitutionCert checks a 事业单位法人证书号 for format only (no
// national check rule is known): decorations such as "事证第…号" are removed
// and the remaining 6–20 characters must be digits or upper-case letters.
func ValidateInstitutionCert(s string) Verdict {
	v := newVerdict(IDKindInstitutionCert, s)
	n := strings.TrimSuffix(strings.TrimPrefix(v.Normalized, "事证第"), "号")
	n = strings.TrimPrefix(n, "第")
	v.Normalized = n
	if l := len(n); l < 6 || l > 20 || !isUpperAlnum(n) {
		return v.fail("事业单位证书号应为6至20位数字或字母（可带“事证第…号”）")
	}
	return v.ok()
}

// ValidateSocialOrgCert checks a 社会组织登记证号 for format only: such numbers
// carry the issuing authority in Chinese ("京民社证字第0123号"), so any 2–40
// characters of Chinese, letters, digits and brackets with at least one digit
// are accepted.
func ValidateSocialOrgCert(s string) Verdict {
	v := newVerdict(IDKindSocialOrgCert, s)
	n := v.Normalized
	if l := utf8.RuneCountInString(n); l < 2 || l > 40 {
		return v.fail("社会组织登记证号长度应为2至40个字符")
	}
	digit := false
	for _, r := range n {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'A' && r <= 'Z', unicode.Is(unicode.Han, r), strings.ContainsRune("()（）〔〕[]-", r):
		default:
			return v.fail("社会组织登记证号含有无效字符“" + string(r) + "”")
		}
	}
	if !digit {
		return v.fail("社会组织登记证号应包含数字编号")
	}
	return v.ok()
}
