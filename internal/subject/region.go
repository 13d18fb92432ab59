package subject

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

//go:embed regions.tsv
var regionsTSV string

// Region is one GB/T 2260 administrative division (county level or above).
type Region struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type regionTable struct {
	list   []Region
	byCode map[string]string
}

var regionData = sync.OnceValue(func() *regionTable {
	t := &regionTable{byCode: make(map[string]string, 3300)}
	for line := range strings.Lines(regionsTSV) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		if !ok || len(code) != 6 || !isDigits(code) || name == "" {
			panic("subject: malformed regions.tsv line: " + line)
		}
		t.byCode[code] = name
		t.list = append(t.list, Region{Code: code, Name: name})
	}
	sort.Slice(t.list, func(i, j int) bool { return t.list[i].Code < t.list[j].Code })
	return t
})

// LookupRegion finds a region by its 6-digit code.
func LookupRegion(code string) (Region, bool) {
	name, ok := regionData().byCode[code]
	if !ok {
		return Region{}, false
	}
	return Region{Code: code, Name: name}, true
}

// Regions returns every region, sorted by code. The slice is a copy.
func Regions() []Region {
	return append([]Region(nil), regionData().list...)
}

// ProvinceOf returns the province-level region a code belongs to.
func ProvinceOf(code string) (Region, bool) {
	if len(code) < 2 || !isDigits(code[:2]) {
		return Region{}, false
	}
	return LookupRegion(code[:2] + "0000")
}

// prefectureOf returns the prefecture-level region above a county code, if
// the table has one (counties directly under a municipality or a province
// have none).
func prefectureOf(code string) (Region, bool) {
	if len(code) != 6 || code[2:4] == "00" || code[4:6] == "00" {
		return Region{}, false
	}
	return LookupRegion(code[:4] + "00")
}

// FullRegionName joins the province, prefecture and county names of a known
// code, e.g. "福建省福州市" for 350100 or "北京市东城区" for 110101. It returns
// "" for a code that is not in the table.
func FullRegionName(code string) string {
	r, ok := LookupRegion(code)
	if !ok {
		return ""
	}
	if code[2:] == "0000" {
		return r.Name
	}
	var b strings.Builder
	if p, ok := ProvinceOf(code); ok {
		b.WriteString(p.Name)
	}
	if c, ok := prefectureOf(code); ok {
		b.WriteString(c.Name)
	}
	b.WriteString(r.Name)
	return b.String()
}

// centralRegion is the region code used by central-level registration
// authorities on USCC and registration numbers.
const centralRegion = "100000"

// bestRegionName names a code as precisely as the table allows: the code
// itself, else its prefecture, else its province. Abolished codes that still
// appear on old registrations thus get at least their province.
func bestRegionName(code string) string {
	if n, ok := regionNames.Load(code); ok {
		return n.(string)
	}
	n := findRegionName(code)
	regionNames.Store(code, n)
	return n
}

// regionNames memoises bestRegionName (a few thousand codes; a USCC
// validation asks for one).
var regionNames sync.Map

func findRegionName(code string) string {
	if code == centralRegion {
		return "中央"
	}
	if n := FullRegionName(code); n != "" {
		return n
	}
	if len(code) == 6 {
		if n := FullRegionName(code[:4] + "00"); n != "" {
			return n
		}
	}
	if p, ok := ProvinceOf(code); ok {
		return p.Name
	}
	return ""
}

// knownProvince reports whether p (two digits) is a province-level code.
// central allows "10", used by central-level registration authorities.
func knownProvince(p string, central bool) bool {
	if central && p == "10" {
		return true
	}
	_, ok := LookupRegion(p + "0000")
	return ok
}
