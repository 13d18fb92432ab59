package store

import (
	"runtime"
	"syscall"
	"testing"
)

// niceOfThread is the calling thread's nice value (the raw getpriority
// system call answers 20 - nice).
func niceOfThread(t *testing.T) int {
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	return 20 - p
}

// An import's validating goroutines run at background priority on threads
// of their own; the threads of other goroutines keep theirs.
func TestBackgroundLowersOnlyItsThread(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := niceOfThread(t)
	got := make(chan int)
	n := -100
	for i := 0; i < 100 && n == -100; i++ {
		go func() {
			// background leaves the main thread alone (it cannot end);
			// try again when the goroutine happened to start there.
			runtime.LockOSThread()
			if syscall.Gettid() == syscall.Getpid() {
				runtime.UnlockOSThread()
				got <- -100
				return
			}
			background()
			got <- niceOfThread(t)
		}()
		n = <-got
	}
	if n != min(before+backgroundNice, 19) {
		t.Errorf("background thread nice %d, want %d", n, min(before+backgroundNice, 19))
	}
	if n := niceOfThread(t); n != before {
		t.Errorf("caller's thread nice %d, was %d", n, before)
	}
}

// A slab comes back zeroed, whatever the previous user left in it.
func TestSlabPoolZeroes(t *testing.T) {
	var p slabPool[pendingRow]
	b := p.get(4)
	for i := range b {
		b[i].line, b[i].raw = i+1, []string{"x"}
	}
	p.put(b)
	for range 3 { // the pool may drop it; either way the slab is zero
		c := p.get(3)
		if len(c) != 3 {
			t.Fatalf("len %d", len(c))
		}
		for i, r := range c[:cap(c)] {
			if r.line != 0 || r.raw != nil {
				t.Fatalf("slab row %d not zeroed: %+v", i, r)
			}
		}
		p.put(c)
	}
}
