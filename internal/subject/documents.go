package subject

import (
	"regexp"
	"time"
)

// Formats of personal documents other than the identity card. domain-facts
// §1.6 gives none, so these are the commonly published formats:
//
//   - passport: Chinese ordinary passports are E+8 digits, E+letter+7 digits
//     (since 2017) or G+8 digits; foreign passports vary, so any 5–17 letters
//     and digits with at least one digit are accepted;
//   - 港澳居民来往内地通行证: H (Hong Kong) or M (Macao) + 8 digits, older
//     cards + 10 digits;
//   - 台湾居民来往大陆通行证: 8 digits (card since 2015), older booklets 10
//     digits, optionally followed by a letter (often written in brackets);
//   - 外国人永久居留身份证: 2017/2023 cards carry 18 characters, "9" + 2-digit
//     province + 3-digit nationality + 8-digit birth date + 3-digit sequence +
//     GB 11643 check character (verified); 2004 cards carry 15 characters,
//     ISO 3166 alpha-3 nationality + 4-digit issuing region + 6-digit birth
//     date (YYMMDD) + 2 digits, checked for format and birth date only.
var (
	reCNPassport    = regexp.MustCompile(`^(E[0-9A-HJ-NP-Z][0-9]{7}|[EG][0-9]{8})$`)
	rePassport      = regexp.MustCompile(`^[A-Z0-9]{5,17}$`)
	reHKMacauPermit = regexp.MustCompile(`^[HM]([0-9]{8}|[0-9]{10})$`)
	reTaiwanPermit  = regexp.MustCompile(`^([0-9]{8}|[0-9]{10}(\([A-Z]\)|[A-Z])?)$`)
	reForeignPROld  = regexp.MustCompile(`^[A-Z]{3}[0-9]{12}$`)
	reForeignPRNew  = regexp.MustCompile(`^9[0-9]{16}[0-9X]$`)
	reHasDigit      = regexp.MustCompile(`[0-9]`)
	reOrgCodeShape  = regexp.MustCompile(`^[0-9A-Z]{8}-?[0-9A-Z]$`)
)

// ValidatePassport checks a passport number by format (see the list above).
func ValidatePassport(s string) Verdict {
	v := newVerdict(IDKindPassport, s)
	v.Type = TypeNatural
	if !rePassport.MatchString(v.Normalized) || !reHasDigit.MatchString(v.Normalized) {
		return v.fail("护照号码应为5至17位字母和数字")
	}
	return v.ok()
}

// ValidateHKMacauPermit checks a 港澳居民来往内地通行证 number by format.
func ValidateHKMacauPermit(s string) Verdict {
	v := newVerdict(IDKindHKMacauPermit, s)
	v.Type = TypeNatural
	if !reHKMacauPermit.MatchString(v.Normalized) {
		return v.fail("港澳居民来往内地通行证号码应为H或M开头加8位（旧版10位）数字")
	}
	return v.ok()
}

// ValidateTaiwanPermit checks a 台湾居民来往大陆通行证 number by format.
func ValidateTaiwanPermit(s string) Verdict {
	v := newVerdict(IDKindTaiwanPermit, s)
	v.Type = TypeNatural
	if !reTaiwanPermit.MatchString(v.Normalized) {
		return v.fail("台湾居民来往大陆通行证号码应为8位数字（旧版10位数字，可带字母）")
	}
	return v.ok()
}

// ValidateForeignPermanentResident checks a 外国人永久居留身份证 number.
func ValidateForeignPermanentResident(s string, now time.Time) Verdict {
	v := newVerdict(IDKindForeignPermanentResident, s)
	v.Type = TypeNatural
	n := v.Normalized
	switch {
	case reForeignPRNew.MatchString(n):
		if !knownProvince(n[1:3], false) {
			return v.fail("第2-3位受理地代码“" + n[1:3] + "”不是有效的省级行政区")
		}
		v.Region, v.RegionName = n[1:3]+"0000", bestRegionName(n[1:3]+"0000")
		d, reason := parseBirth(n[6:14], now)
		if reason != "" {
			return v.fail(reason)
		}
		v.BirthDate = d
		if c, _ := IDCardCheckChar(n[:17]); n[17] != c {
			return v.badCheck("校验位错误，应为 " + string(c))
		}
		return v.ok()
	case reForeignPROld.MatchString(n):
		if knownProvince(n[3:5], false) {
			v.Region, v.RegionName = n[3:5]+"0000", bestRegionName(n[3:5]+"0000")
		}
		// YYMMDD: take the century that gives a date not after now.
		for _, century := range []string{"20", "19"} {
			if d, reason := parseBirth(century+n[7:13], now); reason == "" {
				v.BirthDate = d
				return v.ok()
			}
		}
		return v.fail("出生日期“" + n[7:13] + "”不是有效日期")
	}
	return v.fail("外国人永久居留身份证号码应为18位（9开头）或15位（3位国籍字母加12位数字）")
}

