package subject

import (
	"strings"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// usccAlphabet is the 31-character GB 32100 code set (no I, O, Z, S, V);
// a character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1..17 (GB 32100 / GB/T 17710).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the 8-character body.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

func usccValue(c byte) int { return int(usccValues[c]) }

// usccValues is usccValue as a table.
var usccValues = func() (t [256]int8) {
	for i := range t {
		t[i] = int8(strings.IndexByte(usccAlphabet, byte(i)))
	}
	return t
}()

// orgValue maps 0-9 to 0-9 and A-Z to 10-35 (GB 11714), else -1.
func orgValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// USCCCheckChar computes the 18th character of a unified social credit code
// from its first 17 characters: C18 = 31 − (Σ Ci·Wi mod 31), 31 → 0.
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, errs.Field("uscc", "计算校验位需要前17位字符")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue(first17[i])
		if v < 0 {
			return 0, errs.Field("uscc", "含有统一社会信用代码字符集以外的字符")
		}
		sum += v * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], nil
}

// OrgCodeCheckChar computes the 9th character of an organization code from
// its 8-character body: C9 = 11 − (Σ Ci·Wi mod 11), 10 → 'X', 11 → '0'.
func OrgCodeCheckChar(first8 string) (byte, error) {
	if len(first8) != 8 {
		return 0, errs.Field("org_code", "计算校验位需要前8位本体代码")
	}
	sum := 0
	for i := 0; i < 8; i++ {
		v := orgValue(first8[i])
		if v < 0 {
			return 0, errs.Field("org_code", "本体代码只能由数字和大写字母组成")
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + c), nil
	}
}

// OrgCodeOfUSCC returns positions 9–17 of a unified social credit code (the
// organization code, without hyphen), or "" if s is not 18 characters long
// after cleaning.
func OrgCodeOfUSCC(uscc string) string {
	n := clean(uscc)
	if len(n) != 18 {
		return ""
	}
	return n[8:17]
}

// FormatOrgCode renders a 9-character organization code for display as
// "xxxxxxxx-X"; other input is returned cleaned but otherwise unchanged.
func FormatOrgCode(code string) string {
	n := strings.ReplaceAll(clean(code), "-", "")
	if len(n) != 9 {
		return n
	}
	return n[:8] + "-" + n[8:]
}

// ValidateUSCC checks a unified social credit code (GB 32100-2015): length,
// charset, registration authority and category (domain-facts §1.3), region
// digits, the embedded organization code's check character (positions 9–17,
// GB 11714) and the code's own check character (position 18).
func ValidateUSCC(s string) Verdict {
	v := newVerdict(IDKindUSCC, s)
	n := v.Normalized
	if utf8.RuneCountInString(n) != 18 {
		return v.fail(lengthReason("统一社会信用代码", "18", n))
	}
	for i, r := range []rune(n) {
		if r >= utf8.RuneSelf || usccValue(byte(r)) < 0 {
			return v.fail("第" + itoa(i+1) + "位“" + string(r) + "”不是统一社会信用代码字符（代码不使用 I、O、S、V、Z）")
		}
	}
	auth, ok := usccAuthorities[n[0]]
	if !ok {
		return v.fail("第1位登记管理部门码“" + n[:1] + "”无效")
	}
	if _, ok := auth.categories[n[1]]; !ok {
		return v.fail("第2位机构类别码“" + n[1:2] + "”不属于登记管理部门“" + auth.name + "”")
	}
	region := n[2:8]
	if !isDigits(region) {
		return v.fail("第3-8位登记管理机关行政区划码应为数字")
	}
	if !knownProvince(region[:2], true) {
		return v.fail("第3-8位行政区划码“" + region + "”不属于任何省级行政区")
	}
	v.Region, v.RegionName = region, bestRegionName(region)
	v.Type = usccTypes[n[:2]]

	var reasons []string
	want17, _ := OrgCodeCheckChar(n[8:16])
	if n[16] != want17 {
		reasons = append(reasons, "第17位（组织机构代码校验位）错误，应为 "+string(want17))
	}
	want18, _ := USCCCheckChar(n[:17])
	if n[17] != want18 {
		reasons = append(reasons, "校验位错误，应为 "+string(want18))
	}
	if len(reasons) > 0 {
		return v.badCheck(strings.Join(reasons, "；"))
	}
	return v.ok()
}

// ValidateOrgCode checks a GB 11714 organization code, written with or without
// the hyphen before the check character. Normalized drops the hyphen.
// Bodies PDY00001–PDY99999 are the self-defined range and are refused.
func ValidateOrgCode(s string) Verdict {
	v := newVerdict(IDKindOrgCode, s)
	n := v.Normalized
	if len(n) == 10 && n[8] == '-' {
		n = n[:8] + n[9:]
	}
	v.Normalized = n
	if len(n) != 9 {
		return v.fail(lengthReason("组织机构代码", "9", n))
	}
	if !isUpperAlnum(n) {
		return v.fail("组织机构代码只能由数字和大写字母组成")
	}
	if strings.HasPrefix(n, "PDY") {
		return v.fail("PDY开头的代码属于自定义区，不能用于信息交换")
	}
	want, _ := OrgCodeCheckChar(n[:8])
	if n[8] != want {
		return v.badCheck("校验位错误，应为 " + string(want))
	}
	return v.ok()
}
