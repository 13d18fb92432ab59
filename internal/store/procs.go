package store

import (
	"os"
	"runtime"
	"sync"
)

// procBoost counts the batches that hold one P more than the process had.
var procBoost struct {
	sync.Mutex
	n, prev int
}

// boostProcs gives the process one P more (GOMAXPROCS+1) until the returned
// function is called, for a large batch: its reading, validating and
// planning goroutines run on threads of lower priority (background) and,
// with as many Ps as CPUs, took the writer's P about 10 % of the time — the
// Go scheduler has no priorities. With a spare P the writer is always
// runnable on a thread of its own and the kernel's priorities decide
// (1M rows on 2 CPUs: ≈ 1 s less, docs/benchmarks.md, Ingest). Batches that
// overlap share one boost; the last one to end restores the setting, to the
// runtime's automatic default unless the GOMAXPROCS variable fixed it.
func boostProcs() (restore func()) {
	procBoost.Lock()
	defer procBoost.Unlock()
	if procBoost.n == 0 {
		procBoost.prev = runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(procBoost.prev + 1)
	}
	procBoost.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			procBoost.Lock()
			defer procBoost.Unlock()
			if procBoost.n--; procBoost.n > 0 {
				return
			}
			if os.Getenv("GOMAXPROCS") == "" {
				runtime.SetDefaultGOMAXPROCS()
			} else {
				runtime.GOMAXPROCS(procBoost.prev)
			}
		})
	}
}
