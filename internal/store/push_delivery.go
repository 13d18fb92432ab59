package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/audit"
)

// Delivery is one logged attempt to send an event to a subscription.
type Delivery struct {
	ID             int64     `json:"id"`
	SubscriptionID int64     `json:"subscription_id"`
	Seq            int64     `json:"seq"`
	EventID        string    `json:"event_id"`
	Kind           string    `json:"kind"`
	Attempt        int       `json:"attempt"`
	Manual         bool      `json:"manual"`
	OK             bool      `json:"ok"`
	StatusCode     int       `json:"status_code"`
	Error          string    `json:"error,omitempty"`
	DurationMS     int64     `json:"duration_ms"`
	At             time.Time `json:"at"`
}

// DeliveryOutcome is what a delivery worker reports after one attempt. Every update
// is guarded by the lease owner and the cursor the worker started from, so a
// worker that lost its lease, or raced a replay or a disable, changes
// nothing but the log.
type DeliveryOutcome struct {
	Delivery     Delivery
	Owner        string
	From         int64     // cursor the attempt was based on (stream only)
	LeaseUntil   time.Time // renewed lease
	RedeliveryID int64     // manual redelivery this answers (0: stream)
	NextAttempt  time.Time // stream failure: when to retry
	GiveUp       bool      // stream failure: retries exhausted, disable
	Reason       string    // GiveUp: Chinese text for the notice
}

// ErrPushLeaseLost means the subscription changed under the worker (lease taken
// over, cursor moved by a replay, disabled): it must re-read and continue.
var ErrPushLeaseLost = errors.New("push: subscription lease lost or cursor moved")

