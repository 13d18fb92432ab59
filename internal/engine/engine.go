// Package engine keeps the in-memory index the check is answered from: one
// immutable snapshot per subject in sharded maps, and the immutable rule set
// behind an atomic pointer. It is built from the store at start and kept
// consistent with committed changes: changes committed on this node are
// applied at once (Store.OnChange → a background refresher), changes of
// other nodes by tailing the change feed every TailInterval.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"xinyong/internal/check"
	"xinyong/internal/directory"
	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/store"
)

// Options tune the engine.
type Options struct {
	TailInterval time.Duration // default 200ms
	MaxLogBatch  int           // group buffers larger than this are not kept for reuse, default 2000
	LogLinger    time.Duration // how long a group's leader waits for more checks, default 1 ms (no journal only)
	// JournalDir is the directory of this node's check journal (logger.go):
	// checks are logged there with one write per group and moved into
	// check_log every MoveInterval (default 250 ms). Empty: every group is
	// committed to check_log directly.
	JournalDir   string
	MoveInterval time.Duration
	// JournalSync says when a journal write is made durable before the
	// answer: JournalSyncStore (default) as the store's own commits are,
	// JournalSyncAlways with an fdatasync per group (see logger.go).
	JournalSync JournalSync
	// RedCheckYears is how far back red-list cross-checks look for negative
	// records (default list.DefaultRedCheckYears).
	RedCheckYears int
}

const shardCount = 256

type shard struct {
	mu sync.RWMutex
	t  table
}

type refreshReq struct {
	id  int64
	seq int64
}

// Engine is the in-memory check index of one node.
type Engine struct {
	st      *store.Store
	o       Options
	rules   atomic.Pointer[check.RuleSet]
	shards  [shardCount]shard
	dir     *directory.Directory // codes, names and types (shared)
	refresh chan refreshReq
	rebuild chan struct{}
	reload  chan struct{}
	lastSeq atomic.Int64
	// seen holds the sequence numbers this node's own commits delivered
	// through Store.OnChange, so that the tailer does not apply them again.
	seenMu  sync.Mutex
	seen    map[int64]struct{}
	gl      groupLog    // logger.go
	jl      *journalLog // nil without a journal
	logStat logStats
	idPre   string
	idSeq   atomic.Uint64
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	// classify gives a subject's supervision class (set by the scorer).
	classify atomic.Pointer[func(int64) *check.Supervision]
}

// SetClassifier makes every answer carry the subject's supervision class.
func (e *Engine) SetClassifier(fn func(subjectID int64) *check.Supervision) { e.classify.Store(&fn) }

// Start builds the index from the store (seeding the rule tables on first
// start) and starts the background refresher, tailer and check logger.
func Start(ctx context.Context, st *store.Store, o Options) (*Engine, error) {
	if o.TailInterval <= 0 {
		o.TailInterval = 200 * time.Millisecond
	}
	if o.MaxLogBatch <= 0 {
		o.MaxLogBatch = 2000
	}
	if o.LogLinger <= 0 {
		o.LogLinger = time.Millisecond
	}
	if o.RedCheckYears <= 0 {
		o.RedCheckYears = list.DefaultRedCheckYears
	}
	e := &Engine{st: st, o: o, refresh: make(chan refreshReq, 1<<16), rebuild: make(chan struct{}, 1),
		reload: make(chan struct{}, 1), idPre: newIDPrefix(), seen: map[int64]struct{}{}}
	for i := range e.shards {
		e.shards[i].t = newTable()
	}
	if err := st.SeedRules(ctx, list.Seed(), measure.Seed()); err != nil {
		return nil, fmt.Errorf("seed rules: %w", err)
	}
	if err := e.loadRules(ctx); err != nil {
		return nil, err
	}
	seq, err := st.LastChangeSeq(ctx)
	if err != nil {
		return nil, err
	}
	e.lastSeq.Store(seq)
	if err := e.build(ctx, seq); err != nil {
		return nil, err
	}
	if err := e.openJournal(ctx); err != nil { // logger.go
		return nil, err
	}
	st.OnChange(e.onLocalChange)
	bg, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	e.wg.Add(2)
	go func() { defer e.wg.Done(); e.refresher(bg) }()
	go func() { defer e.wg.Done(); e.tailer(bg) }()
	e.startLogger()
	return e, nil
}

// Close stops the background work; checks already logged are moved from
// the journal into the store first.
func (e *Engine) Close() {
	e.cancel()
	e.wg.Wait()
	e.stopLogger()
}

// Rules returns the current rule set.
func (e *Engine) Rules() *check.RuleSet { return e.rules.Load() }

// RedCheckYears is the configured cross-check span for red lists.
func (e *Engine) RedCheckYears() int { return e.o.RedCheckYears }

// Size returns how many subjects are indexed.
func (e *Engine) Size() int64 { return int64(e.dir.Len()) }

// Lookup returns the snapshot of a subject code, nil when unknown.
func (e *Engine) Lookup(code string) *check.Snapshot { return e.lookup(code) }

func (e *Engine) shard(id int64) *shard {
	return &e.shards[uint64(id)%shardCount]
}

