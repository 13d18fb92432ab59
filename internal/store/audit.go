package store

import (
	"context"
	"fmt"
	"strings"

	"xinyong/internal/audit"
)

// AuditRecord appends an audit entry on its own (e.g. a read of non-public data).
func (s *Store) AuditRecord(ctx context.Context, e audit.Event) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.Audit(e) })
}

var (
	auditColumns = []string{"seq", "at", "actor", "action", "object", "subject_id", "before_digest", "after_digest", "detail", "prev_hash", "hash"}
	auditCols    = strings.Join(auditColumns, ", ")
)

func scanAudit(sc interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	err := sc.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.SubjectID, &e.BeforeDigest, &e.AfterDigest, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = fromMicros(at)
	return e, err
}

// AuditEntries lists entries newest first, optionally for one subject or
// action prefix, before a sequence cursor (0 = from the newest).
func (s *Store) AuditEntries(ctx context.Context, subjectID int64, actionPrefix string, before int64, limit int) ([]audit.Entry, error) {
	q := `SELECT ` + auditCols + ` FROM audit_log WHERE (? = 0 OR subject_id = ?) AND (? = '' OR action LIKE ?) AND (? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?`
	rows, err := s.query(ctx, q, subjectID, subjectID, actionPrefix, actionPrefix+"%", before, before, limit)
	if err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain in order and returns the number of
// entries checked and the first break (nil when intact).
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	v := audit.NewVerifier()
	var last int64
	for {
		rows, err := s.query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 5000`, last)
		if err != nil {
			return v.Count, err
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return v.Count, err
			}
			n++
			last = e.Seq
			if err := v.Next(e); err != nil {
				rows.Close()
				return v.Count, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return v.Count, err
		}
		if n == 0 {
			return v.Count, nil
		}
	}
}
