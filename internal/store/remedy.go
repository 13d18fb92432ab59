package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/remedy"
)

// Case is an objection, a repair application or a report from the public.
// The applicant's identity (for a report: the reporter's) is filled only
// for those entitled to it; callers clear it with Redact otherwise.
type Case struct {
	ID            int64        `json:"id"`
	Kind          remedy.Kind  `json:"kind"`
	KindLabel     string       `json:"kind_label"`
	SubjectID     int64        `json:"-"`
	Subject       string       `json:"subject"`
	SubjectName   string       `json:"subject_name"`
	TargetKind    string       `json:"target_kind,omitempty"` // record | entry
	TargetID      int64        `json:"target_id,omitempty"`
	TargetType    string       `json:"target_type,omitempty"`
	Dept          string       `json:"dept"`
	State         remedy.State `json:"state"`
	StateLabel    string       `json:"state_label"`
	Reason        string       `json:"reason,omitempty"`
	Body          string       `json:"body"`
	Severity      string       `json:"severity,omitempty"`
	OutcomeNote   string       `json:"outcome_note,omitempty"`
	Missing       []string     `json:"missing,omitempty"`
	ApplicantName string       `json:"applicant_name,omitempty"`
	Contact       string       `json:"applicant_contact,omitempty"`
	Email         string       `json:"applicant_email,omitempty"`
	Anonymous     bool         `json:"anonymous"`
	ApplicantSub  int64        `json:"-"`
	Due           string       `json:"due,omitempty"`
	Overdue       bool         `json:"overdue"`
	Extended      bool         `json:"extended"`
	Escalated     bool         `json:"escalated"`
	PausedEntries []int64      `json:"paused_entries,omitempty"`
	RecordID      int64        `json:"record_id,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ClosedAt      time.Time    `json:"closed_at,omitzero"`
	Version       int          `json:"version"`
	Events        []CaseEvent  `json:"events,omitempty"`
	Attachments   []AttachInfo `json:"attachments,omitempty"`
}

// Redact removes the applicant's (reporter's) identity.
func (c *Case) Redact() {
	c.ApplicantName, c.Contact, c.Email = "", "", ""
	for i := range c.Events {
		c.Events[i].Actor = ""
	}
}

// CaseEvent is one step of a case's timeline.
type CaseEvent struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	Label  string    `json:"label"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Actor  string    `json:"actor,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// AttachInfo describes a stored attachment (the content is fetched apart).
type AttachInfo struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// NewCase is what CreateCase stores; the web layer has validated the input
// and resolved the target.
type NewCase struct {
	Kind          remedy.Kind
	SubjectID     int64
	SubjectCode   string
	TargetKind    string
	TargetID      int64
	TargetType    string
	Dept          string
	Reason        string
	Body          string
	Severity      string
	Missing       []string
	ApplicantName string
	Contact       string
	Email         string
	Anonymous     bool
	ApplicantSub  int64
	QueryHash     string
	Due           string
	Attachments   []remedy.Attachment
	// Pause lists active entries to pause (objections) after the case is
	// stored.
	Pause []int64
}

const caseCols = `c.id, c.kind, c.subject_id, s.code, s.name, c.target_kind, c.target_id, c.target_type, c.dept, c.state, c.reason, c.body, c.severity,
	c.outcome_note, c.missing, c.applicant_name, c.applicant_contact, c.applicant_email, c.anonymous, c.applicant_subject, c.due_date, c.extended,
	c.escalated, c.paused_entries, c.record_id, c.created_at, c.updated_at, c.closed_at, c.version`

const caseFrom = ` FROM remedy_cases c JOIN subjects s ON s.id = c.subject_id`

func scanCase(sc interface{ Scan(...any) error }, now time.Time) (Case, error) {
	var c Case
	var kind, state, missing, paused string
	var created, updated int64
	var closed sql.NullInt64
	err := sc.Scan(&c.ID, &kind, &c.SubjectID, &c.Subject, &c.SubjectName, &c.TargetKind, &c.TargetID, &c.TargetType, &c.Dept, &state, &c.Reason, &c.Body, &c.Severity,
		&c.OutcomeNote, &missing, &c.ApplicantName, &c.Contact, &c.Email, &c.Anonymous, &c.ApplicantSub, &c.Due, &c.Extended,
		&c.Escalated, &paused, &c.RecordID, &created, &updated, &closed, &c.Version)
	if err != nil {
		return c, err
	}
	c.Kind, c.State = remedy.Kind(kind), remedy.State(state)
	c.KindLabel, c.StateLabel = c.Kind.Label(), c.State.Label()
	if missing != "" {
		c.Missing = strings.Split(missing, ";")
	}
	c.PausedEntries = splitIDs(paused)
	c.CreatedAt, c.UpdatedAt, c.ClosedAt = fromMicros(created), fromMicros(updated), fromNullMicros(closed)
	c.Overdue = !c.State.Terminal() && remedy.Overdue(c.Due, now)
	return c, nil
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func joinIDs(ids []int64) string {
	p := make([]string, len(ids))
	for i, id := range ids {
		p[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(p, ",")
}

// openKey is the key that allows one open objection (or repair) per datum.
func openKey(k remedy.Kind, targetKind string, id int64) any {
	if targetKind == "" || k == remedy.Report {
		return nil
	}
	return fmt.Sprintf("%s:%s:%d", k, targetKind, id)
}

func caseObject(id int64) string { return fmt.Sprintf("remedy_case:%d", id) }

// CreateCase stores a new case with its attachments and first timeline
// step, audits it and emits "<kind>.submitted" (without the applicant's
// identity). Objections then pause the entries in n.Pause (entry.paused).
func (s *Store) CreateCase(ctx context.Context, n NewCase, actor string) (Case, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		key := openKey(n.Kind, n.TargetKind, n.TargetID)
		if key != nil {
			var other int64
			err := tx.queryRow(`SELECT id FROM remedy_cases WHERE open_key = ?`, key).Scan(&other)
			if err == nil {
				return errs.Conflict("remedy.open", fmt.Sprintf("该信息已有办理中的%s（编号 %d），办结前不能重复提交", n.Kind.Label(), other))
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		now := tx.s.Now()
		var err error
		id, err = tx.insertID(`INSERT INTO remedy_cases (kind, subject_id, target_kind, target_id, target_type, dept, state, reason, body, severity, missing,
			applicant_name, applicant_contact, applicant_email, anonymous, applicant_subject, query_hash, open_key, due_date, paused_entries, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			string(n.Kind), n.SubjectID, n.TargetKind, n.TargetID, n.TargetType, n.Dept, string(remedy.Submitted), n.Reason, n.Body, n.Severity, strings.Join(n.Missing, ";"),
			n.ApplicantName, n.Contact, n.Email, n.Anonymous, n.ApplicantSub, n.QueryHash, key, n.Due, joinIDs(n.Pause), actor, micros(now), micros(now))
		if err != nil {
			if isUnique(err) {
				return errs.Conflict("remedy.open", "该信息已有办理中的"+n.Kind.Label()+"，办结前不能重复提交")
			}
			return fmt.Errorf("insert case: %w", err)
		}
		for _, a := range n.Attachments {
			if err := tx.addAttachment(id, a); err != nil {
				return err
			}
		}
		if err := tx.caseEvent(id, "submit", "", remedy.Submitted, actor, ""); err != nil {
			return err
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: string(n.Kind) + ".submit", Object: caseObject(id), SubjectID: n.SubjectID,
			After: map[string]any{"target": n.TargetKind, "target_id": n.TargetID, "dept": n.Dept, "reason": n.Reason}}); err != nil {
			return err
		}
		if err := tx.Emit(string(n.Kind)+".submitted", n.SubjectID, n.SubjectCode, caseObject(id), caseEvent(n.Kind, id, n.TargetKind, n.TargetID, n.Dept, remedy.Submitted)); err != nil {
			return err
		}
		// The pause commits with the case: an objection is never open
		// while the measures it suspends still apply (crash harness).
		for _, e := range n.Pause {
			if err := tx.setPaused(e, true, fmt.Sprintf("异议核实中（异议编号 %d）", id), actor); err != nil && !errs.Is(err, errs.KindConflict) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Case{}, err
	}
	return s.Case(ctx, id)
}

