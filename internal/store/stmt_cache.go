package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the read statement cache: queries whose text varies
// (placeholder lists) beyond it are simply prepared each time.
const maxCachedStmts = 512

// readStmts keeps the read pool's prepared statements by query text, on
// SQLite only (pgx caches statements per connection itself). modernc's
// SQLite spends more on parsing most of our statements than on running
// them: a subject's refresh (five queries) spent two thirds of its CPU in
// sqlite3_prepare.
type readStmts struct {
	m      sync.Map // query text -> *sql.Stmt
	mu     sync.Mutex
	n      int
	closed bool
}

// readStmt returns the cached statement for q, preparing it on first use;
// nil when q is not to be cached (PostgreSQL, cache full, closed, or the
// prepare failed — the caller then runs q directly and meets the error).
func (s *Store) readStmt(ctx context.Context, q string) *sql.Stmt {
	if s.D.Name != SQLite.Name {
		return nil
	}
	c := &s.stmts
	if v, ok := c.m.Load(q); ok {
		return v.(*sql.Stmt)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m.Load(q); ok {
		return v.(*sql.Stmt)
	}
	if c.closed || c.n >= maxCachedStmts {
		return nil
	}
	st, err := s.r.PrepareContext(context.WithoutCancel(ctx), s.D.Rebind(q))
	if err != nil {
		return nil
	}
	c.m.Store(q, st)
	c.n++
	return st
}

// closeStmts closes the cached statements (Close).
func (s *Store) closeStmts() {
	c := &s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
}
