package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
)

// Subscription states.
const (
	SubActive   = "active"
	SubDisabled = "disabled"
)

// Subscription is a department's webhook subscription to the change feed.
// Secret is never serialised; it is shown once when created.
type Subscription struct {
	ID             int64     `json:"id"`
	Dept           string    `json:"dept"`
	URL            string    `json:"url"`
	Description    string    `json:"description"`
	EventTypes     []string  `json:"event_types"`
	ListTypes      []string  `json:"list_types"`
	Secret         string    `json:"-"`
	Cursor         int64     `json:"cursor"`
	State          string    `json:"state"`
	FailCount      int       `json:"fail_count"`
	NextAttemptAt  time.Time `json:"next_attempt_at,omitzero"`
	LastError      string    `json:"last_error,omitempty"`
	LastSuccessAt  time.Time `json:"last_success_at,omitzero"`
	DisabledAt     time.Time `json:"disabled_at,omitzero"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// auditView is what the audit chain digests of a subscription (no secret).
func (s Subscription) auditView() map[string]any {
	return map[string]any{"dept": s.Dept, "url": s.URL, "event_types": s.EventTypes, "list_types": s.ListTypes, "state": s.State, "cursor": s.Cursor}
}

const subCols = `id, dept_code, url, description, event_types, list_types, secret, cursor, state, fail_count, next_attempt_at,
	last_error, last_success_at, disabled_at, disabled_reason, created_by, created_at, updated_at`

func scanSub(sc scanFunc) (Subscription, error) {
	var s Subscription
	var ev, lt string
	var next, succ, created, updated int64
	var disabled sql.NullInt64
	err := sc.Scan(&s.ID, &s.Dept, &s.URL, &s.Description, &ev, &lt, &s.Secret, &s.Cursor, &s.State, &s.FailCount, &next,
		&s.LastError, &succ, &disabled, &s.DisabledReason, &s.CreatedBy, &created, &updated)
	s.EventTypes, s.ListTypes = splitList(ev), splitList(lt)
	s.NextAttemptAt, s.LastSuccessAt, s.DisabledAt = fromMicros(next), fromMicros(succ), fromNullMicros(disabled)
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	return s, err
}

func splitList(v string) []string {
	if v == "" {
		return []string{}
	}
	return strings.Split(v, ",")
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func subNotFound(id int64) error {
	return errs.NotFound("subscription.not_found", fmt.Sprintf("未找到订阅 %d", id))
}

// CreateSubscription stores a subscription that starts after the current
// head of the change feed. The caller has validated URL and filters.
func (s *Store) CreateSubscription(ctx context.Context, sub Subscription, actor string) (Subscription, error) {
	if _, err := s.Department(ctx, sub.Dept); err != nil {
		return sub, errs.Invalid("subscription.dept", "订阅信息有误", errs.FieldError{Field: "dept", Reason: "未知部门：" + sub.Dept})
	}
	now := s.Now()
	sub.State, sub.CreatedBy, sub.CreatedAt, sub.UpdatedAt = SubActive, actor, now, now
	sub.EventTypes, sub.ListTypes = nonNil(sub.EventTypes), nonNil(sub.ListTypes)
	err := s.InTx(ctx, func(tx *Tx) error {
		head, err := tx.changeHead()
		if err != nil {
			return fmt.Errorf("change head: %w", err)
		}
		sub.Cursor = head
		sub.ID, err = tx.insertID(`INSERT INTO subscriptions (dept_code, url, description, event_types, list_types, secret, cursor, state, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			sub.Dept, sub.URL, sub.Description, strings.Join(sub.EventTypes, ","), strings.Join(sub.ListTypes, ","), sub.Secret, sub.Cursor, sub.State, actor, micros(now), micros(now))
		if err != nil {
			return fmt.Errorf("insert subscription: %w", err)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "subscription.create", Object: fmt.Sprintf("subscription:%d", sub.ID), After: sub.auditView()})
	})
	return sub, err
}