// ValidateDocument validates s as the given kind of identifier.
func ValidateDocument(kind IDKind, s string, now time.Time) Verdict {
	switch kind {
	case IDKindUSCC:
		return ValidateUSCC(s)
	case IDKindOrgCode:
		return ValidateOrgCode(s)
	case IDKindRegNo:
		return ValidateRegNo(s)
	case IDKindTaxNo:
		return ValidateTaxNo(s, now)
	case IDKindInstitutionCert:
		return ValidateInstitutionCert(s)
	case IDKindSocialOrgCert:
		return ValidateSocialOrgCert(s)
	case IDKindIDCard:
		return ValidateIDCard(s, now)
	case IDKindPassport:
		return ValidatePassport(s)
	case IDKindHKMacauPermit:
		return ValidateHKMacauPermit(s)
	case IDKindTaiwanPermit:
		return ValidateTaiwanPermit(s)
	case IDKindForeignPermanentResident:
		return ValidateForeignPermanentResident(s, now)
	}
	v := newVerdict(kind, s)
	return v.fail("未知的证件类型：" + string(kind))
}

// usable reports whether a verdict is a confident guess of the kind.
func usable(v Verdict) bool { return v.OK || v.CheckCharOnly }

// Identify guesses the kind of an identifier from its shape and validates it
// as that kind. Ambiguous shapes are resolved by which reading validates:
//   - 18 characters: an identity number (digits, birth date) or a USCC;
//     "9"-initial all-digit codes are tried as USCC, then as a new foreign
//     permanent residence number;
//   - 15 digits: a first-generation identity number if its address and birth
//     date are valid, else a registration number;
//   - H/M + 8 or 10 digits: 港澳通行证; E/G Chinese passport shapes: passport;
//   - 9 characters (or 8 + "-" + 1): organization code;
//   - 8 or 10 digits: 台湾通行证; 20 characters: tax number;
//   - 15 characters of 3 letters + 12 digits: old foreign permanent residence.
//
// A shape that fits nothing yields a Verdict with an empty Kind.
func Identify(s string, now time.Time) Verdict {
	n := clean(s)
	switch {
	case len(n) == 18:
		digits := isDigits(n[:17]) && (n[17] == 'X' || n[17] >= '0' && n[17] <= '9')
		if n[0] == '9' {
			u := ValidateUSCC(s)
			if u.OK {
				return u
			}
			if f := ValidateForeignPermanentResident(s, now); digits && usable(f) {
				return f
			}
			return u
		}
		if digits {
			if id := ValidateIDCard(s, now); usable(id) {
				return id
			} else if u := ValidateUSCC(s); usable(u) {
				return u
			} else {
				return id
			}
		}
		return ValidateUSCC(s)
	case len(n) == 15 && isDigits(n):
		if id := ValidateIDCard(s, now); id.OK {
			return id
		}
		return ValidateRegNo(s)
	case reForeignPROld.MatchString(n):
		return ValidateForeignPermanentResident(s, now)
	case reHKMacauPermit.MatchString(n):
		return ValidateHKMacauPermit(s)
	case reCNPassport.MatchString(n):
		return ValidatePassport(s)
	case reOrgCodeShape.MatchString(n):
		return ValidateOrgCode(s)
	case reTaiwanPermit.MatchString(n):
		return ValidateTaiwanPermit(s)
	case len(n) == 15 || len(n) == 20:
		return ValidateTaxNo(s, now)
	}
	v := Verdict{Input: s, Normalized: n}
	return v.fail("无法识别的证件号码")
}
