package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
)

// TrackingReport is a generated XLSX report (quarterly 跟踪问效 report or
// 信易贷 recommendation list) kept for download.
type TrackingReport struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"` // quarterly, recommend
	Period    string    `json:"period"`
	Dept      string    `json:"dept"` // "" = overall
	Size      int       `json:"size"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Body      []byte    `json:"-"`
}

// SaveTrackingReport stores (or replaces) a generated report.
func (s *Store) SaveTrackingReport(ctx context.Context, r TrackingReport) (TrackingReport, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		r.CreatedAt = tx.s.Now()
		if _, err := tx.exec(`DELETE FROM tracking_reports WHERE kind = ? AND period = ? AND dept = ?`, r.Kind, r.Period, r.Dept); err != nil {
			return err
		}
		id, err := tx.insertID(`INSERT INTO tracking_reports (period, dept, kind, body, created_by, created_at) VALUES (?,?,?,?,?,?)`,
			r.Period, r.Dept, r.Kind, base64.StdEncoding.EncodeToString(r.Body), r.CreatedBy, micros(r.CreatedAt))
		if err != nil {
			return fmt.Errorf("save report: %w", err)
		}
		r.ID, r.Size = id, len(r.Body)
		return tx.Audit(audit.Event{Actor: r.CreatedBy, Action: "tracking.report_generate", Object: fmt.Sprintf("tracking_report:%d", id),
			Detail: fmt.Sprintf("%s %s %s (%d bytes)", r.Kind, r.Period, r.Dept, len(r.Body))})
	})
	return r, err
}

// TrackingReportByID returns a stored report with its body.
func (s *Store) TrackingReportByID(ctx context.Context, id int64) (TrackingReport, error) {
	var r TrackingReport
	var body string
	var at int64
	err := s.queryRow(ctx, `SELECT id, kind, period, dept, body, created_by, created_at FROM tracking_reports WHERE id = ?`, id).
		Scan(&r.ID, &r.Kind, &r.Period, &r.Dept, &body, &r.CreatedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFound("tracking.report_not_found", "未找到该报告")
	} else if err != nil {
		return r, err
	}
	r.CreatedAt = fromMicros(at)
	r.Body, err = base64.StdEncoding.DecodeString(body)
	r.Size = len(r.Body)
	return r, err
}

// TrackingReports lists stored reports, newest first; dept "" lists all,
// otherwise that department's and the overall ones are not mixed: only its own.
func (s *Store) TrackingReports(ctx context.Context, dept string, all bool, limit int) ([]TrackingReport, error) {
	q := `SELECT id, kind, period, dept, LENGTH(body), created_by, created_at FROM tracking_reports`
	args := []any{}
	if !all {
		q += ` WHERE dept = ? AND kind = 'quarterly'`
		args = append(args, dept)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	out := []TrackingReport{}
	err := s.each(ctx, q, args, func(sc func(...any) error) error {
		var r TrackingReport
		var at int64
		if err := sc(&r.ID, &r.Kind, &r.Period, &r.Dept, &r.Size, &r.CreatedBy, &at); err != nil {
			return err
		}
		r.CreatedAt, r.Size = fromMicros(at), r.Size*3/4
		out = append(out, r)
		return nil
	})
	return out, err
}

// TrackingReportExists reports whether a report was generated already.
func (s *Store) TrackingReportExists(ctx context.Context, kind, period, dept string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM tracking_reports WHERE kind = ? AND period = ? AND dept = ?`, kind, period, dept).Scan(&n)
	return n > 0, err
}

// IndexMonthSaved reports whether a month of the index is stored.
func (s *Store) IndexMonthSaved(ctx context.Context, month string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM index_values WHERE month = ?`, month).Scan(&n)
	return n > 0, err
}