// DueSubscriptions returns ids of active subscriptions with work now: events
// past the cursor and no backoff pending, or queued manual redeliveries; and
// not leased by a live worker.
func (s *Store) DueSubscriptions(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT s.id FROM subscriptions s WHERE s.state = ? AND s.lease_until < ? AND (
		(s.next_attempt_at <= ? AND s.cursor < (SELECT COALESCE((SELECT seq + span - 1 FROM changes ORDER BY seq DESC LIMIT 1), 0)))
		OR EXISTS (SELECT 1 FROM redeliveries r WHERE r.subscription_id = s.id AND r.done_at IS NULL))
		ORDER BY s.next_attempt_at, s.id LIMIT ?`, SubActive, micros(now), micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due subscriptions: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ClaimSubscription takes the delivery lease of an active subscription until
// the given time, if no other worker holds it, and returns the fresh row.
func (s *Store) ClaimSubscription(ctx context.Context, id int64, owner string, now, until time.Time) (Subscription, bool, error) {
	res, err := s.w.ExecContext(ctx, s.D.Rebind(`UPDATE subscriptions SET lease_owner = ?, lease_until = ?
		WHERE id = ? AND state = ? AND (lease_until < ? OR lease_owner = ?)`), owner, micros(until), id, SubActive, micros(now), owner)
	if err != nil {
		return Subscription{}, false, fmt.Errorf("claim subscription %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Subscription{}, false, nil
	}
	sub, err := scanSub(s.w.QueryRowContext(ctx, s.D.Rebind(`SELECT `+subCols+` FROM subscriptions WHERE id = ?`), id))
	return sub, err == nil, err
}

// ReleaseSubscription gives the lease back.
func (s *Store) ReleaseSubscription(ctx context.Context, id int64, owner string) error {
	_, err := s.w.ExecContext(ctx, s.D.Rebind(`UPDATE subscriptions SET lease_owner = '', lease_until = 0 WHERE id = ? AND lease_owner = ?`), id, owner)
	return err
}

// AdvanceSubscriptionCursor skips events the subscription does not want.
func (s *Store) AdvanceSubscriptionCursor(ctx context.Context, id int64, owner string, from, to int64, until time.Time) error {
	res, err := s.w.ExecContext(ctx, s.D.Rebind(`UPDATE subscriptions SET cursor = ?, lease_until = ? WHERE id = ? AND lease_owner = ? AND cursor = ? AND state = ?`),
		to, micros(until), id, owner, from, SubActive)
	if err != nil {
		return fmt.Errorf("advance cursor %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrPushLeaseLost
	}
	return nil
}

// PendingRedeliveries returns queued manual redeliveries (id, seq) in order.
func (s *Store) PendingRedeliveries(ctx context.Context, subID int64, limit int) (ids, seqs []int64, err error) {
	rows, err := s.query(ctx, `SELECT id, change_seq FROM redeliveries WHERE subscription_id = ? AND done_at IS NULL ORDER BY id LIMIT ?`, subID, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("pending redeliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			return nil, nil, err
		}
		ids, seqs = append(ids, id), append(seqs, seq)
	}
	return ids, seqs, rows.Err()
}

// RecordOutcome logs an attempt and moves the subscription on: success
// advances the cursor; failure schedules the retry or, when retries are
// exhausted, disables the subscription and leaves a notice for the operator
// (audited). Returns ErrPushLeaseLost (with the log row kept) when the
// subscription changed under the worker.
func (s *Store) RecordOutcome(ctx context.Context, o DeliveryOutcome) error {
	d := o.Delivery
	lost := false
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO deliveries (subscription_id, change_seq, event_id, kind, attempt, manual, ok, status_code, error, duration_ms, at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, d.SubscriptionID, d.Seq, d.EventID, d.Kind, d.Attempt, d.Manual, d.OK, d.StatusCode, d.Error, d.DurationMS, micros(d.At)); err != nil {
			return fmt.Errorf("log delivery: %w", err)
		}
		if o.RedeliveryID != 0 {
			_, err := tx.exec(`UPDATE redeliveries SET done_at = ? WHERE id = ?`, micros(d.At), o.RedeliveryID)
			return err
		}
		guard := ` WHERE id = ? AND lease_owner = ? AND cursor = ? AND state = ?`
		args := []any{d.SubscriptionID, o.Owner, o.From, SubActive}
		var q string
		var set []any
		switch {
		case d.OK:
			q = `UPDATE subscriptions SET cursor = ?, fail_count = 0, next_attempt_at = 0, last_error = '', last_success_at = ?, lease_until = ?`
			set = []any{d.Seq, micros(d.At), micros(o.LeaseUntil)}
		case o.GiveUp:
			q = `UPDATE subscriptions SET cursor = ?, fail_count = ?, last_error = ?, state = ?, disabled_at = ?, disabled_reason = ?, next_attempt_at = 0, updated_at = ?`
			set = []any{d.Seq - 1, d.Attempt, d.Error, SubDisabled, micros(d.At), o.Reason, micros(d.At)}
		default:
			q = `UPDATE subscriptions SET cursor = ?, fail_count = ?, last_error = ?, next_attempt_at = ?, lease_until = ?`
			set = []any{d.Seq - 1, d.Attempt, d.Error, micros(o.NextAttempt), micros(o.LeaseUntil)}
		}
		res, err := tx.exec(q+guard, append(set, args...)...)
		if err != nil {
			return fmt.Errorf("update subscription %d: %w", d.SubscriptionID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			lost = true
			return nil
		}
		if !o.GiveUp {
			return nil
		}
		var dept string
		if err := tx.queryRow(`SELECT dept_code FROM subscriptions WHERE id = ?`, d.SubscriptionID).Scan(&dept); err != nil {
			return err
		}
		obj := fmt.Sprintf("subscription:%d", d.SubscriptionID)
		if _, err := tx.exec(`INSERT INTO notices (at, kind, dept_code, object, message) VALUES (?,?,?,?,?)`,
			micros(d.At), "subscription.disabled", dept, obj, o.Reason); err != nil {
			return fmt.Errorf("notice: %w", err)
		}
		return tx.Audit(audit.Event{Actor: "system", Action: "subscription.auto_disable", Object: obj, Detail: fmt.Sprintf("seq %d after %d attempts", d.Seq, d.Attempt)})
	})
	if err == nil && lost {
		return ErrPushLeaseLost
	}
	return err
}

// Deliveries lists a subscription's delivery log, newest first, before the
// given id (0: from the newest).
func (s *Store) Deliveries(ctx context.Context, subID, before int64, limit int) ([]Delivery, error) {
	rows, err := s.query(ctx, `SELECT id, subscription_id, change_seq, event_id, kind, attempt, manual, ok, status_code, error, duration_ms, at
		FROM deliveries WHERE subscription_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`, subID, before, before, limit)
	if err != nil {
		return nil, fmt.Errorf("deliveries of %d: %w", subID, err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var at int64
		if err := rows.Scan(&d.ID, &d.SubscriptionID, &d.Seq, &d.EventID, &d.Kind, &d.Attempt, &d.Manual, &d.OK, &d.StatusCode, &d.Error, &d.DurationMS, &at); err != nil {
			return nil, err
		}
		d.At = fromMicros(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Notice is a message left for the operator by the platform itself.
type Notice struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Dept    string    `json:"dept,omitempty"`
	Object  string    `json:"object"`
	Message string    `json:"message"`
}

// Notices lists notices newest first, before the given id (0: newest).
func (s *Store) Notices(ctx context.Context, before int64, limit int) ([]Notice, error) {
	rows, err := s.query(ctx, `SELECT id, at, kind, dept_code, object, message FROM notices WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`, before, before, limit)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var at int64
		if err := rows.Scan(&n.ID, &at, &n.Kind, &n.Dept, &n.Object, &n.Message); err != nil {
			return nil, err
		}
		n.At = fromMicros(at)
		out = append(out, n)
	}
	return out, rows.Err()
}