func caseEvent(k remedy.Kind, id int64, target string, targetID int64, dept string, st remedy.State) map[string]any {
	return map[string]any{"id": id, "kind": k, "target": target, "target_id": targetID, "dept": dept, "state": st}
}

func isUnique(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "unique") || strings.Contains(m, "duplicate key")
}

func (tx *Tx) addAttachment(caseID int64, a remedy.Attachment) error {
	sum := sha256.Sum256(a.Data)
	_, err := tx.exec(`INSERT INTO remedy_attachments (case_id, kind, name, content_type, size, sha256, data, created_at) VALUES (?,?,?,?,?,?,?,?)`,
		caseID, a.Kind, a.Name, a.ContentType, int64(len(a.Data)), hex.EncodeToString(sum[:]), a.Data, micros(tx.s.Now()))
	if err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	return nil
}

func (tx *Tx) caseEvent(id int64, action string, from, to remedy.State, actor, note string) error {
	_, err := tx.exec(`INSERT INTO remedy_events (case_id, at, action, from_state, to_state, actor, note) VALUES (?,?,?,?,?,?,?)`,
		id, micros(tx.s.Now()), action, string(from), string(to), actor, note)
	return err
}

// Case returns one case with its timeline and attachment list.
func (s *Store) Case(ctx context.Context, id int64) (Case, error) {
	c, err := scanCase(s.queryRow(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = ?`, id), s.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.NotFound("remedy.not_found", fmt.Sprintf("未找到办理编号 %d", id))
	} else if err != nil {
		return c, err
	}
	return c, s.fillCase(ctx, &c)
}

// CaseByQueryHash finds the case of a query code (hash).
func (s *Store) CaseByQueryHash(ctx context.Context, hash string) (Case, error) {
	c, err := scanCase(s.queryRow(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.query_hash = ?`, hash), s.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.NotFound("remedy.code_not_found", "查询码不正确，请核对后重试")
	} else if err != nil {
		return c, err
	}
	return c, s.fillCase(ctx, &c)
}

