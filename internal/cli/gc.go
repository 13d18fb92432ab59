package cli

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// serveGCPercent is the garbage collector's target for serve unless the
// environment sets GOGC: collect when the heap has grown by half of what
// is live, not by all of it (Go's default). Most of what serve keeps is
// long-lived and pointer-free (the subject directory, the check index rows,
// the name postings), so collecting more often costs little CPU, and the
// heap stays at about 1.5x instead of 2x the indexes (docs/benchmarks.md,
// start-up). GOMEMLIMIT, when set, applies as well.
const serveGCPercent = 50

// tuneGC applies serveGCPercent unless GOGC is set; it runs once the
// indexes are loaded, so that loading is not slowed by extra collections.
// It first hands what loading left behind (rows read from the store, the
// snapshot structs before encoding) back to the operating system.
func tuneGC() {
	debug.FreeOSMemory()
	if v, ok := os.LookupEnv("GOGC"); ok {
		slog.Info("garbage collector target from the environment", "GOGC", v)
		return
	}
	debug.SetGCPercent(serveGCPercent)
	slog.Info("garbage collector target", "GOGC", serveGCPercent)
}
