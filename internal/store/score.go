package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/score"
)

// KindScoreModel is the change event emitted when a scoring model version
// becomes active.
const KindScoreModel = "score.model_activated"

// ScoreModelInfo describes one stored model version.
type ScoreModelInfo struct {
	Version   int    `json:"version"`
	Name      string `json:"name"`
	Active    bool   `json:"active"`
	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"-"`
}

// ActiveScoreModel returns the model in force, installing score.Default as
// version 1 on first use.
func (s *Store) ActiveScoreModel(ctx context.Context) (*score.Model, error) {
	var v int
	var body string
	err := s.queryRow(ctx, `SELECT version, body FROM score_models WHERE active ORDER BY version DESC LIMIT 1`).Scan(&v, &body)
	if errors.Is(err, sql.ErrNoRows) {
		m, err := s.SaveScoreModel(ctx, score.Default(), "system:seed", true)
		if errs.Is(err, errs.KindConflict) {
			return s.ActiveScoreModel(ctx)
		}
		return m, err
	} else if err != nil {
		return nil, fmt.Errorf("active score model: %w", err)
	}
	m, err := score.Parse([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("stored score model %d: %w", v, err)
	}
	m.Version = v
	return m, nil
}

// ScoreModel returns one stored version.
func (s *Store) ScoreModel(ctx context.Context, v int) (*score.Model, error) {
	var body string
	err := s.queryRow(ctx, `SELECT body FROM score_models WHERE version = ?`, v).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("score.model_not_found", fmt.Sprintf("未找到评价模型第 %d 版", v))
	} else if err != nil {
		return nil, err
	}
	m, err := score.Parse([]byte(body))
	if err != nil {
		return nil, err
	}
	m.Version = v
	return m, nil
}

// ScoreModels lists the stored versions, newest first.
func (s *Store) ScoreModels(ctx context.Context) ([]ScoreModelInfo, error) {
	rows, err := s.query(ctx, `SELECT version, body, active, created_by, created_at FROM score_models ORDER BY version DESC`)
	if err != nil {
		return nil, fmt.Errorf("score models: %w", err)
	}
	defer rows.Close()
	out := []ScoreModelInfo{}
	for rows.Next() {
		var i ScoreModelInfo
		var body string
		if err := rows.Scan(&i.Version, &body, &i.Active, &i.CreatedBy, &i.CreatedAt); err != nil {
			return nil, err
		}
		if m, err := score.Parse([]byte(body)); err == nil {
			i.Name = m.Name
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// SaveScoreModel validates m and stores it as a new version which becomes
// the active one. A model that does not validate is refused and the active
// model stays. onlyIfEmpty refuses (Conflict) when any version exists.
func (s *Store) SaveScoreModel(ctx context.Context, m *score.Model, actor string, onlyIfEmpty bool) (*score.Model, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	out := *m
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.serialize(); err != nil {
			return err
		}
		var max int
		if err := tx.queryRow(`SELECT COALESCE(MAX(version),0) FROM score_models`).Scan(&max); err != nil {
			return err
		}
		if onlyIfEmpty && max > 0 {
			return errs.Conflict("score.model_exists", "评价模型已存在")
		}
		out.Version = max + 1
		if _, err := tx.exec(`UPDATE score_models SET active = ? WHERE active`, false); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO score_models (version, body, active, created_by, created_at) VALUES (?,?,?,?,?)`,
			out.Version, string(out.Body()), true, actor, micros(tx.s.Now())); err != nil {
			return fmt.Errorf("save score model: %w", err)
		}
		obj := fmt.Sprintf("score_model:%d", out.Version)
		if err := tx.Audit(audit.Event{Actor: actor, Action: "score.model_activate", Object: obj, After: out}); err != nil {
			return err
		}
		return tx.Emit(KindScoreModel, 0, "", obj, map[string]int{"version": out.Version})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
