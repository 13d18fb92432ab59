package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of an SQLite store to path while it stays
// online (VACUUM INTO reads one snapshot). PostgreSQL is backed up with
// pg_dump (see docs/operations.md).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.D.Name != "sqlite" {
		return errors.New("backup of PostgreSQL: use pg_dump (see docs/operations.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup target %s already exists", path)
	}
	if strings.ContainsRune(path, '\'') {
		return errors.New("backup path must not contain a quote")
	}
	// A connection of its own: VACUUM INTO only reads a snapshot, so writers
	// on the store's single writer connection are not held up.
	db, err := sql.Open("sqlite", "file:"+s.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO '"+path+"'"); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
