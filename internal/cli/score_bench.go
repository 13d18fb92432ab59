package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"xinyong/internal/config"
	"xinyong/internal/demo"
	"xinyong/internal/score/scorer"
)

func init() { benchCommands["score"] = benchScore }

// benchScore brings a store to N subjects, M active list entries and R
// records (reusing what is there), then runs the full recompute of every
// subject's score exactly as the background job does and reports the time.
func benchScore(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("bench score", "信用评价全量重算基准：准备主体、名单与信用记录，按当前模型重算全部主体并计时", errOut)
	cfg.Bind(fs, false)
	subjects := fs.Int("subjects", 1000000, "subjects to have in the store (generated if fewer)")
	entries := fs.Int("entries", 100000, "active list entries to have (generated if fewer)")
	records := fs.Int("records", 0, "demo records to submit before the run (0: none)")
	readers := fs.Int("readers", 2, "concurrent range readers")
	batch := fs.Int64("batch", 5000, "subjects per range")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the recompute to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := benchSeed(ctx, e, *subjects, *entries, out); err != nil {
		return err
	}
	if *records > 0 {
		if err := runDemoRecords(ctx, e, demo.NewGenerator(uint64(time.Now().UnixNano()), e.store.Now()), *records, out); err != nil {
			return err
		}
	}
	sc, err := scorer.New(ctx, e.store, scorer.Options{Readers: *readers, Batch: *batch})
	if err != nil {
		return err
	}
	job, err := sc.StartFull(ctx, "cli:bench")
	if err != nil {
		return err
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	bar := newProgress(out, "重算", int(job.Total))
	t0 := time.Now()
	err = sc.RunFull(ctx, job, func(done int64) { bar.set(int(done)) })
	bar.done()
	if err != nil {
		return err
	}
	d := time.Since(t0)
	gs, err := e.store.GradeCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "engine %s: %d subjects recomputed in %.1fs (%.0f subjects/s), readers %d, batch %d\n", e.store.D.Name, job.Total, d.Seconds(), float64(job.Total)/d.Seconds(), *readers, *batch)
	for _, g := range gs {
		fmt.Fprintf(out, "  %-4s class %s  %d\n", g.Grade, g.Class, g.Count)
	}
	return nil
}
