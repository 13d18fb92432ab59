package store

import (
	"math/rand/v2"
	"testing"
)

// The set holds exactly what was added, 0 and duplicates included, across
// its growth.
func TestHashSet(t *testing.T) {
	var s hashSet
	want := map[uint64]bool{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50000 {
		var h uint64
		switch i % 5 {
		case 0:
			h = uint64(i) // sequential values
		case 1:
			h = 0
		default:
			h = r.Uint64() >> (i % 40) // some repeat
		}
		if s.has(h) != want[h] {
			t.Fatalf("has(%d) = %v before adding, want %v", h, s.has(h), want[h])
		}
		s.add(h)
		want[h] = true
	}
	if s.len() != len(want) {
		t.Fatalf("len %d, want %d", s.len(), len(want))
	}
	for h := range want {
		if !s.has(h) {
			t.Fatalf("%d lost", h)
		}
	}
	for range 10000 {
		if h := r.Uint64(); !want[h] && s.has(h) {
			t.Fatalf("%d never added", h)
		}
	}
}
