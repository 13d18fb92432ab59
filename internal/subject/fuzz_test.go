package subject

import (
	"testing"
	"unicode/utf8"
)

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100M000100Y4Z", "９１３５０１００Ｍ０００１００Ｙ４３",
		"91350211M0000XUF46", "", "Y1", "统一社会信用代码", "A1100000MA0000000X", "\u3000\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := ValidateUSCC(s)
		if !utf8.ValidString(v.Reason) {
			t.Fatalf("reason is not valid UTF-8: %q", v.Reason)
		}
		if v.OK == (v.Reason != "") || (v.OK && v.CheckCharOnly) {
			t.Fatalf("inconsistent verdict %+v", v)
		}
		if v.OK || v.CheckCharOnly {
			if len(v.Normalized) != 18 {
				t.Fatalf("accepted %q with length %d", v.Normalized, len(v.Normalized))
			}
		}
		if v.OK {
			c, err := USCCCheckChar(v.Normalized[:17])
			if err != nil || c != v.Normalized[17] {
				t.Fatalf("OK but check char does not recompute: %q", v.Normalized)
			}
			o, err := OrgCodeCheckChar(v.Normalized[8:16])
			if err != nil || o != v.Normalized[16] {
				t.Fatalf("OK but org check char does not recompute: %q", v.Normalized)
			}
			if again := ValidateUSCC(v.Normalized); !again.OK || again.Normalized != v.Normalized {
				t.Fatalf("normalized form does not revalidate: %q", v.Normalized)
			}
		}
		if id := Identify(s, testNow); !utf8.ValidString(id.Reason) {
			t.Fatalf("Identify reason is not valid UTF-8: %q", id.Reason)
		}
	})
}

func FuzzValidateIDCard(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "110105491231002", "110105194902300020",
		"11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", "", "\xff\xfe", "830000199001010020"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := ValidateIDCard(s, testNow)
		if !utf8.ValidString(v.Reason) {
			t.Fatalf("reason is not valid UTF-8: %q", v.Reason)
		}
		if v.OK == (v.Reason != "") || (v.OK && v.CheckCharOnly) {
			t.Fatalf("inconsistent verdict %+v", v)
		}
		if v.OK {
			n := v.Normalized
			if len(n) != 18 {
				t.Fatalf("OK with length %d: %q", len(n), n)
			}
			c, err := IDCardCheckChar(n[:17])
			if err != nil || c != n[17] {
				t.Fatalf("OK but check char does not recompute: %q", n)
			}
			if v.BirthDate.IsZero() || v.BirthDate.After(testNow) {
				t.Fatalf("OK with birth date %v", v.BirthDate)
			}
			if again := ValidateIDCard(n, testNow); !again.OK || again.Normalized != n {
				t.Fatalf("normalized form does not revalidate: %q", n)
			}
		}
		_ = MaskID(s, 4, 4)
		if utf8.ValidString(s) {
			if n := NormalizeName(s); NormalizeName(n) != n {
				t.Fatalf("NormalizeName not idempotent on %q", s)
			}
		}
	})
}
