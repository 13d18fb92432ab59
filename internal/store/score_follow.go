package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"xinyong/internal/audit"
)

// KindScoresRecomputed is emitted when a full score recompute finishes, so
// that every node reloads its in-memory grades.
const KindScoresRecomputed = "score.recomputed"

// scoreCursorSetting names the change-feed position up to which the stored
// scores follow the feed (written only by the node holding ScoreLease).
const scoreCursorSetting = "score.follow_cursor"

// ScoreLease is the lease of the node that writes score updates.
const ScoreLease = "score.follow"

// ScoreCursor returns the feed position the stored scores follow up to;
// ok is false before any node wrote one.
func (s *Store) ScoreCursor(ctx context.Context) (seq int64, ok bool, err error) {
	var body string
	err = s.queryRow(ctx, `SELECT body FROM settings WHERE name = ?`, scoreCursorSetting).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("score cursor: %w", err)
	}
	seq, err = strconv.ParseInt(body, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("score cursor %q: %w", body, err)
	}
	return seq, true, nil
}

// SaveScoresUpTo stores recomputed scores (audited as SaveScores) and the
// feed position they follow up to, in one transaction: a node taking the
// lease over resumes where the last write ended.
func (s *Store) SaveScoresUpTo(ctx context.Context, items []ScoreRow, actor, reason string, cursor int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if len(items) > 0 {
			if err := tx.saveScores(items, actor, reason); err != nil {
				return err
			}
		}
		_, err := tx.exec(`INSERT INTO settings (name, body, updated_by, updated_at) VALUES (?,?,?,?)
			ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			scoreCursorSetting, strconv.FormatInt(cursor, 10), actor, micros(tx.s.Now()))
		return err
	})
}

func (tx *Tx) saveScores(items []ScoreRow, actor, reason string) error {
	if err := tx.WriteScores(items); err != nil {
		return err
	}
	ids := make([]string, 0, min(len(items), 20))
	for _, it := range items[:min(len(items), 20)] {
		ids = append(ids, fmt.Sprint(it.Score.SubjectID))
	}
	return tx.Audit(audit.Event{Actor: actor, Action: "score.refresh", Object: fmt.Sprintf("scores:%d", len(items)),
		Detail: reason + "：" + strings.Join(ids, ",")})
}
