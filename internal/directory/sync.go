package directory

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"weak"

	"xinyong/internal/store"
)

// Relevant reports whether a change of this kind changes the directory.
func Relevant(kind string) bool {
	return kind == "subject.created" || kind == "subject.changed" || kind == "subjects.bulk_created"
}

// Range returns the ids of the subjects a relevant change is about
// (ok false for a change that names none).
func Range(c store.Change) (from, to int64, ok bool) {
	if c.Kind == "subjects.bulk_created" {
		// object is "subjects:<first>-<last>"
		a, b, found := strings.Cut(strings.TrimPrefix(c.Object, "subjects:"), "-")
		x, err1 := strconv.ParseInt(a, 10, 64)
		y, err2 := strconv.ParseInt(b, 10, 64)
		if !found || err1 != nil || err2 != nil || x > y {
			return 0, 0, false
		}
		return x, y, true
	}
	return c.SubjectID, c.SubjectID, c.SubjectID > 0
}

// Load reads every subject of st into d. The change-feed head is read
// first, so SyncTo replays whatever is committed during the load.
func (d *Directory) Load(ctx context.Context, st *store.Store) error {
	head, err := st.ChangeHead(ctx)
	if err != nil {
		return err
	}
	if maxID, err := st.MaxSubjectID(ctx); err != nil {
		return err
	} else if maxID > MaxID {
		return fmt.Errorf("directory: subject id %d out of range", maxID)
	} else {
		d.Reserve(int(maxID))
	}
	if err := d.refresh(ctx, st, 1, 0); err != nil {
		return err
	}
	d.advance(head)
	return nil
}

// refresh re-reads the subjects with from <= id <= to (to 0: no bound).
func (d *Directory) refresh(ctx context.Context, st *store.Store, from, to int64) error {
	return st.EachDirEntry(ctx, from, to, func(e store.DirEntry) error {
		return d.Put(Entry{ID: e.ID, Code: e.Code, Name: e.Name, NameNorm: e.NameNorm, Type: e.Type, Region: e.Region}, e.Former...)
	})
}

func (d *Directory) advance(seq int64) {
	for {
		c := d.cursor.Load()
		if c >= seq || d.cursor.CompareAndSwap(c, seq) {
			return
		}
	}
}

// SyncTo applies the subject changes of the feed after Cursor until the
// directory reflects at least seq (seq < 0: everything committed). The
// changed subjects are re-read from st.
func (d *Directory) SyncTo(ctx context.Context, st *store.Store, seq int64) error {
	if seq >= 0 && d.cursor.Load() >= seq {
		return nil
	}
	d.syncMu.Lock()
	defer d.syncMu.Unlock()
	const page = 1000
	for seq < 0 || d.cursor.Load() < seq {
		cs, err := st.Changes(ctx, d.cursor.Load(), page)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if Relevant(c.Kind) {
				if from, to, ok := Range(c); ok {
					if err := d.refresh(ctx, st, from, to); err != nil {
						return err
					}
				}
			}
			d.advance(c.Seq)
		}
		if len(cs) < page {
			if seq >= 0 {
				d.advance(seq) // nothing further committed up to seq
			}
			return nil
		}
	}
	return nil
}

// shared is the directory of one store in this process.
var shared struct {
	mu sync.Mutex
	m  map[weak.Pointer[store.Store]]*loading
}

type loading struct {
	done chan struct{}
	d    *Directory
	err  error
}

// Of returns the directory of st shared by every component of this process
// (loaded on first use; later callers wait for that load). It is dropped
// when st is no longer reachable. Callers keep it current with SyncTo.
func Of(ctx context.Context, st *store.Store) (*Directory, error) {
	key := weak.Make(st)
	shared.mu.Lock()
	if shared.m == nil {
		shared.m = map[weak.Pointer[store.Store]]*loading{}
	}
	l, ok := shared.m[key]
	if !ok {
		l = &loading{done: make(chan struct{}), d: New()}
		shared.m[key] = l
		runtime.AddCleanup(st, func(k weak.Pointer[store.Store]) {
			shared.mu.Lock()
			delete(shared.m, k)
			shared.mu.Unlock()
		}, key)
	}
	shared.mu.Unlock()
	if !ok {
		l.err = l.d.Load(ctx, st)
		if l.err != nil {
			shared.mu.Lock()
			delete(shared.m, key) // the next caller tries again
			shared.mu.Unlock()
		}
		close(l.done)
	}
	select {
	case <-l.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if l.err != nil {
		return nil, l.err
	}
	return l.d, nil
}
