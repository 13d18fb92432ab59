package audit

import (
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	prev, seq := Genesis, int64(0)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		e := Seal(Event{Actor: "system", Action: "x", Object: "o", After: i}, seq, prev, t0.Add(time.Duration(i)*time.Second))
		out = append(out, e)
		prev, seq = e.Hash, e.Seq
	}
	return out
}

func verify(es []Entry) error {
	v := NewVerifier()
	for _, e := range es {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return nil
}

func TestChain(t *testing.T) {
	if err := verify(chain(5)); err != nil {
		t.Fatal(err)
	}
	altered := chain(5)
	altered[2].Detail = "changed"
	deleted := chain(5)
	deleted = append(deleted[:2], deleted[3:]...)
	reordered := chain(5)
	reordered[1], reordered[2] = reordered[2], reordered[1]
	relinked := chain(5) // altered and rehashed, but the next link breaks
	relinked[2].Actor = "evil"
	relinked[2].Hash = relinked[2].ComputeHash()
	for name, es := range map[string][]Entry{"altered": altered, "deleted": deleted, "reordered": reordered, "relinked": relinked} {
		err := verify(es)
		b, ok := err.(*Break)
		if !ok {
			t.Fatalf("%s: want break, got %v", name, err)
		}
		want := map[string]int64{"altered": 3, "deleted": 4, "reordered": 3, "relinked": 4}[name]
		if b.Seq != want {
			t.Errorf("%s: break at %d, want %d (%s)", name, b.Seq, want, b.Reason)
		}
	}
}
