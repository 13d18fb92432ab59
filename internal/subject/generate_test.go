package subject

import (
	"strings"
	"testing"
	"time"
)

// flip replaces the character at i with the next one of alphabet.
func flip(s string, i int, alphabet string) string {
	b := []byte(s)
	b[i] = alphabet[(strings.IndexByte(alphabet, b[i])+1)%len(alphabet)]
	return string(b)
}

func TestGeneratedCodesValidate(t *testing.T) {
	r := newRand(42)
	regions := Regions()
	pairs := [][2]byte{}
	for a, auth := range usccAuthorities {
		for c := range auth.categories {
			pairs = append(pairs, [2]byte{a, c})
		}
	}
	for i := range 2000 {
		region := regions[r.IntN(len(regions))].Code
		p := pairs[r.IntN(len(pairs))]

		u := GenerateUSCC(r, region, p[0], p[1])
		if v := ValidateUSCC(u); !v.OK || v.Region != region {
			t.Fatalf("#%d GenerateUSCC = %s: %s", i, u, v.Reason)
		}
		if v := ValidateUSCC(flip(u, 17, usccAlphabet)); v.OK || !v.CheckCharOnly {
			t.Fatalf("#%d flipped USCC %s: OK=%v CheckCharOnly=%v", i, u, v.OK, v.CheckCharOnly)
		}
		if v := ValidateOrgCode(OrgCodeOfUSCC(u)); !v.OK {
			t.Fatalf("#%d org code of %s: %s", i, u, v.Reason)
		}

		o := GenerateOrgCode(r)
		if v := ValidateOrgCode(o); !v.OK {
			t.Fatalf("#%d GenerateOrgCode = %s: %s", i, o, v.Reason)
		}
		if v := ValidateOrgCode(flip(o, 8, "0123456789X")); v.OK || !v.CheckCharOnly {
			t.Fatalf("#%d flipped org code %s: %+v", i, o, v)
		}

		birth := time.Date(1930+r.IntN(95), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		id := GenerateIDCard(r, region, birth, r.IntN(2) == 0)
		v := ValidateIDCard(id, testNow)
		if !v.OK || !v.BirthDate.Equal(time.Date(birth.Year(), birth.Month(), birth.Day(), 0, 0, 0, 0, cst)) {
			t.Fatalf("#%d GenerateIDCard = %s: %s %v", i, id, v.Reason, v.BirthDate)
		}
		if v := ValidateIDCard(flip(id, 17, "0123456789X"), testNow); v.OK || !v.CheckCharOnly {
			t.Fatalf("#%d flipped id %s: %+v", i, id, v)
		}

		reg := GenerateRegNo(r, region)
		if v := ValidateRegNo(reg); !v.OK {
			t.Fatalf("#%d GenerateRegNo = %s: %s", i, reg, v.Reason)
		}
		if v := ValidateRegNo(flip(reg, 14, "0123456789")); v.OK || !v.CheckCharOnly {
			t.Fatalf("#%d flipped reg no %s: %+v", i, reg, v)
		}
	}
}

func TestGenerateIDCardSex(t *testing.T) {
	r := newRand(7)
	birth := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
	for range 200 {
		for _, male := range []bool{true, false} {
			id := GenerateIDCard(r, "350102", birth, male)
			if got, ok := IDCardMale(id); !ok || got != male {
				t.Fatalf("%s: IDCardMale = %v, want %v", id, got, male)
			}
		}
	}
}

func TestGeneratorsDeterministic(t *testing.T) {
	a, b := newRand(3), newRand(3)
	if GenerateUSCC(a, "350100", '9', '1') != GenerateUSCC(b, "350100", '9', '1') {
		t.Error("GenerateUSCC not deterministic")
	}
}

func TestGeneratorsPanicOnBadArguments(t *testing.T) {
	for name, f := range map[string]func(){
		"region":   func() { GenerateUSCC(newRand(1), "3501", '9', '1') },
		"category": func() { GenerateUSCC(newRand(1), "350100", '9', '9') },
		"id":       func() { GenerateIDCard(newRand(1), "35010A", time.Now(), true) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
