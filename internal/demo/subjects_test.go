package demo

import (
	"testing"
	"time"

	"xinyong/internal/pii"
	"xinyong/internal/subject"
)

// A generator that skipped the first n subjects goes on exactly as the one
// that generated them (so an interrupted load can resume).
func TestSkipResumesTheSequence(t *testing.T) {
	p, err := pii.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	mask := func(s string) string { return subject.MaskID(s, 4, 4) }
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	a := NewGenerator(1, now)
	a.batch(p, mask, 20000)
	a.batch(p, mask, 5000)
	b := NewGenerator(1, now.Add(time.Hour))
	b.Skip(p, mask, 25000)
	x, y := a.batch(p, mask, 200), b.batch(p, mask, 200)
	for i := range x.subs {
		if x.subs[i].Code != y.subs[i].Code || x.subs[i].Name != y.subs[i].Name {
			t.Fatalf("subject %d: %s %s, resumed %s %s", i, x.subs[i].Code, x.subs[i].Name, y.subs[i].Code, y.subs[i].Name)
		}
	}
}
