// Package xtest has the fixtures shared by tests: a freshly migrated store
// per test on SQLite and, in the same test body, on PostgreSQL.
package xtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"xinyong/internal/store"
)

// DefaultPG is used when XINYONG_TEST_PG is unset.
const DefaultPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var (
	pgOnce   sync.Once
	pgDSN    string
	pgErr    error
	skipOnce sync.Once
)

// PostgresDSN returns the admin DSN for test databases, or an error when
// PostgreSQL does not answer.
func PostgresDSN() (string, error) {
	pgOnce.Do(func() {
		pgDSN = os.Getenv("XINYONG_TEST_PG")
		if pgDSN == "" {
			pgDSN = DefaultPG
		}
		db, err := sql.Open("pgx", pgDSN)
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
	})
	return pgDSN, pgErr
}

// NeedPostgres fails the test in CI, or skips it loudly elsewhere, when
// PostgreSQL is not reachable. It returns the admin DSN.
func NeedPostgres(t testing.TB) string {
	t.Helper()
	dsn, err := PostgresDSN()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL required in CI but not reachable at %s: %v", dsn, err)
		}
		skipOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "\n!!!!!!!! PostgreSQL tests SKIPPED: %v !!!!!!!!\n\n", err)
		})
		t.Skip("PostgreSQL tests SKIPPED")
	}
	return dsn
}

// Options tune a test store.
type Options struct {
	Now func() time.Time
}

// SQLiteStore returns a freshly migrated SQLite store in a temp dir.
func SQLiteStore(t testing.TB, o Options) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "xinyong.db")
	s, err := store.Open(context.Background(), store.Options{Path: path, Now: o.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Prepare(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	return s
}

// PostgresSchemaDSN creates a fresh schema and returns a DSN that uses it
// (dropped at cleanup).
func PostgresSchemaDSN(t testing.TB) string {
	t.Helper()
	admin := NeedPostgres(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresStore returns a freshly migrated store in its own schema.
func PostgresStore(t testing.TB, o Options) *store.Store {
	t.Helper()
	dsn := PostgresSchemaDSN(t)
	s, err := store.Open(context.Background(), store.Options{DSN: dsn, Now: o.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Prepare(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	return s
}

// Each runs body once on SQLite and once on PostgreSQL, as parallel subtests.
func Each(t *testing.T, body func(t *testing.T, s *store.Store)) {
	EachWith(t, Options{}, body)
}

// EachWith is Each with options.
func EachWith(t *testing.T, o Options, body func(t *testing.T, s *store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		body(t, SQLiteStore(t, o))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		body(t, PostgresStore(t, o))
	})
}

// Engines lists the engines a test helper can create, for tests that need
// to open the store themselves (e.g. restart tests): it returns a function
// giving an Options-less open for each engine.
type Engine struct {
	Name string
	// Open opens (and on first call creates) the same store again.
	Open func(t testing.TB) *store.Store
	// DSN is the PostgreSQL DSN or "sqlite:<path>" for subprocess tests.
	DSN string
}

// EachEngine runs body with an Engine that can be reopened (restart tests).
func EachEngine(t *testing.T, body func(t *testing.T, e Engine)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "xinyong.db")
		body(t, Engine{Name: "sqlite", DSN: "sqlite:" + path, Open: func(t testing.TB) *store.Store {
			s, err := store.Open(context.Background(), store.Options{Path: path})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Prepare(context.Background(), true); err != nil {
				t.Fatal(err)
			}
			return s
		}})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := PostgresSchemaDSN(t)
		body(t, Engine{Name: "postgres", DSN: dsn, Open: func(t testing.TB) *store.Store {
			s, err := store.Open(context.Background(), store.Options{DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Prepare(context.Background(), true); err != nil {
				t.Fatal(err)
			}
			return s
		}})
	})
}

// Clock is a settable test clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// EachClock is Each with a clock of its own for each engine's subtest (the
// subtests run in parallel, so they must not share one that tests move).
func EachClock(t *testing.T, start time.Time, body func(t *testing.T, s *store.Store, clk *Clock)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		clk := NewClock(start)
		body(t, SQLiteStore(t, Options{Now: clk.Now}), clk)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		clk := NewClock(start)
		body(t, PostgresStore(t, Options{Now: clk.Now}), clk)
	})
}

// OtherNode opens a second handle on s's database under another lease
// owner name: a second node sharing the store.
func OtherNode(t testing.TB, s *store.Store, name string) *store.Store {
	t.Helper()
	o := store.Options{Path: s.Path, DSN: s.DSN, Node: name}
	if s.DSN != "" {
		o.Path = ""
	}
	n, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}
