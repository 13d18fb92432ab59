package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
)

// RecomputeJob is a background full recompute of every subject's score.
type RecomputeJob struct {
	ID           int64     `json:"id"`
	ModelVersion int       `json:"model_version"`
	State        string    `json:"state"` // running, done, failed
	Total        int64     `json:"total"`
	Done         int64     `json:"done"`
	Progress     float64   `json:"progress"`
	Error        string    `json:"error,omitempty"`
	StartedBy    string    `json:"started_by"`
	StartedAt    time.Time `json:"started_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	FinishedAt   time.Time `json:"finished_at,omitzero"`
}

// Job states.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// StartRecompute records a new running job; only one may run at a time
// (a job not updated for staleAfter is taken as abandoned and failed).
func (s *Store) StartRecompute(ctx context.Context, modelVersion int, total int64, actor string, staleAfter time.Duration) (RecomputeJob, error) {
	var j RecomputeJob
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.serialize(); err != nil {
			return err
		}
		now := tx.s.Now()
		if _, err := tx.exec(`UPDATE recompute_jobs SET state = ?, error = ?, finished_at = ? WHERE state = ? AND updated_at < ?`,
			JobFailed, "中断（服务重启或超时）", micros(now), JobRunning, micros(now.Add(-staleAfter))); err != nil {
			return err
		}
		var running int64
		err := tx.queryRow(`SELECT id FROM recompute_jobs WHERE state = ?`, JobRunning).Scan(&running)
		if err == nil {
			return errs.Conflict("score.job_running", fmt.Sprintf("已有重算任务正在运行（任务 %d），请等待其完成", running))
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		id, err := tx.insertID(`INSERT INTO recompute_jobs (model_version, state, total, done, started_by, started_at, updated_at) VALUES (?,?,?,0,?,?,?)`,
			modelVersion, JobRunning, total, actor, micros(now), micros(now))
		if err != nil {
			return fmt.Errorf("start recompute: %w", err)
		}
		j = RecomputeJob{ID: id, ModelVersion: modelVersion, State: JobRunning, Total: total, StartedBy: actor, StartedAt: now, UpdatedAt: now}
		return tx.Audit(audit.Event{Actor: actor, Action: "score.recompute_start", Object: fmt.Sprintf("recompute_job:%d", id), After: j})
	})
	return j, err
}

// RecomputeBatch writes a batch of scores of a running job and advances
// its progress in the same transaction.
func (s *Store) RecomputeBatch(ctx context.Context, jobID int64, items []ScoreRow, done int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.WriteScores(items); err != nil {
			return err
		}
		_, err := tx.exec(`UPDATE recompute_jobs SET done = ?, updated_at = ? WHERE id = ?`, done, micros(tx.s.Now()), jobID)
		return err
	})
}

// FinishRecompute closes a job as done or failed.
func (s *Store) FinishRecompute(ctx context.Context, jobID int64, done int64, failure error) error {
	return s.InTx(ctx, func(tx *Tx) error {
		state, msg := JobDone, ""
		if failure != nil {
			state, msg = JobFailed, failure.Error()
		}
		now := micros(tx.s.Now())
		if _, err := tx.exec(`UPDATE recompute_jobs SET state = ?, done = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
			state, done, msg, now, now, jobID); err != nil {
			return err
		}
		if err := tx.Audit(audit.Event{Actor: "system:score", Action: "score.recompute_" + state, Object: fmt.Sprintf("recompute_job:%d", jobID),
			Detail: fmt.Sprintf("%d subjects %s", done, msg)}); err != nil {
			return err
		}
		if failure != nil {
			return nil
		}
		// Every node reloads its grades (the check's supervision class).
		return tx.Emit(KindScoresRecomputed, 0, "", fmt.Sprintf("recompute_job:%d", jobID), map[string]int64{"subjects": done})
	})
}

// Recompute returns a job; id 0 returns the latest one.
func (s *Store) Recompute(ctx context.Context, id int64) (RecomputeJob, error) {
	q := `SELECT id, model_version, state, total, done, error, started_by, started_at, updated_at, finished_at FROM recompute_jobs`
	var row *sql.Row
	if id == 0 {
		row = s.queryRow(ctx, q+` ORDER BY id DESC LIMIT 1`)
	} else {
		row = s.queryRow(ctx, q+` WHERE id = ?`, id)
	}
	var j RecomputeJob
	var started, updated int64
	var finished sql.NullInt64
	err := row.Scan(&j.ID, &j.ModelVersion, &j.State, &j.Total, &j.Done, &j.Error, &j.StartedBy, &started, &updated, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return j, errs.NotFound("score.job_not_found", "没有重算任务")
	} else if err != nil {
		return j, err
	}
	j.StartedAt, j.UpdatedAt, j.FinishedAt = fromMicros(started), fromMicros(updated), fromNullMicros(finished)
	if j.Total > 0 {
		j.Progress = float64(j.Done) / float64(j.Total)
	}
	return j, nil
}
