package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/check"
	"xinyong/internal/list"
	"xinyong/internal/measure"
)

// The hand-written encoder writes these fields; a field added to one of the
// types must be added to appendCheckJSON (and here).
func TestCheckJSONFields(t *testing.T) {
	want := map[reflect.Type][]string{
		reflect.TypeFor[CheckResponse]():     {"check_id string", "found bool", "subject api.SubjectRef", " check.Answer"},
		reflect.TypeFor[SubjectRef]():        {"code string", "name,omitempty string", "type,omitempty string", "type_label,omitempty string"},
		reflect.TypeFor[measure.Scenario]():  {"code string", "name string"},
		reflect.TypeFor[check.Incentives]():  {"red_lists []string", "clean_3y bool", "blocked,omitempty string", "measures []string"},
		reflect.TypeFor[check.Supervision](): {"grade string", "class string", "name string", "mode string", "inspections_per_year float64"},
		reflect.TypeFor[check.Answer](): {"scenario measure.Scenario", "as_of time.Time", "rules_version int64", "entries []check.EntryView",
			"measures []check.Decision", "paused []check.EntryView", "related_hits []check.RelatedHit", "aggravated bool",
			"aggravated_domains,omitempty []string", "incentives check.Incentives", "monitoring,omitempty []check.EntryView",
			"supervision,omitempty *check.Supervision"},
		reflect.TypeFor[check.EntryView](): {"id int64", "list_type string", "list_name string", "kind list.Kind", "domain string",
			"identifying_dept string", "basis_doc string", "basis []string", "start string", "end,omitempty string",
			"paused,omitempty bool", "monitor_until,omitempty string"},
		reflect.TypeFor[check.Decision](): {"code string", "kind measure.Kind", "category measure.Category", "mode measure.Mode",
			"text string", "legal_basis []string", "binds []string", "implementing_depts []string", "applies_as string",
			"because []check.Because"},
		reflect.TypeFor[check.Because](): {"entry,omitempty int64", "subject,omitempty string", "role,omitempty string",
			"basis_doc,omitempty string", "list_type,omitempty string", "list_name,omitempty string", "list_basis,omitempty string",
			"condition,omitempty string", "measure string", "basis,omitempty string"},
		reflect.TypeFor[check.RelatedHit](): {"subject string", "name string", "role string", "via string", "entries []check.EntryView"},
	}
	for typ, fields := range want {
		var got []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			got = append(got, f.Tag.Get("json")+" "+f.Type.String())
		}
		if diff := cmp.Diff(fields, got); diff != "" {
			t.Errorf("%s changed: update appendCheckJSON (check_json.go) and this test (-known +now):\n%s", typ, diff)
		}
	}
	for _, k := range []reflect.Kind{reflect.TypeFor[list.Kind]().Kind(), reflect.TypeFor[measure.Kind]().Kind(),
		reflect.TypeFor[measure.Category]().Kind(), reflect.TypeFor[measure.Mode]().Kind()} {
		if k != reflect.String {
			t.Errorf("an enumeration is no longer a string: %v", k)
		}
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[list.Kind](), reflect.TypeFor[measure.Kind](), reflect.TypeFor[measure.Category](),
		reflect.TypeFor[measure.Mode](), reflect.TypeFor[CheckResponse](), reflect.TypeFor[check.Answer]()} {
		if typ.Implements(reflect.TypeFor[json.Marshaler]()) || reflect.PointerTo(typ).Implements(reflect.TypeFor[json.Marshaler]()) ||
			typ.Implements(reflect.TypeFor[interface{ MarshalText() ([]byte, error) }]()) {
			t.Errorf("%s has its own JSON encoding now: appendCheckJSON does not know it", typ)
		}
	}
}

