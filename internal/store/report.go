package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/record"
	"xinyong/internal/report"
)

// IssuedReport is a credit report as the platform keeps it.
type IssuedReport struct {
	ID          int64           `json:"-"`
	Number      string          `json:"number"`
	SubjectID   int64           `json:"-"`
	SubjectCode string          `json:"subject_code"`
	State       string          `json:"state"` // pending, issued
	VerifyCode  string          `json:"-"`
	Digest      string          `json:"digest"`    // hex SHA-256 of the PDF
	Signature   string          `json:"signature"` // base64 Ed25519 signature of the digest
	KeyID       string          `json:"key_id"`
	Content     json.RawMessage `json:"content"`
	RequestedBy string          `json:"-"`
	Purpose     string          `json:"-"`
	CreatedAt   time.Time       `json:"created_at"`
	IssuedAt    time.Time       `json:"issued_at"`
}

// ReserveReport allocates the next report number of the day of at (China
// Standard Time) for a subject. The number must be known before the PDF is
// rendered, so issuing is two steps: reserve, render, IssueReport.
func (s *Store) ReserveReport(ctx context.Context, subjectID int64, subjectCode, actor, purpose string, at time.Time) (int64, string, error) {
	var id int64
	var number string
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.serialize(); err != nil {
			return err
		}
		day := report.NewNumber(at, 0)[2:10]
		var seq int64
		if err := tx.queryRow(`SELECT COALESCE(MAX(day_seq),0) FROM reports WHERE day = ?`, day).Scan(&seq); err != nil {
			return fmt.Errorf("report sequence: %w", err)
		}
		seq++
		number = report.NewNumber(at, seq)
		var err error
		id, err = tx.insertID(`INSERT INTO reports (number, day, day_seq, subject_id, subject_code, state, requested_by, purpose, created_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			number, day, seq, subjectID, subjectCode, "pending", actor, purpose, micros(at))
		if err != nil {
			return fmt.Errorf("reserve report: %w", err)
		}
		return nil
	})
	return id, number, err
}

// IssueReport stores the rendered report's code, digest, signature and
// content, with its audit entry, in one transaction.
func (s *Store) IssueReport(ctx context.Context, r IssuedReport, ev audit.Event) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE reports SET state = 'issued', verify_code = ?, digest = ?, signature = ?, key_id = ?, content = ?, issued_at = ? WHERE id = ? AND state = 'pending'`,
			r.VerifyCode, r.Digest, r.Signature, r.KeyID, string(r.Content), micros(r.IssuedAt), r.ID)
		if err != nil {
			return fmt.Errorf("issue report %s: %w", r.Number, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("report.state", "报告 "+r.Number+" 已签发或不存在")
		}
		return tx.Audit(ev)
	})
}

const reportCols = `id, number, subject_id, subject_code, state, verify_code, digest, signature, key_id, content, requested_by, purpose, created_at, issued_at`

func scanReport(sc interface{ Scan(...any) error }) (IssuedReport, error) {
	var r IssuedReport
	var content string
	var created int64
	var issued sql.NullInt64
	err := sc.Scan(&r.ID, &r.Number, &r.SubjectID, &r.SubjectCode, &r.State, &r.VerifyCode, &r.Digest, &r.Signature, &r.KeyID, &content, &r.RequestedBy, &r.Purpose, &created, &issued)
	r.Content = json.RawMessage(content)
	r.CreatedAt, r.IssuedAt = fromMicros(created), fromNullMicros(issued)
	return r, err
}

// ReportByNumber finds an issued report by its number.
func (s *Store) ReportByNumber(ctx context.Context, number string) (IssuedReport, error) {
	r, err := scanReport(s.queryRow(ctx, `SELECT `+reportCols+` FROM reports WHERE number = ? AND state = 'issued'`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFound("report.not_found", "未找到编号为 "+number+" 的信用报告")
	}
	return r, err
}

// ReportByDigest finds an issued report by the hex SHA-256 of its PDF.
func (s *Store) ReportByDigest(ctx context.Context, digest string) (IssuedReport, error) {
	r, err := scanReport(s.queryRow(ctx, `SELECT `+reportCols+` FROM reports WHERE digest = ? AND state = 'issued'`, digest))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFound("report.not_found", "未找到与该文件一致的信用报告")
	}
	return r, err
}

// PublicRecord is a credit record as a report or the portal shows it.
type PublicRecord struct {
	ID           int64
	Type         string
	Dept         string
	DeptName     string
	DocNo        string
	Nature       string
	Severity     string
	DecisionDate string
	PublicityEnd string
	Content      json.RawMessage
}

// PublicRecords returns a subject's current, published, public records whose
// publicity window has not ended on the civil date today (YYYY-MM-DD),
// newest decision first.
func (s *Store) PublicRecords(ctx context.Context, subjectID int64, today string) ([]PublicRecord, error) {
	rows, err := s.query(ctx, `SELECT r.id, r.type, r.dept, COALESCE(d.name, r.dept), r.doc_no, r.nature, r.severity, r.decision_date, r.publicity_end, r.content, r.catalog_version
		FROM records r LEFT JOIN departments d ON d.code = r.dept
		WHERE r.subject_id = ? AND r.is_current = `+s.D.BoolTrue+` AND r.state = 'published' AND r.disclosure = 'public' AND r.revoked_at IS NULL
		  AND (r.publicity_end = '' OR r.publicity_end >= ?)
		ORDER BY r.decision_date DESC, r.id DESC`, subjectID, today)
	if err != nil {
		return nil, fmt.Errorf("public records: %w", err)
	}
	defer rows.Close()
	var out []PublicRecord
	var versions []int
	for rows.Next() {
		var p PublicRecord
		var content string
		var version int
		if err := rows.Scan(&p.ID, &p.Type, &p.Dept, &p.DeptName, &p.DocNo, &p.Nature, &p.Severity, &p.DecisionDate, &p.PublicityEnd, &content, &version); err != nil {
			return nil, err
		}
		p.Content = json.RawMessage(content)
		out = append(out, p)
		versions = append(versions, version)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// Content stored compact (record.Compact) is handed out canonical.
	for i := range out {
		p := &out[i]
		if !record.IsCompact(string(p.Content)) {
			continue
		}
		m, err := s.recordContent(ctx, p.Type, versions[i], string(p.Content))
		if err != nil {
			return nil, fmt.Errorf("public record %d: %w", p.ID, err)
		}
		c, _ := record.Canonical(m)
		p.Content = json.RawMessage(c)
	}
	return out, nil
}

// PublicRelation is a relation seen from the organisation, with the
// person's identity number masked.
type PublicRelation struct {
	Role       string
	PersonName string
	IDMasked   string
	Start, End string
}

// PublicRelations lists the persons related to an organisation.
func (s *Store) PublicRelations(ctx context.Context, subjectID int64) ([]PublicRelation, error) {
	rows, err := s.query(ctx, `SELECT r.role, p.name, COALESCE(p.id_masked,''), r.start_date, r.end_date
		FROM subject_relations r JOIN subjects p ON p.id = r.person_id WHERE r.subject_id = ? ORDER BY r.id`, subjectID)
	if err != nil {
		return nil, fmt.Errorf("public relations: %w", err)
	}
	defer rows.Close()
	var out []PublicRelation
	for rows.Next() {
		var p PublicRelation
		if err := rows.Scan(&p.Role, &p.PersonName, &p.IDMasked, &p.Start, &p.End); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ReportCount is the number of issued reports (portal headline figure).
func (s *Store) ReportCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM reports WHERE state = 'issued'`).Scan(&n)
	return n, err
}
