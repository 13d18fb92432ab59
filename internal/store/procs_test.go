package store

import (
	"runtime"
	"testing"
)

func TestBoostProcs(t *testing.T) {
	n := runtime.GOMAXPROCS(0)
	a := boostProcs()
	if got := runtime.GOMAXPROCS(0); got != n+1 {
		t.Fatalf("GOMAXPROCS during a batch = %d, want %d", got, n+1)
	}
	b := boostProcs() // an overlapping batch shares the boost
	if got := runtime.GOMAXPROCS(0); got != n+1 {
		t.Fatalf("GOMAXPROCS with two batches = %d, want %d", got, n+1)
	}
	a()
	a() // idempotent
	if got := runtime.GOMAXPROCS(0); got != n+1 {
		t.Fatalf("GOMAXPROCS after the first batch ended = %d, want %d", got, n+1)
	}
	b()
	if got := runtime.GOMAXPROCS(0); got != n {
		t.Fatalf("GOMAXPROCS after both ended = %d, want %d", got, n)
	}
}
