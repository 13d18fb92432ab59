package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"xinyong/internal/config"
	"xinyong/internal/score/scorer"
	"xinyong/internal/store"
	"xinyong/internal/tracking"
	"xinyong/internal/web/api"
)

func init() {
	register("score", "信用评价 (score recompute: recompute every subject's score with progress)", runScore)
}

func runScore(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || args[0] != "recompute" {
		fmt.Fprintln(errOut, "用法: xinyong score recompute [flags]")
		return errUsage
	}
	e, cfgErr := openFromFlags(ctx, "score recompute", "按当前评价模型全量重算所有主体的信用评价（显示进度）", args[1:], errOut)
	if cfgErr != nil {
		return cfgErr
	}
	defer e.Close()
	sc, err := scorer.New(ctx, e.store, scorer.Options{})
	if err != nil {
		return err
	}
	job, err := sc.StartFull(ctx, "cli:score")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "评价模型第 %d 版，主体 %d 个，任务 %d\n", job.ModelVersion, job.Total, job.ID)
	bar := newProgress(out, "重算", int(job.Total))
	t0 := time.Now()
	err = sc.RunFull(ctx, job, func(done int64) { bar.set(int(done)) })
	bar.done()
	if err != nil {
		return err
	}
	d := time.Since(t0)
	fmt.Fprintf(out, "完成：%d 个主体，用时 %.1fs（%.0f 个/秒）\n", job.Total, d.Seconds(), float64(job.Total)/d.Seconds())
	return nil
}

// openFromFlags parses the usual store flags and opens the store.
func openFromFlags(ctx context.Context, name, summary string, args []string, errOut io.Writer) (*env, error) {
	cfg := config.Defaults()
	fs := newFlags(name, summary, errOut)
	cfg.Bind(fs, false)
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	return openStore(ctx, cfg, false)
}

// startScoring builds the scorer, plugs the supervision class into the
// check and starts following changes; the schedule keeps quarterly
// reports, the monthly index and a daily recompute (score decay) current.
func startScoring(ctx context.Context, deps *api.Deps) (func(), error) {
	sc, err := scorer.New(ctx, deps.Store, scorer.Options{})
	if err != nil {
		return nil, fmt.Errorf("scorer: %w", err)
	}
	if err := sc.Start(ctx); err != nil {
		return nil, err
	}
	deps.Scores = sc
	if deps.Engine != nil {
		deps.Engine.SetClassifier(sc.Classify)
	}
	if _, err := deps.Store.Recompute(ctx, 0); err != nil {
		sc.RequestFull("首次启动") // no job yet: score everyone once
	}
	bg, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		schedule(bg, *deps, time.Hour)
	}()
	return func() { cancel(); <-done; sc.Close() }, nil
}

// schedule runs the periodic tracking work every tick (and once at start).
func schedule(ctx context.Context, d api.Deps, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// Scheduled reports and the monthly index are produced by one node.
		_, err := d.Store.Exclusive(ctx, "tracking.schedule", every+every/2, func(ctx context.Context) error { return scheduledWork(ctx, d) })
		if err != nil && !errors.Is(err, context.Canceled) {
			slog.Error("tracking schedule", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func scheduledWork(ctx context.Context, d api.Deps) error {
	now := d.Now()
	// Quarterly reports of the previous quarter: overall and per department.
	q := tracking.PreviousQuarter(now)
	depts, err := d.Store.Departments(ctx)
	if err != nil {
		return err
	}
	codes := []string{""}
	for _, x := range depts {
		codes = append(codes, x.Code)
	}
	for _, c := range codes {
		ok, err := d.Store.TrackingReportExists(ctx, "quarterly", q.Key, c)
		if err != nil {
			return err
		}
		if !ok {
			if _, err := d.GenerateTrackingReport(ctx, q, c, "system:schedule"); err != nil {
				return err
			}
		}
	}
	// The index of the previous month, kept once the month is closed.
	t := now.In(tracking.Shanghai)
	prev := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, tracking.Shanghai).AddDate(0, -1, 0)
	m := tracking.Month(prev.Year(), prev.Month())
	if ok, err := d.Store.IndexMonthSaved(ctx, m.Key); err != nil {
		return err
	} else if !ok {
		cfg, err := d.Store.IndexIndicators(ctx)
		if err != nil {
			return err
		}
		ms, err := d.Store.EnvironmentIndex(ctx, m, cfg)
		if err != nil {
			return err
		}
		if err := d.Store.SaveIndexMonth(ctx, ms[0]); err != nil {
			return err
		}
	}
	// Negative records decay with time: recompute everyone once a day.
	if j, err := d.Store.Recompute(ctx, 0); err == nil && j.State != store.JobRunning && now.Sub(j.StartedAt) > 24*time.Hour && d.Scores != nil {
		d.Scores.RequestFull("每日重算（时间衰减）")
	}
	return nil
}
