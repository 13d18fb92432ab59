package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"xinyong/internal/audit"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
)

// Catalogue versions are immutable once stored, so parsed versions are cached
// by number for the life of the process (on every node alike).
var catalogCache sync.Map // int → catalog.Catalog

// CatalogVersionInfo describes one stored catalogue version.
type CatalogVersionInfo struct {
	Version   int    `json:"version"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
}

// Catalog returns the current catalogue, storing the embedded seed as
// version 1 the first time.
func (s *Store) Catalog(ctx context.Context) (catalog.Catalog, error) {
	var v int
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(version),0) FROM catalog_versions`).Scan(&v); err != nil {
		return catalog.Catalog{}, fmt.Errorf("catalog version: %w", err)
	}
	if v == 0 {
		if err := s.InTx(ctx, func(tx *Tx) error { return tx.seedCatalog() }); err != nil {
			return catalog.Catalog{}, err
		}
		v = 1
	}
	return s.CatalogVersion(ctx, v)
}

func (tx *Tx) seedCatalog() error {
	seed := catalog.Seed()
	body, err := json.Marshal(seed)
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO catalog_versions (version, body, created_by, created_at) VALUES (?,?,?,?) ON CONFLICT (version) DO NOTHING`,
		seed.Version, string(body), "system:seed", micros(tx.s.Now()))
	return err
}

// CatalogVersion returns one stored catalogue version.
func (s *Store) CatalogVersion(ctx context.Context, v int) (catalog.Catalog, error) {
	if c, ok := catalogCache.Load(v); ok {
		return c.(catalog.Catalog), nil
	}
	var body string
	err := s.queryRow(ctx, `SELECT body FROM catalog_versions WHERE version = ?`, v).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Catalog{}, errs.NotFound("catalog.version_not_found", "信用信息目录版本不存在："+strconv.Itoa(v))
	} else if err != nil {
		return catalog.Catalog{}, fmt.Errorf("catalog %d: %w", v, err)
	}
	c, err := catalog.Load([]byte(body))
	if err != nil {
		return catalog.Catalog{}, fmt.Errorf("stored catalog %d: %w", v, err)
	}
	catalogCache.Store(v, c)
	return c, nil
}

// CatalogVersions lists the stored versions, newest first.
func (s *Store) CatalogVersions(ctx context.Context) ([]CatalogVersionInfo, error) {
	if _, err := s.Catalog(ctx); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT version, created_by, created_at FROM catalog_versions ORDER BY version DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CatalogVersionInfo
	for rows.Next() {
		var i CatalogVersionInfo
		var at int64
		if err := rows.Scan(&i.Version, &i.CreatedBy, &at); err != nil {
			return nil, err
		}
		i.CreatedAt = fromMicros(at).Format("2006-01-02T15:04:05Z")
		out = append(out, i)
	}
	return out, rows.Err()
}

// PutCatalogType adds or replaces one record type and stores the result as
// a new catalogue version (the type's own version is bumped when it
// replaces one). The whole catalogue is validated; records keep the version
// they were validated against.
func (s *Store) PutCatalogType(ctx context.Context, t catalog.Type, actor string) (catalog.Catalog, error) {
	var out catalog.Catalog
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.serialize(); err != nil {
			return err
		}
		var v int
		if err := tx.queryRow(`SELECT COALESCE(MAX(version),0) FROM catalog_versions`).Scan(&v); err != nil {
			return err
		}
		if v == 0 {
			if err := tx.seedCatalog(); err != nil {
				return err
			}
			v = 1
		}
		var body string
		if err := tx.queryRow(`SELECT body FROM catalog_versions WHERE version = ?`, v).Scan(&body); err != nil {
			return err
		}
		var doc catalog.Catalog
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			return fmt.Errorf("stored catalog %d: %w", v, err)
		}
		var before any
		replaced := false
		for i := range doc.Types {
			if doc.Types[i].Code == t.Code {
				before = doc.Types[i]
				t.Version = doc.Types[i].Version + 1
				doc.Types[i] = t
				replaced = true
			}
		}
		if !replaced {
			t.Version = 1
			doc.Types = append(doc.Types, t)
		}
		doc.Version = v + 1
		next, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		if out, err = catalog.Load(next); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO catalog_versions (version, body, created_by, created_at) VALUES (?,?,?,?)`,
			doc.Version, string(next), actor, micros(tx.s.Now())); err != nil {
			return fmt.Errorf("store catalog: %w", err)
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: "catalog.put_type", Object: "catalog:" + t.Code, Before: before, After: t,
			Detail: fmt.Sprintf("目录版本 %d → %d", v, doc.Version)}); err != nil {
			return err
		}
		return tx.Emit("catalog.changed", 0, "", "catalog:"+t.Code, map[string]int{"version": doc.Version, "type_version": t.Version})
	})
	return out, err
}
