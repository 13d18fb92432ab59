package subject

import (
	"math/rand/v2"
	"strings"
	"time"
)

// The generators make valid identifiers for demo and test data. They are
// deterministic for a given *rand.Rand and panic on arguments that no valid
// identifier could have (a programming error in the caller).

// GenerateUSCC returns a valid unified social credit code for the given
// 6-digit region and authority/category pair (e.g. '9', '1' for a company).
// The organization code inside (positions 9–17) is random and valid.
func GenerateUSCC(r *rand.Rand, region string, authority, category byte) string {
	mustRegion("GenerateUSCC", region)
	a, ok := usccAuthorities[authority]
	if !ok {
		panic("subject.GenerateUSCC: unknown authority " + string(authority))
	}
	if _, ok := a.categories[category]; !ok {
		panic("subject.GenerateUSCC: category " + string(category) + " not allowed for authority " + string(authority))
	}
	first17 := string([]byte{authority, category}) + region + GenerateOrgCode(r)
	c, _ := USCCCheckChar(first17)
	return first17 + string(c)
}

// GenerateOrgCode returns a valid 9-character organization code (without
// hyphen). The body uses the USCC code set, so it can be embedded in a USCC,
// and avoids the self-defined PDY range.
func GenerateOrgCode(r *rand.Rand) string {
	var body [8]byte
	for {
		for i := range body {
			body[i] = usccAlphabet[r.IntN(len(usccAlphabet))]
		}
		if !strings.HasPrefix(string(body[:]), "PDY") {
			break
		}
	}
	c, _ := OrgCodeCheckChar(string(body[:]))
	return string(body[:]) + string(c)
}

// GenerateIDCard returns a valid 18-digit identity number for the region,
// birth date (its calendar date in birth's own location) and sex.
func GenerateIDCard(r *rand.Rand, region string, birth time.Time, male bool) string {
	mustRegion("GenerateIDCard", region)
	var seq int
	if male {
		seq = 2*r.IntN(500) + 1 // 001..999, odd
	} else {
		seq = 2 * (1 + r.IntN(499)) // 002..998, even
	}
	first17 := region + birth.Format("20060102") + pad3(seq)
	if len(first17) != 17 {
		panic("subject.GenerateIDCard: birth year must have four digits")
	}
	c, _ := IDCardCheckChar(first17)
	return first17 + string(c)
}

// GenerateRegNo returns a valid 15-digit registration number (GS 15-2006)
// for the 6-digit region.
func GenerateRegNo(r *rand.Rand, region string) string {
	mustRegion("GenerateRegNo", region)
	var b strings.Builder
	b.WriteString(region)
	for range 8 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	c, _ := RegNoCheckDigit(b.String())
	b.WriteByte(c)
	return b.String()
}

func mustRegion(fn, region string) {
	if len(region) != 6 || !isDigits(region) {
		panic("subject." + fn + ": region must be 6 digits, got " + region)
	}
}

func pad3(n int) string {
	s := itoa(n)
	return strings.Repeat("0", 3-len(s)) + s
}
