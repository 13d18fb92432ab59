// Package scorer keeps the stored credit scores current: it recomputes the
// subjects touched by committed changes (record.*, entry.*, subject.* kinds,
// followed on the change feed, so changes of other nodes count too) within
// seconds, runs full background recomputes with progress, and holds the
// in-memory grade of every subject for the check's supervision class.
package scorer

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"xinyong/internal/check"
	"xinyong/internal/score"
	"xinyong/internal/store"
)

// Options tune the scorer.
type Options struct {
	Interval time.Duration // change-feed poll, default 2s
	// LeaseTTL is how long the node writing score updates holds
	// store.ScoreLease; another node takes over that long after the holder
	// died. Default 15s.
	LeaseTTL time.Duration
	// StaleAfter is how long a running full recompute may go without
	// progress before another node takes it over. Default 45s.
	StaleAfter time.Duration
	Batch      int64 // subjects per range in a full recompute, default 5000
	Readers    int   // concurrent range readers, default 2
	Now        func() time.Time
}

// Scorer is the score maintenance service of one node.
type Scorer struct {
	st     *store.Store
	o      Options
	model  atomic.Pointer[score.Model]
	names  atomic.Pointer[store.Names]
	mu     sync.RWMutex
	grades []uint8 // by subject id: 1 + index in score.Grades, 0 = none
	wake   chan struct{}
	full   chan string
	cancel context.CancelFunc
	wg     sync.WaitGroup
	cursor int64 // feed position this node's grades follow

	leaseHeld  bool      // ScoreLease, as of leaseCheck
	leaseCheck time.Time // when to ask the store again
}

// New loads the active model, the names and the stored grades.
func New(ctx context.Context, st *store.Store, o Options) (*Scorer, error) {
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 15 * time.Second
	}
	if o.StaleAfter <= 0 {
		o.StaleAfter = 45 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 5000
	}
	if o.Readers <= 0 {
		o.Readers = 2
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Scorer{st: st, o: o, wake: make(chan struct{}, 1), full: make(chan string, 1)}
	if err := s.reload(ctx); err != nil {
		return nil, err
	}
	err := st.EachGrade(ctx, func(id int64, g string) { s.setGrade(id, g) })
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Scorer) reload(ctx context.Context) error {
	m, err := s.st.ActiveScoreModel(ctx)
	if err != nil {
		return err
	}
	n, err := s.st.ScoreNames(ctx)
	if err != nil {
		return err
	}
	s.model.Store(m)
	s.names.Store(&n)
	return nil
}

// Model returns the active model.
func (s *Scorer) Model() *score.Model { return s.model.Load() }

// Start follows the change feed from now on until Close.
func (s *Scorer) Start(ctx context.Context) error {
	seq, err := s.st.LastChangeSeq(ctx)
	if err != nil {
		return err
	}
	s.cursor = seq
	s.st.OnChange(func(c store.Change) {
		if relevant(c) || c.Kind == store.KindScoreModel {
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
	})
	bg, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.follow(bg) }()
	go func() { defer s.wg.Done(); s.fullWorker(bg) }()
	return nil
}

// Close stops the background work.
func (s *Scorer) Close() {
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
	}
}

func relevant(c store.Change) bool {
	if c.SubjectID == 0 {
		return false
	}
	for _, p := range []string{"record.", "entry.", "subject.", "repair.", "commitment.", "objection."} {
		if strings.HasPrefix(c.Kind, p) {
			return true
		}
	}
	return false
}

func (s *Scorer) follow(ctx context.Context) {
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
		if err := s.drain(ctx); err != nil && !errors.Is(err, context.Canceled) {
			slog.Error("score: follow changes", "err", err)
		}
	}
}

