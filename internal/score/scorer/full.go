package scorer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"xinyong/internal/errs"
	"xinyong/internal/store"
)

// RequestFull queues a background full recompute (coalesced).
func (s *Scorer) RequestFull(reason string) {
	select {
	case s.full <- reason:
	default:
	}
}

func (s *Scorer) fullWorker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case reason := <-s.full:
			job, err := s.StartFull(ctx, "system:score")
			if errs.Is(err, errs.KindConflict) {
				continue
			}
			if err != nil {
				slog.Error("score: start full recompute", "reason", reason, "err", err)
				continue
			}
			s.RunFull(ctx, job, nil)
		}
	}
}

// StartFull records a new job (Conflict when one is running).
func (s *Scorer) StartFull(ctx context.Context, actor string) (store.RecomputeJob, error) {
	n, err := s.st.SubjectCount(ctx)
	if err != nil {
		return store.RecomputeJob{}, err
	}
	return s.st.StartRecompute(ctx, s.Model().Version, n, actor, s.o.StaleAfter)
}

// StartFullAsync starts a job and runs it in the background (API).
func (s *Scorer) StartFullAsync(ctx context.Context, actor string) (store.RecomputeJob, error) {
	job, err := s.StartFull(ctx, actor)
	if err != nil {
		return job, err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.RunFull(context.WithoutCancel(ctx), job, nil)
	}()
	return job, nil
}

type rangeResult struct {
	lo   int64
	rows []store.ScoreRow
	err  error
}

// RunFull recomputes every subject: readers load facts by id range and
// compute in Go, one writer bulk-writes the scores and the progress.
// progress (optional) gets the number of subjects done.
func (s *Scorer) RunFull(ctx context.Context, job store.RecomputeJob, progress func(done int64)) error {
	err := s.runFull(ctx, job, progress)
	if err != nil {
		slog.Error("score: full recompute", "job", job.ID, "err", err)
	}
	return err
}

func (s *Scorer) runFull(ctx context.Context, job store.RecomputeJob, progress func(int64)) (err error) {
	var done int64
	defer func() {
		if ferr := s.st.FinishRecompute(context.WithoutCancel(ctx), job.ID, done, err); err == nil {
			err = ferr
		}
	}()
	maxID, err := s.st.MaxSubjectID(ctx)
	if err != nil {
		return err
	}
	m, names, now := s.Model(), *s.names.Load(), s.o.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ranges := make(chan int64)
	results := make(chan rangeResult, s.o.Readers)
	var wg sync.WaitGroup
	for range s.o.Readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range ranges {
				facts, err := s.st.ScoreFacts(ctx, lo, lo+s.o.Batch-1, names)
				var rows []store.ScoreRow
				if err == nil {
					rows = s.compute(m, facts, now, true)
				}
				select {
				case results <- rangeResult{lo, rows, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(ranges)
		for lo := int64(1); lo <= maxID; lo += s.o.Batch {
			select {
			case ranges <- lo:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	for r := range results {
		if r.err != nil {
			return fmt.Errorf("range %d: %w", r.lo, r.err)
		}
		done += int64(len(r.rows))
		if err := s.st.RecomputeBatch(ctx, job.ID, r.rows, done); err != nil {
			return err
		}
		s.remember(r.rows)
		if progress != nil {
			progress(done)
		}
	}
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	return nil
}
