package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// Migration 14 makes the key columns compare bytewise on PostgreSQL (a
// no-op on SQLite, which always does): stored records survive it, the
// identity stays unique and document numbers sort by code point.
func TestKeysCollateCMigration(t *testing.T) {
	open := map[string]func(t *testing.T) store.Options{
		"sqlite":   func(t *testing.T) store.Options { return store.Options{Path: filepath.Join(t.TempDir(), "x.db")} },
		"postgres": func(t *testing.T) store.Options { return store.Options{DSN: xtest.PostgresSchemaDSN(t)} },
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := store.Open(ctx, open[engine](t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := store.MigrateTo(s, 13); err != nil {
				t.Fatal(err)
			}
			insert := func(doc string, version int) error {
				return store.ExecInTx(s, `INSERT INTO records (subject_id, type, dept, doc_no, version, catalog_version, nature, disclosure, state, decision_date, content, content_hash, submitted_by, received_at)
					VALUES (1, 'penalty', 'samr', ?, ?, 1, 'bad', 'public', 'published', '2026-01-05', '{"CF_WSH":"x"}', 'h', 'test', 1)`, doc, version)
			}
			if err := store.ExecInTx(s, `INSERT INTO departments (code, name, created_at) VALUES ('samr', '市场监管局', 1)`); err != nil {
				t.Fatal(err)
			}
			for _, doc := range []string{"榕市监罚〔2026〕2号", "榕市监罚〔2026〕10号"} {
				if err := insert(doc, 1); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := store.MigrateTo(s, 14); err != nil || n != 1 {
				t.Fatalf("migrate to 14: %d, %v", n, err)
			}
			var docs []string
			rs, err := s.DB().QueryContext(ctx, `SELECT doc_no FROM records ORDER BY doc_no`)
			if err != nil {
				t.Fatal(err)
			}
			for rs.Next() {
				var d string
				if err := rs.Scan(&d); err != nil {
					t.Fatal(err)
				}
				docs = append(docs, d)
			}
			rs.Close()
			// Byte order: "1" < "2".
			if len(docs) != 2 || docs[0] != "榕市监罚〔2026〕10号" || docs[1] != "榕市监罚〔2026〕2号" {
				t.Fatalf("records after migration: %v", docs)
			}
			if err := insert("榕市监罚〔2026〕2号", 1); err == nil {
				t.Error("a second version 1 of a document was stored")
			}
			if err := insert("榕市监罚〔2026〕2号", 2); err != nil {
				t.Errorf("version 2: %v", err)
			}
			if engine == "postgres" {
				var coll string
				if err := s.DB().QueryRowContext(ctx, `SELECT collation_name FROM information_schema.columns
					WHERE table_schema = current_schema() AND table_name = 'records' AND column_name = 'doc_no'`).Scan(&coll); err != nil || coll != "C" {
					t.Errorf("doc_no collation %q, %v", coll, err)
				}
			}
			if err := s.Prepare(ctx, true); err != nil {
				t.Fatal(err)
			}
		})
	}
}
