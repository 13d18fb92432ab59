package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"xinyong/internal/audit"
	"xinyong/internal/tracking"
)

const settingIndex = "environment_index"

// IndexIndicators returns the configured credit environment index, or the
// default one when the operator has not configured it.
func (s *Store) IndexIndicators(ctx context.Context) ([]tracking.IndexIndicator, error) {
	var body string
	err := s.queryRow(ctx, `SELECT body FROM settings WHERE name = ?`, settingIndex).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return tracking.DefaultIndex, nil
	} else if err != nil {
		return nil, fmt.Errorf("index indicators: %w", err)
	}
	var cfg []tracking.IndexIndicator
	if err := json.Unmarshal([]byte(body), &cfg); err != nil {
		return nil, fmt.Errorf("index indicators: %w", err)
	}
	return cfg, nil
}

// SaveIndexIndicators validates and stores the index configuration; a
// refused one leaves the current configuration in force.
func (s *Store) SaveIndexIndicators(ctx context.Context, cfg []tracking.IndexIndicator, actor string) error {
	if err := tracking.ValidateIndex(cfg); err != nil {
		return err
	}
	before, err := s.IndexIndicators(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(cfg)
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO settings (name, body, updated_by, updated_at) VALUES (?,?,?,?)
			ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			settingIndex, string(body), actor, micros(tx.s.Now())); err != nil {
			return fmt.Errorf("save index indicators: %w", err)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "settings.index", Object: "settings:" + settingIndex, Before: before, After: cfg})
	})
}
