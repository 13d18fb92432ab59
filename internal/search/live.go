package search

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

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

// relevant reports whether a change kind affects the name index.
func relevant(kind string) bool {
	return kind == "subject.created" || kind == "subject.changed" || kind == "subjects.bulk_created"
}

// NewFollower registers the change listener on st; call Load, then Run.
func NewFollower(st *store.Store, ix *Index, interval time.Duration) *Follower {
	f := &Follower{st: st, ix: ix, interval: interval, wake: make(chan struct{}, 1)}
	st.OnChange(func(c store.Change) {
		if relevant(c.Kind) {
			select {
			case f.wake <- struct{}{}:
			default:
			}
		}
	})
	return f
}

// FromEntry converts a store directory entry.
func FromEntry(d store.DirEntry) Entry {
	keys := make([]string, 0, 1+len(d.Former))
	keys = append(keys, d.NameNorm)
	keys = append(keys, d.Former...)
	return Entry{ID: d.ID, Code: d.Code, Name: d.Name, Type: d.Type, Region: d.Region, Keys: keys}
}

// Load reads every subject and replaces the index. The feed head is read
// first, so nothing committed during the load is missed by Sync.
func (f *Follower) Load(ctx context.Context) error {
	head, err := f.st.ChangeHead(ctx)
	if err != nil {
		return err
	}
	var all []Entry
	if err := f.st.EachDirEntry(ctx, 1, 0, func(d store.DirEntry) error {
		all = append(all, FromEntry(d))
		return nil
	}); err != nil {
		return err
	}
	f.ix.Replace(all)
	f.cursor = head
	return nil
}

// Sync applies the subject changes after the cursor. Not safe to call
// concurrently with Run.
func (f *Follower) Sync(ctx context.Context) error {
	for {
		cs, err := f.st.Changes(ctx, f.cursor, 1000)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if relevant(c.Kind) {
				if err := f.reload(ctx, c); err != nil {
					return err
				}
			}
			f.cursor = c.Seq
		}
		if len(cs) < 1000 {
			return nil
		}
	}
}

func (f *Follower) reload(ctx context.Context, c store.Change) error {
	from, to := c.SubjectID, c.SubjectID
	if c.Kind == "subjects.bulk_created" {
		// object is "subjects:<first>-<last>"
		a, b, ok := strings.Cut(strings.TrimPrefix(c.Object, "subjects:"), "-")
		x, err1 := strconv.ParseInt(a, 10, 64)
		y, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			slog.Warn("search: unreadable bulk change", "seq", c.Seq, "object", c.Object)
			return nil
		}
		from, to = x, y
	}
	if from == 0 {
		return nil
	}
	var batch []Entry
	err := f.st.EachDirEntry(ctx, from, to, func(d store.DirEntry) error {
		batch = append(batch, FromEntry(d))
		if len(batch) == 5000 {
			f.ix.Upsert(batch...)
			batch = batch[:0]
		}
		return nil
	})
	if len(batch) > 0 {
		f.ix.Upsert(batch...)
	}
	return err
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
// store until ctx ends. Until the load completes the index is not Ready and
// callers search in the store.
func Start(ctx context.Context, st *store.Store, interval time.Duration) *Index {
	ix := New()
	f := NewFollower(st, ix, interval)
	go func() {
		t0 := time.Now()
		if err := f.Load(ctx); err != nil {
			slog.Error("search: index load failed; searching in the database", "err", err)
			return
		}
		slog.Info("search: name index loaded", "subjects", ix.Len(), "ms", time.Since(t0).Milliseconds())
		f.Run(ctx)
	}()
	return ix
}