// drain follows the feed. Every node recomputes the subjects a change
// touches for its in-memory grades; only the node holding store.ScoreLease
// stores them (with the feed position, in one transaction), requests full
// recomputes for bulk changes and takes over an abandoned full recompute,
// so that with several nodes each update is written once.
func (s *Scorer) drain(ctx context.Context) error {
	held, err := s.holdsLease(ctx)
	if err != nil {
		return err
	}
	from, written := s.cursor, int64(-1)
	if held {
		w, ok, err := s.st.ScoreCursor(ctx)
		if err != nil {
			return err
		}
		if ok {
			// Resume where the last writer stopped (a lagging node also
			// catches its grades up from there).
			from, written = min(from, w), w
		}
		if err := s.takeOverStale(ctx); err != nil {
			return err
		}
	}
	for {
		cs, err := s.st.Changes(ctx, from, 2000)
		if err != nil {
			return err
		}
		ids := map[int64]bool{}
		for _, c := range cs {
			switch {
			case c.Kind == store.KindScoreModel:
				if err := s.reload(ctx); err != nil {
					return err
				}
				if held {
					s.RequestFull("评价模型已更新")
				}
			case c.Kind == store.KindScoresRecomputed:
				if err := s.st.EachGrade(ctx, s.setGrade); err != nil {
					return err
				}
			case c.Kind == store.KindEntriesBulkLoaded || strings.Contains(c.Kind, "bulk"):
				if held {
					s.RequestFull("批量导入：" + c.Kind)
				}
			case relevant(c):
				ids[c.SubjectID] = true
			}
		}
		list := make([]int64, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		rows, err := s.computeIDs(ctx, list)
		if err != nil {
			return err
		}
		last := from
		if len(cs) > 0 {
			last = cs[len(cs)-1].Seq
		}
		if held && (len(rows) > 0 || last != written) {
			if err := s.st.SaveScoresUpTo(ctx, rows, "system:score", "变更后自动重算", last); err != nil {
				return err
			}
			written = last
		}
		s.remember(rows)
		s.cursor, from = max(s.cursor, last), last
		if len(cs) < 2000 {
			return nil
		}
	}
}

// holdsLease reports whether this node writes score updates, asking the
// store (taking or renewing store.ScoreLease) at most every LeaseTTL/3.
func (s *Scorer) holdsLease(ctx context.Context) (bool, error) {
	now := time.Now()
	if now.Before(s.leaseCheck) {
		return s.leaseHeld, nil
	}
	ok, err := s.st.TryLease(ctx, store.ScoreLease, s.o.LeaseTTL)
	if err != nil {
		return false, err
	}
	s.leaseHeld, s.leaseCheck = ok, now.Add(s.o.LeaseTTL/3)
	return ok, nil
}

// takeOverStale restarts a full recompute whose node stopped reporting
// progress (StartRecompute fails the abandoned job).
func (s *Scorer) takeOverStale(ctx context.Context) error {
	j, err := s.st.Recompute(ctx, 0)
	if err != nil || j.State != store.JobRunning {
		return nil // no job yet, or none running
	}
	if s.o.Now().Sub(j.UpdatedAt) > s.o.StaleAfter {
		s.RequestFull("接管中断的全量重算")
	}
	return nil
}

// computeIDs recomputes the listed subjects (not stored).
func (s *Scorer) computeIDs(ctx context.Context, ids []int64) ([]store.ScoreRow, error) {
	m, n := s.Model(), s.names.Load()
	now := s.o.Now()
	var out []store.ScoreRow
	for start := 0; start < len(ids); start += 500 {
		facts, err := s.st.ScoreFactsOf(ctx, ids[start:min(start+500, len(ids))], *n)
		if err != nil {
			return nil, err
		}
		out = append(out, s.compute(m, facts, now, false)...)
	}
	return out, nil
}

// Refresh recomputes and stores the scores of the listed subjects now.
func (s *Scorer) Refresh(ctx context.Context, ids []int64, reason string) error {
	rows, err := s.computeIDs(ctx, ids)
	if err == nil && len(rows) > 0 {
		err = s.st.SaveScores(ctx, rows, "system:score", reason)
	}
	if err == nil {
		s.remember(rows)
	}
	return err
}

// compute evaluates facts; compact rows hold only what is stored (see
// store.ScoreRow.Compact), each compacted as soon as it is computed.
func (s *Scorer) compute(m *score.Model, facts []*score.Facts, now time.Time, compact bool) []store.ScoreRow {
	rows := make([]store.ScoreRow, len(facts))
	for i, f := range facts {
		rows[i] = store.ScoreRow{Score: score.Compute(m, f, now), Negatives: store.Negatives(f)}
		if compact {
			rows[i].Compact()
		}
		facts[i] = nil // done with them
	}
	return rows
}

func (s *Scorer) remember(rows []store.ScoreRow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rows {
		s.setGradeLocked(r.Score.SubjectID, r.Score.Grade)
	}
}

func (s *Scorer) setGrade(id int64, g string) {
	s.mu.Lock()
	s.setGradeLocked(id, g)
	s.mu.Unlock()
}

func (s *Scorer) setGradeLocked(id int64, g string) {
	if id <= 0 {
		return
	}
	if int(id) >= len(s.grades) {
		n := make([]uint8, max(int(id)+1, len(s.grades)*2, 1024))
		copy(n, s.grades)
		s.grades = n
	}
	s.grades[id] = uint8(score.GradeRank(g) + 1)
}

// Grade returns a subject's current grade ("" when not scored).
func (s *Scorer) Grade(id int64) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id <= 0 || int(id) >= len(s.grades) || s.grades[id] == 0 {
		return ""
	}
	return score.Grades[s.grades[id]-1]
}

// Classify is the check's view of a subject's class (nil when not scored).
func (s *Scorer) Classify(id int64) *check.Supervision {
	g := s.Grade(id)
	if g == "" {
		return nil
	}
	c := s.Model().ClassOf(g)
	if c == nil {
		return nil
	}
	return &check.Supervision{Grade: g, Class: c.Code, Name: c.Name, Mode: c.Mode, PerYear: c.PerYear}
}

// ComputeAsOf evaluates one subject with the active model as of a time
// (not stored).
func (s *Scorer) ComputeAsOf(ctx context.Context, id int64, asOf time.Time) (score.Score, *score.Facts, error) {
	facts, err := s.st.ScoreFactsOf(ctx, []int64{id}, *s.names.Load())
	if err != nil || len(facts) == 0 {
		return score.Score{}, nil, err
	}
	return score.Compute(s.Model(), facts[0], asOf), facts[0], nil
}
