package search

import (
	"context"
	"log/slog"
	"time"

	"xinyong/internal/directory"
	"xinyong/internal/store"
)

// Follower loads the index from the store and keeps it current: changes
// committed on this node wake it at once (Store.OnChange), and the change
// feed is tailed every interval for changes made by other nodes.
type Follower struct {
	st       *store.Store
	ix       *Index
	interval time.Duration
	cursor   int64
	wake     chan struct{}
}

// NewFollower registers the change listener on st; call Load, then Run.
func NewFollower(st *store.Store, ix *Index, interval time.Duration) *Follower {
	f := &Follower{st: st, ix: ix, interval: interval, wake: make(chan struct{}, 1)}
	st.OnChange(func(c store.Change) {
		if directory.Relevant(c.Kind) {
			select {
			case f.wake <- struct{}{}:
			default:
			}
		}
	})
	return f
}

// Load brings the directory up to the feed head (reading every subject
// when the directory is the index's own) and builds the index. The head is
// read first, so nothing committed during the load is missed by Sync.
func (f *Follower) Load(ctx context.Context) error {
	head, err := f.st.ChangeHead(ctx)
	if err != nil {
		return err
	}
	d := f.ix.directory()
	if f.ix.own {
		if err := d.Load(ctx, f.st); err != nil {
			return err
		}
	}
	if err := d.SyncTo(ctx, f.st, head); err != nil {
		return err
	}
	f.ix.Build()
	f.cursor = head
	return nil
}

// Sync applies the subject changes after the cursor. Not safe to call
// concurrently with Run.
func (f *Follower) Sync(ctx context.Context) error {
	d := f.ix.directory()
	for {
		cs, err := f.st.Changes(ctx, f.cursor, 1000)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if directory.Relevant(c.Kind) {
				from, to, ok := directory.Range(c)
				if !ok && c.SubjectID == 0 {
					slog.Warn("search: unreadable subject change", "seq", c.Seq, "kind", c.Kind, "object", c.Object)
				}
				if ok {
					if err := d.SyncTo(ctx, f.st, c.Seq); err != nil {
						return err
					}
					f.ix.AddRange(from, to)
				}
			}
			f.cursor = c.Seq
		}
		if len(cs) < 1000 {
			return nil
		}
	}
}

// Run syncs on every local change and every interval until ctx ends.
func (f *Follower) Run(ctx context.Context) {
	t := time.NewTicker(f.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-f.wake:
		}
		if err := f.Sync(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("search: sync failed", "err", err)
		}
	}
}

// Start returns an index that loads in the background and then follows the
// store until ctx ends. It is built over the subject directory of st shared
// with the other components of this process (directory.Of). Until the load
// completes the index is not Ready and callers search in the store.
func Start(ctx context.Context, st *store.Store, interval time.Duration) *Index {
	ix := &Index{post: map[uint64][]int32{}}
	f := NewFollower(st, ix, interval)
	go func() {
		t0 := time.Now()
		d, err := directory.Of(ctx, st)
		if err == nil {
			ix.mu.Lock()
			ix.dir = d
			ix.mu.Unlock()
			err = f.Load(ctx)
		}
		if err != nil {
			slog.Error("search: index load failed; searching in the database", "err", err)
			return
		}
		slog.Info("search: name index loaded", "subjects", ix.Len(), "ms", time.Since(t0).Milliseconds())
		f.Run(ctx)
	}()
	return ix
}
