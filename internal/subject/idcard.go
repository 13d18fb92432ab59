package subject

import (
	"time"

	"xinyong/internal/errs"
)

// idWeights are 2^(17-i) mod 11 for i = 1..17 (GB 11643, ISO 7064 MOD 11-2).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// minBirthYear bounds plausible birth years (the standard's own sample is 1880).
const minBirthYear = 1850

// IDCardCheckChar computes the 18th character of a citizen identity number
// from its first 17 digits.
func IDCardCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || !isDigits(first17) {
		return 0, errs.Field("id_number", "计算校验位需要前17位数字")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11], nil
}

// ValidateIDCard checks a citizen identity number (GB 11643-1999): 18 digits
// with a MOD 11-2 check character (X upper-case), an address code whose first
// two digits are a province (81/82/83 cover the residence permits of Hong
// Kong, Macao and Taiwan residents, which use the same scheme), and a real
// birth date not after now (in China Standard Time; a zero now skips that
// test). A 15-digit first-generation number is upgraded: "19" is inserted
// before the birth date and the check character appended, in Normalized.
func ValidateIDCard(s string, now time.Time) Verdict {
	v := newVerdict(IDKindIDCard, s)
	v.Type = TypeNatural
	n := v.Normalized
	old := false
	switch len(n) {
	case 18:
		if !isDigits(n[:17]) || !(n[17] == 'X' || n[17] >= '0' && n[17] <= '9') {
			return v.fail("居民身份证号码前17位应为数字，最后一位为数字或X")
		}
	case 15:
		if !isDigits(n) {
			return v.fail("15位居民身份证号码应全部为数字")
		}
		old = true
		n = n[:6] + "19" + n[6:]
	default:
		return v.fail(lengthReason("居民身份证号码", "18（旧版15）", n))
	}
	v, ok := checkAddressAndBirth(v, n[:6], n[6:14], now, idResidencePrefixes)
	if !ok {
		return v
	}
	if old {
		c, _ := IDCardCheckChar(n[:17])
		v.Normalized = n[:17] + string(c)
		return v.ok()
	}
	if c, _ := IDCardCheckChar(n[:17]); n[17] != c {
		return v.badCheck("校验位错误，应为 " + string(c))
	}
	return v.ok()
}

// idResidencePrefixes are address prefixes outside the region table that
// identity-style numbers use: 83 for Taiwan residents' residence permits
// (81 and 82 are in the table).
var idResidencePrefixes = map[string]bool{"83": true}

// checkAddressAndBirth validates a 6-digit address code and an 8-digit
// YYYYMMDD birth date and records them in v. ok is false when v has failed.
func checkAddressAndBirth(v Verdict, addr, birth string, now time.Time, extra map[string]bool) (Verdict, bool) {
	if !knownProvince(addr[:2], false) && !extra[addr[:2]] {
		return v.fail("地址码“" + addr + "”不属于任何省级行政区"), false
	}
	v.Region, v.RegionName = addr, bestRegionName(addr)
	d, reason := parseBirth(birth, now)
	if reason != "" {
		return v.fail(reason), false
	}
	v.BirthDate = d
	return v, true
}

// parseBirth parses YYYYMMDD as a real calendar date in China Standard Time
// that is neither before minBirthYear nor after now.
func parseBirth(s string, now time.Time) (time.Time, string) {
	if len(s) != 8 || !isDigits(s) {
		return time.Time{}, "出生日期应为8位数字"
	}
	y := atoi(s[:4])
	m := atoi(s[4:6])
	dd := atoi(s[6:8])
	d := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, cst)
	if m < 1 || m > 12 || d.Day() != dd || d.Month() != time.Month(m) {
		return time.Time{}, "出生日期“" + s + "”不是有效日期"
	}
	if y < minBirthYear {
		return time.Time{}, "出生日期“" + s + "”早于" + itoa(minBirthYear) + "年"
	}
	if !now.IsZero() {
		t := now.In(cst)
		today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst)
		if d.After(today) {
			return time.Time{}, "出生日期“" + s + "”晚于当前日期"
		}
	}
	return d, ""
}

// atoi converts a short run of ASCII digits (already checked) to an int.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// IDCardMale reports the sex encoded in an 18- or 15-digit identity number
// (odd sequence digit = male). ok is false if the number is malformed.
func IDCardMale(id string) (male, ok bool) {
	n := clean(id)
	var d byte
	switch len(n) {
	case 18:
		d = n[16]
	case 15:
		d = n[14]
	default:
		return false, false
	}
	if d < '0' || d > '9' {
		return false, false
	}
	return (d-'0')%2 == 1, true
}