// Check evaluates one check from memory.
func (e *Engine) Check(code string, sc measure.Scenario, asOf time.Time, related bool) (check.Answer, *check.Snapshot) {
	s := e.Lookup(code)
	in := check.Input{Subject: s, Scenario: sc, AsOf: asOf, Rules: e.Rules()}
	if related && s != nil && len(s.Persons) > 0 {
		in.Related = make([]*check.Snapshot, len(s.Persons))
		for i, p := range s.Persons {
			in.Related[i] = e.Lookup(p.Code)
		}
	}
	a := check.Evaluate(in)
	if fn := e.classify.Load(); fn != nil && s != nil {
		a.Supervision = (*fn)(s.SubjectID)
	}
	return a, s
}

func (e *Engine) loadRules(ctx context.Context) error {
	types, ms, version, err := e.st.Rules(ctx)
	if err != nil {
		return fmt.Errorf("load rules: %w", err)
	}
	e.rules.Store(check.NewRuleSet(version, types, ms))
	return nil
}

// onLocalChange receives this node's commits (in the committing
// goroutine) and remembers them for the tailer.
func (e *Engine) onLocalChange(c store.Change) {
	if c.Seq > e.lastSeq.Load() {
		e.seenMu.Lock()
		e.seen[c.Seq] = struct{}{}
		e.seenMu.Unlock()
	}
	e.onChange(c)
}

// applied reports (and forgets) whether seq was applied as a local change.
func (e *Engine) applied(seq int64) bool {
	e.seenMu.Lock()
	defer e.seenMu.Unlock()
	if _, ok := e.seen[seq]; ok {
		delete(e.seen, seq)
		return true
	}
	return false
}

// forgetSeen drops remembered local changes the tailer has passed (a local
// change the tailer read before its listener ran).
func (e *Engine) forgetSeen(upTo int64) {
	e.seenMu.Lock()
	defer e.seenMu.Unlock()
	for seq := range e.seen {
		if seq <= upTo {
			delete(e.seen, seq)
		}
	}
}

// onChange queues the work a committed change needs (it runs in the
// committing goroutine or the tailer: it only queues).
func (e *Engine) onChange(c store.Change) {
	switch {
	case c.Kind == store.KindRulesChanged:
		signal(e.reload)
	case c.SubjectID != 0:
		select {
		case e.refresh <- refreshReq{c.SubjectID, c.Seq}:
		default:
			signal(e.rebuild) // queue full: fall back to a rebuild
		}
	case strings.Contains(c.Kind, "bulk"):
		signal(e.rebuild)
	}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (e *Engine) refresher(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.reload:
			if err := e.loadRules(ctx); err != nil && !errors.Is(err, context.Canceled) {
				slog.Error("check index: reload rules", "err", err)
			}
		case <-e.rebuild:
			seq, err := e.st.LastChangeSeq(ctx)
			if err == nil {
				err = e.build(ctx, seq)
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				slog.Error("check index: rebuild", "err", err)
			}
		case r := <-e.refresh:
			// Coalesce what is queued: an import names a new subject twice
			// (created, record published), a busy subject many times.
			batch := map[int64]int64{r.id: r.seq}
		drain:
			for len(batch) < 4096 {
				select {
				case r := <-e.refresh:
					batch[r.id] = max(batch[r.id], r.seq)
				default:
					break drain
				}
			}
			for id, seq := range batch {
				e.refreshSubject(ctx, refreshReq{id, seq}, true)
			}
		}
	}
}

// refreshSubject reloads one subject and, for an organisation, the persons
// its entries bind (before and after), whose snapshots show those entries.
func (e *Engine) refreshSubject(ctx context.Context, r refreshReq, follow bool) {
	err := e.dir.SyncTo(ctx, e.st, r.seq)
	var s *check.Snapshot
	if err == nil {
		s, err = e.st.SnapshotByID(ctx, r.id)
	}
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			slog.Error("check index: refresh", "subject_id", r.id, "err", err)
		}
		return
	}
	old := e.Lookup(s.Code)
	e.put(s, r.seq)
	if !follow {
		return
	}
	seen := map[int64]bool{}
	for _, sn := range []*check.Snapshot{old, s} {
		if sn == nil {
			continue
		}
		for _, en := range sn.Entries {
			for _, p := range en.Persons {
				if !seen[p.SubjectID] {
					seen[p.SubjectID] = true
					e.refreshSubject(ctx, refreshReq{p.SubjectID, r.seq}, false)
				}
			}
		}
	}
}

// tailer follows the change feed for changes committed by other nodes.
func (e *Engine) tailer(ctx context.Context) {
	t := time.NewTicker(e.o.TailInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			cs, err := e.st.Changes(ctx, e.lastSeq.Load(), 1000)
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					slog.Error("check index: tail changes", "err", err)
				}
				break
			}
			for _, c := range cs {
				if !e.applied(c.Seq) {
					e.onChange(c)
				}
				e.lastSeq.Store(c.Seq)
			}
			if len(cs) < 1000 {
				break
			}
		}
		e.forgetSeen(e.lastSeq.Load())
	}
}

// Codes returns up to n distinct indexed subject codes spread over the id
// range (for benchmarks and smoke tests).
func (e *Engine) Codes(n int) []string {
	out := make([]string, 0, n)
	e.dir.Read(func(v directory.View) {
		step := max(1, v.MaxID()/int64(max(n, 1)))
		for first := int64(1); first <= step && len(out) < n; first++ {
			for id := first; id <= v.MaxID() && len(out) < n; id += step {
				if s, ok := v.Get(id); ok {
					out = append(out, strings.Clone(s.Code))
				}
			}
		}
	})
	return out
}
