package engine

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/check"
	"xinyong/internal/list"
)

// fill sets every field reachable from v to a distinct non-zero value
// (slices get two elements), so that a field the codec forgets shows up as
// a difference after a round trip.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("值" + strconv.Itoa(*n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n) * 1_000_003)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			locs := []*time.Location{time.UTC, time.Local, time.FixedZone("CST", 8*3600)}
			t := time.Unix(1_700_000_000+int64(*n)*86_400, int64(*n)*1_000).In(locs[*n%len(locs)])
			v.Set(reflect.ValueOf(t))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String() + " in " + v.Type().String())
	}
}

func TestSnapshotCodecRoundTrip(t *testing.T) {
	var full check.Snapshot
	n := 0
	fill(reflect.ValueOf(&full).Elem(), &n)
	for _, s := range []*check.Snapshot{
		&full,
		{SubjectID: 7, Code: "91350100MA2XXXXX1A"},                        // nil slices stay nil
		{SubjectID: 8, Entries: nil, Bad: []list.BadRecord{}, Bound: nil}, // empty stays empty
	} {
		enc := appendSnapshot(nil, s)
		got, err := decodeSnapshot(enc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		if !reflect.DeepEqual(s, got) { // nil and empty slices, time locations
			t.Errorf("round trip not deeply equal: %+v", got)
		}
		// Every truncation is an error, never a panic or a silent partial snapshot.
		for i := range len(enc) {
			if _, err := decodeSnapshot(enc[:i]); err == nil {
				t.Fatalf("truncated to %d of %d bytes: no error", i, len(enc))
			}
		}
	}
}

func FuzzSnapshotDecode(f *testing.F) {
	var full check.Snapshot
	n := 0
	fill(reflect.ValueOf(&full).Elem(), &n)
	f.Add(appendSnapshot(nil, &full))
	f.Add(appendSnapshot(nil, &check.Snapshot{SubjectID: 1}))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeSnapshot(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to the same bytes.
		if again := appendSnapshot(nil, s); string(again) != string(b) {
			t.Skip("non-canonical encoding") // e.g. over-long varints
		}
	})
}