var jsonStrings = []string{"", "a", "政府采购", "P-COURT-011", `<script>&"\`, "\u2028line\u2029", "\x00\x01\x1f\b\f\n\r\t\x7f",
	"bad \xff\xfe utf-8 \xe6\x94", "（2025）闽01执100号", "emoji 😀 and é", strings.Repeat("长", 300)}

type gen struct{ r *rand.Rand }

func (g gen) str() string { return jsonStrings[g.r.IntN(len(jsonStrings))] }

func (g gen) maybe() string {
	if g.r.IntN(2) == 0 {
		return ""
	}
	return g.str()
}

func (g gen) strs() []string {
	switch g.r.IntN(4) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+g.r.IntN(3))
	for i := range out {
		out[i] = g.str()
	}
	return out
}

func (g gen) entries() []check.EntryView {
	switch g.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []check.EntryView{}
	}
	out := make([]check.EntryView, 1+g.r.IntN(2))
	for i := range out {
		out[i] = check.EntryView{ID: g.r.Int64N(1e12) - 5, ListType: g.str(), ListName: g.str(), Kind: list.Kind(g.str()), Domain: g.str(),
			Dept: g.str(), BasisDoc: g.str(), Basis: g.strs(), Start: g.str(), End: g.maybe(), Paused: g.r.IntN(2) == 0, MonitorUntil: g.maybe()}
	}
	return out
}

func (g gen) answer() CheckResponse {
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("LMT", 8*3600+343), time.FixedZone("W", -(3*3600 + 30*60))}
	r := CheckResponse{CheckID: g.str(), Found: g.r.IntN(2) == 0, Subject: SubjectRef{Code: g.str(), Name: g.maybe(), Type: g.maybe(), TypeLabel: g.maybe()}}
	a := &r.Answer
	a.Scenario = measure.Scenario{Code: g.str(), Name: g.str()}
	a.AsOf = time.Unix(g.r.Int64N(4e9)-1e9, g.r.Int64N(1e9)).In(zones[g.r.IntN(len(zones))])
	if g.r.IntN(5) == 0 {
		a.AsOf = a.AsOf.Truncate(time.Second)
	}
	a.RulesVersion = g.r.Int64N(1000) - 1
	a.Entries, a.Paused, a.Monitoring = g.entries(), g.entries(), g.entries()
	if g.r.IntN(3) > 0 {
		a.Measures = []check.Decision{}
		for range g.r.IntN(3) {
			d := check.Decision{Code: g.str(), Kind: measure.Kind(g.str()), Category: measure.Category(g.str()), Mode: measure.Mode(g.str()),
				Text: g.str(), LegalBasis: g.strs(), Binds: g.strs(), ImplementingDepts: g.strs(), AppliesAs: g.str()}
			if g.r.IntN(4) > 0 {
				d.Because = []check.Because{}
				for range g.r.IntN(3) {
					var e int64
					if g.r.IntN(2) == 0 {
						e = g.r.Int64N(1e6)
					}
					d.Because = append(d.Because, check.Because{Entry: e, Subject: g.maybe(), Role: g.maybe(), BasisDoc: g.maybe(), ListType: g.maybe(),
						ListName: g.maybe(), ListBasis: g.maybe(), Condition: g.maybe(), Measure: g.str(), Basis: g.maybe()})
				}
			}
			a.Measures = append(a.Measures, d)
		}
	}
	if g.r.IntN(3) > 0 {
		a.RelatedHits = []check.RelatedHit{}
		for range g.r.IntN(3) {
			a.RelatedHits = append(a.RelatedHits, check.RelatedHit{Subject: g.str(), Name: g.str(), Role: g.str(), Via: g.str(), Entries: g.entries()})
		}
	}
	a.Aggravated = g.r.IntN(2) == 0
	a.AggravatedDomains = g.strs()
	a.Incentives = check.Incentives{RedLists: g.strs(), Clean3Y: g.r.IntN(2) == 0, Blocked: g.maybe(), Measures: g.strs()}
	if g.r.IntN(2) == 0 {
		floats := []float64{0, 1, 0.25, 12, 1.0 / 3, 1e-7, 2.5e-9, 1e21, 123456789012345678901234.0, -4}
		a.Supervision = &check.Supervision{Grade: g.str(), Class: g.str(), Name: g.str(), Mode: g.str(), PerYear: floats[g.r.IntN(len(floats))]}
	}
	return r
}

// The hand-written encoder writes exactly what json.Encoder writes.
func TestCheckJSONMatchesEncodingJSON(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 2))}
	for i := range 20000 {
		r := g.answer()
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(r); err != nil {
			t.Fatal(err)
		}
		got, ok := appendCheckJSON(nil, &r)
		if !ok {
			// Left to encoding/json: only a zone offset with seconds.
			if _, off := r.AsOf.Zone(); off%60 == 0 {
				t.Fatalf("case %d: not encoded (as_of %v)", i, r.AsOf)
			}
			continue
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("case %d differs:\n got %s\nwant %s", i, got, want.Bytes())
		}
	}
}

// What encoding/json refuses, the fast encoder leaves to it.
func TestCheckJSONFallback(t *testing.T) {
	for _, asOf := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 25*3600))} {
		r := CheckResponse{}
		r.AsOf = asOf
		if _, ok := appendCheckJSON(nil, &r); ok {
			t.Errorf("%v encoded", asOf)
		}
		if _, err := json.Marshal(r); err == nil {
			t.Errorf("%v: encoding/json accepts it, the fast encoder should too", asOf)
		}
	}
}

func FuzzCheckJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: %s, encoding/json %s", s, got, want)
		}
	})
}

func BenchmarkCheckJSON(b *testing.B) {
	g := gen{rand.New(rand.NewPCG(3, 4))}
	rs := make([]CheckResponse, 64)
	for i := range rs {
		rs[i] = g.answer()
	}
	b.Run("fast", func(b *testing.B) {
		var buf []byte
		for i := range b.N {
			buf, _ = appendCheckJSON(buf[:0], &rs[i%len(rs)])
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for i := range b.N {
			buf.Reset()
			if err := enc.Encode(rs[i%len(rs)]); err != nil {
				b.Fatal(fmt.Sprint(err))
			}
		}
	})
}