func (s *Store) fillCase(ctx context.Context, c *Case) error {
	rows, err := s.query(ctx, `SELECT at, action, from_state, to_state, actor, note FROM remedy_events WHERE case_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e CaseEvent
		var at int64
		if err := rows.Scan(&at, &e.Action, &e.From, &e.To, &e.Actor, &e.Note); err != nil {
			return err
		}
		e.At, e.Label = fromMicros(at), remedy.Action(e.Action).Label()
		switch e.Action {
		case "submit":
			e.Label = "提交"
		case "escalate":
			e.Label = "超期督办"
		case "restore":
			e.Label = "恢复信誉"
		}
		c.Events = append(c.Events, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ar, err := s.query(ctx, `SELECT id, kind, name, content_type, size, sha256 FROM remedy_attachments WHERE case_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return err
	}
	defer ar.Close()
	for ar.Next() {
		var a AttachInfo
		if err := ar.Scan(&a.ID, &a.Kind, &a.Name, &a.ContentType, &a.Size, &a.SHA256); err != nil {
			return err
		}
		a.KindLabel = remedy.MaterialLabel(a.Kind)
		c.Attachments = append(c.Attachments, a)
	}
	return ar.Err()
}

// Attachment returns one attachment's description and content.
func (s *Store) Attachment(ctx context.Context, caseID, id int64) (AttachInfo, []byte, error) {
	var a AttachInfo
	var data []byte
	err := s.queryRow(ctx, `SELECT id, kind, name, content_type, size, sha256, data FROM remedy_attachments WHERE case_id = ? AND id = ?`, caseID, id).
		Scan(&a.ID, &a.Kind, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, errs.NotFound("remedy.attachment_not_found", "未找到该附件")
	}
	return a, data, err
}

// CaseFilter narrows a case listing.
type CaseFilter struct {
	Kind      remedy.Kind
	Dept      string // "" = every department (operator)
	SubjectID int64
	State     string
	Open      bool // only cases not yet closed
	Overdue   bool // only open cases past their due date
	Before    int64
	Limit     int
}

// Cases lists cases newest first.
func (s *Store) Cases(ctx context.Context, f CaseFilter) ([]Case, error) {
	q := `SELECT ` + caseCols + caseFrom + ` WHERE 1=1`
	var args []any
	add := func(cond string, v any) { q += ` AND ` + cond; args = append(args, v) }
	if f.Kind != "" {
		add(`c.kind = ?`, string(f.Kind))
	}
	if f.Dept != "" {
		add(`c.dept = ?`, f.Dept)
	}
	if f.SubjectID != 0 {
		add(`c.subject_id = ?`, f.SubjectID)
	}
	if f.State != "" {
		add(`c.state = ?`, f.State)
	}
	if f.Open || f.Overdue {
		q += ` AND c.closed_at IS NULL`
	}
	if f.Overdue {
		add(`c.due_date <> '' AND c.due_date < ?`, dayOf(s.Now()))
	}
	if f.Before > 0 {
		add(`c.id < ?`, f.Before)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q += ` ORDER BY c.id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	defer rows.Close()
	out := []Case{}
	now := s.Now()
	for rows.Next() {
		c, err := scanCase(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func dayOf(t time.Time) string {
	return t.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
}

// ApprovedRepairDays returns the closing days of approved repairs of a
// subject for a target type (for repair limits).
func (s *Store) ApprovedRepairDays(ctx context.Context, subjectID int64, targetType string) ([]string, error) {
	rows, err := s.query(ctx, `SELECT closed_at FROM remedy_cases WHERE kind = ? AND subject_id = ? AND target_type = ? AND state = ?`,
		string(remedy.Repair), subjectID, targetType, string(remedy.Approved))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var at sql.NullInt64
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		if at.Valid {
			out = append(out, dayOf(fromMicros(at.Int64)))
		}
	}
	return out, rows.Err()
}

// ActiveEntriesOn returns the active, unpaused entries of a subject whose
// basis document is doc (the entries resting on a record), or the entry id
// itself when doc is "" and entryID is set.
func (s *Store) ActiveEntriesOn(ctx context.Context, subjectID int64, doc string, entryID int64) ([]int64, error) {
	q := `SELECT id FROM list_entries WHERE subject_id = ? AND state = 'active' AND paused = ? AND (end_date = '' OR end_date > ?)`
	args := []any{subjectID, false, dayOf(s.Now())}
	if entryID != 0 {
		q += ` AND id = ?`
		args = append(args, entryID)
	} else {
		q += ` AND basis_doc = ? AND basis_doc <> ''`
		args = append(args, doc)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
