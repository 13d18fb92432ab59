package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/" + s.D.Name
	ents, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("bad migration file name %s", e.Name())
		}
		b, err := migrationFS.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1..n without gaps; found %s", m.name)
		}
	}
	return out, nil
}

// SchemaVersion returns the applied and the latest known schema versions.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := s.migrations()
	if err != nil {
		return 0, 0, err
	}
	latest = len(ms)
	if _, err := s.w.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
		return 0, latest, fmt.Errorf("schema_version: %w", err)
	}
	err = s.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version),0) FROM schema_version").Scan(&current)
	return current, latest, err
}

// Migrate applies every pending migration, each in its own transaction, and
// returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	return s.migrateTo(ctx, 0)
}

// migrateTo applies the pending migrations up to version target (0: all).
func (s *Store) migrateTo(ctx context.Context, target int) (int, error) {
	cur, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	ms, _ := s.migrations()
	n := 0
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		if target > 0 && m.version > target {
			break
		}
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return n, err
		}
		for _, stmt := range splitSQL(m.sql) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return n, fmt.Errorf("migration %s: %w\n%s", m.name, err, stmt)
			}
		}
		if _, err := tx.ExecContext(ctx, s.D.Rebind("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"), m.version, micros(s.Now())); err != nil {
			tx.Rollback()
			return n, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return n, fmt.Errorf("migration %s: %w", m.name, err)
		}
		n++
	}
	return n, nil
}

// ErrSchemaBehind is returned by Ready when migrations are pending.
type ErrSchemaBehind struct{ Current, Latest int }

func (e ErrSchemaBehind) Error() string {
	return fmt.Sprintf("数据库结构版本 %d 落后于程序需要的 %d：请先运行 `xinyong migrate`，或以 `serve --migrate` 启动 (schema version %d is behind %d)", e.Current, e.Latest, e.Current, e.Latest)
}

// Prepare makes the store usable: an empty store is migrated; an existing
// one that is behind is migrated only when allowed, else refused.
func (s *Store) Prepare(ctx context.Context, allowMigrate bool) error {
	cur, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur > latest {
		return fmt.Errorf("数据库结构版本 %d 比程序（%d）更新：请升级 xinyong (schema is newer than this binary)", cur, latest)
	}
	if cur < latest {
		if cur != 0 && !allowMigrate {
			return ErrSchemaBehind{cur, latest}
		}
		if _, err := s.Migrate(ctx); err != nil {
			return err
		}
	}
	return nil
}

// splitSQL splits a migration file on semicolons at line ends.
func splitSQL(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "--") || trim == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trim, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}