// Subscription returns one subscription.
func (s *Store) Subscription(ctx context.Context, id int64) (Subscription, error) {
	sub, err := scanSub(s.queryRow(ctx, `SELECT `+subCols+` FROM subscriptions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, subNotFound(id)
	}
	return sub, err
}

// Subscriptions lists subscriptions by id after the cursor, optionally of
// one department.
func (s *Store) Subscriptions(ctx context.Context, dept string, after int64, limit int) ([]Subscription, error) {
	rows, err := s.query(ctx, `SELECT `+subCols+` FROM subscriptions WHERE (? = '' OR dept_code = ?) AND id > ? ORDER BY id LIMIT ?`, dept, dept, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		sub, err := scanSub(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// UpdateSubscription changes a subscription in one transaction: change gets
// the current row, edits it (URL, description, filters) and may refuse.
func (s *Store) UpdateSubscription(ctx context.Context, id int64, change func(*Subscription) error, actor string) (Subscription, error) {
	var sub Subscription
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		sub, err = scanSub(tx.queryRow(`SELECT `+subCols+` FROM subscriptions WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return subNotFound(id)
		} else if err != nil {
			return err
		}
		before := sub.auditView()
		if err := change(&sub); err != nil {
			return err
		}
		sub.UpdatedAt = tx.s.Now()
		sub.EventTypes, sub.ListTypes = nonNil(sub.EventTypes), nonNil(sub.ListTypes)
		if _, err := tx.exec(`UPDATE subscriptions SET url = ?, description = ?, event_types = ?, list_types = ?, updated_at = ? WHERE id = ?`,
			sub.URL, sub.Description, strings.Join(sub.EventTypes, ","), strings.Join(sub.ListTypes, ","), micros(sub.UpdatedAt), id); err != nil {
			return fmt.Errorf("update subscription %d: %w", id, err)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "subscription.update", Object: fmt.Sprintf("subscription:%d", id), Before: before, After: sub.auditView()})
	})
	return sub, err
}

// SetSubscriptionActive enables (clearing the failure state) or disables a
// subscription by hand.
func (s *Store) SetSubscriptionActive(ctx context.Context, id int64, active bool, reason, actor string) (Subscription, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		now := micros(tx.s.Now())
		var res sql.Result
		var err error
		action := "subscription.enable"
		if active {
			res, err = tx.exec(`UPDATE subscriptions SET state = ?, fail_count = 0, next_attempt_at = 0, last_error = '', disabled_at = NULL, disabled_reason = '', updated_at = ? WHERE id = ?`,
				SubActive, now, id)
		} else {
			action = "subscription.disable"
			res, err = tx.exec(`UPDATE subscriptions SET state = ?, disabled_at = ?, disabled_reason = ?, updated_at = ? WHERE id = ? AND state <> ?`,
				SubDisabled, now, reason, now, id, SubDisabled)
		}
		if err != nil {
			return fmt.Errorf("%s %d: %w", action, id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tx.subExists(id)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: action, Object: fmt.Sprintf("subscription:%d", id), Detail: reason})
	})
	if err != nil {
		return Subscription{}, err
	}
	return s.Subscription(ctx, id)
}

// subExists returns NotFound for a missing subscription, nil otherwise (an
// update that changed nothing because the state already held).
func (t *Tx) subExists(id int64) error {
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM subscriptions WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return subNotFound(id)
	}
	return nil
}

// ReplaySubscription moves the cursor so that delivery restarts at fromSeq
// (events already delivered are sent again) and clears the failure state.
func (s *Store) ReplaySubscription(ctx context.Context, id, fromSeq int64, actor string) (Subscription, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		head, err := tx.changeHead()
		if err != nil {
			return err
		}
		if fromSeq < 1 || fromSeq > head+1 {
			return errs.Field("from_seq", fmt.Sprintf("起始序号应在 1 到 %d 之间", head+1))
		}
		res, err := tx.exec(`UPDATE subscriptions SET cursor = ?, fail_count = 0, next_attempt_at = 0, last_error = '', updated_at = ? WHERE id = ?`,
			fromSeq-1, micros(tx.s.Now()), id)
		if err != nil {
			return fmt.Errorf("replay subscription %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return subNotFound(id)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "subscription.replay", Object: fmt.Sprintf("subscription:%d", id), Detail: fmt.Sprintf("from seq %d", fromSeq)})
	})
	if err != nil {
		return Subscription{}, err
	}
	return s.Subscription(ctx, id)
}

// RequestRedelivery queues one event for sending again to the subscription,
// outside the ordered stream; the worker picks it up within about a second.
func (s *Store) RequestRedelivery(ctx context.Context, id, seq int64, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM changes WHERE seq = (SELECT MAX(seq) FROM changes WHERE seq <= ?) AND seq + span > ?`, seq, seq).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Field("seq", fmt.Sprintf("变更序号 %d 不存在", seq))
		}
		if _, err := tx.exec(`INSERT INTO redeliveries (subscription_id, change_seq, requested_by, requested_at) VALUES (?,?,?,?)`,
			id, seq, actor, micros(tx.s.Now())); err != nil {
			return fmt.Errorf("queue redelivery: %w", err)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "subscription.redeliver", Object: fmt.Sprintf("subscription:%d", id), Detail: fmt.Sprintf("seq %d", seq)})
	})
}
