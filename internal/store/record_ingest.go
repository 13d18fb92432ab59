package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"

	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/record"
	"xinyong/internal/subject"
)

// IngestRow is one submitted row.
type IngestRow struct {
	Line   int               // row number shown in the report (file row, or 1-based array index)
	Values map[string]string // by field code, Chinese name or alias
	// Columns and Cells are the row as a file reader has it, instead of
	// Values: Cells[i] is the value of field code Columns[i] ("" = column
	// ignored). Columns is shared by the rows of a file.
	Columns, Cells []string
	Raw            []string // cells as given (for the XLSX report), optional
	Err            string   // a reader-level problem with this row (e.g. bad quoting)
}

// Validate validates the row as a row of type t.
func (r IngestRow) Validate(t *catalog.Type) (catalog.Row, []errs.FieldError) {
	return r.validate(t, nil, nil)
}

// validate is Validate given lay, the layout of the row's Columns (built
// when nil), and dst (nil, or of length len(t.Fields)) to hold the valid
// row's values (Layout.Validate).
func (r IngestRow) validate(t *catalog.Type, lay *catalog.Layout, dst []string) (catalog.Row, []errs.FieldError) {
	if r.Values == nil && r.Columns != nil {
		if lay == nil {
			lay = t.Layout(r.Columns)
		}
		return lay.Validate(dst, r.Cells)
	}
	return t.ValidateRow(r.Values)
}

// Value returns the value the row gives for field code (tests, tools).
func (r IngestRow) Value(code string) string {
	if r.Values != nil {
		return r.Values[code]
	}
	for i, c := range r.Columns {
		if c == code && i < len(r.Cells) {
			return r.Cells[i]
		}
	}
	return ""
}

// RowReader yields rows until io.EOF.
type RowReader interface {
	Next() (IngestRow, error)
}

// SliceRows is a RowReader over a slice.
type SliceRows struct {
	Rows []IngestRow
	i    int
}

// Next implements RowReader.
func (s *SliceRows) Next() (IngestRow, error) {
	if s.i >= len(s.Rows) {
		return IngestRow{}, io.EOF
	}
	s.i++
	return s.Rows[s.i-1], nil
}

// IngestOptions describe one batch.
type IngestOptions struct {
	Dept           string
	Type           string
	Source         string // "api", "file:name.xlsx", "cli:name.csv"
	Actor          string
	IdempotencyKey string // optional: the same key returns the stored report
	Strict         bool   // all or nothing
	Header         []string
	Warnings       []Issue // reader warnings (ignored columns …)
	PII            subject.Protector
	Mask           func(string) string
	ChunkSize      int  // rows per chunk (default 2000)
	Outcomes       bool // report one outcome per accepted row
	// Backfill loads historical records (历史数据补录): they are published
	// without the 7-working-day lateness check, which applies to new
	// decisions only.
	Backfill bool
	// Progress is called after each chunk with the rows read so far, inside
	// the open transaction (the CLI draws its bar; tests crash here).
	Progress func(rows int)
}

// Issue is one line of a row report.
type Issue struct {
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// RejectedRow keeps the cells of a rejected row for the XLSX report.
type RejectedRow struct {
	Row    int      `json:"row"`
	Cells  []string `json:"cells"`
	Errors string   `json:"errors"`
}

// Outcome is what happened to one accepted row.
type Outcome struct {
	Row     int    `json:"row"`
	DocNo   string `json:"doc_no"`
	Result  string `json:"result"` // created, corrected, duplicate
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	State   string `json:"state"`
}

// BatchReport is the row-by-row answer to a submission.
type BatchReport struct {
	BatchID        int64         `json:"batch_id"`
	Status         string        `json:"status"` // committed, rejected
	Dept           string        `json:"dept"`
	Type           string        `json:"type"`
	Mode           string        `json:"mode"`
	Source         string        `json:"source"`
	CatalogVersion int           `json:"catalog_version"`
	Total          int           `json:"total"`
	Accepted       int           `json:"accepted"`
	Created        int           `json:"created"`
	Corrected      int           `json:"corrected"`
	Duplicate      int           `json:"duplicate"`
	Rejected       int           `json:"rejected"`
	Pending        int           `json:"pending_review"`
	Revoked        int           `json:"revoked"` // rows whose status field says 撤销
	Late           int           `json:"late"`
	Issues         []Issue       `json:"issues"`
	Warnings       []Issue       `json:"warnings"`
	Truncated      bool          `json:"truncated,omitempty"`
	Replayed       bool          `json:"replayed,omitempty"`
	Header         []string      `json:"header,omitempty"`
	RejectedRows   []RejectedRow `json:"rejected_rows,omitempty"`
	Outcomes       []Outcome     `json:"outcomes,omitempty"`
}

// Report caps: a huge bad file must not produce a huge report.
const (
	maxIssues       = 20000
	maxRejectedRows = 10000
	maxWarnings     = 5000
)

func (r *BatchReport) issue(row int, field, reason string) {
	if len(r.Issues) >= maxIssues {
		r.Truncated = true
		return
	}
	r.Issues = append(r.Issues, Issue{row, field, reason})
}

// merge adds a chunk's report lines (within the caps).
func (r *BatchReport) merge(p *BatchReport) {
	r.Total += p.Total
	r.Rejected += p.Rejected
	for _, is := range p.Issues {
		r.issue(is.Row, is.Field, is.Reason)
	}
	for _, w := range p.Warnings {
		r.warn(w.Row, w.Field, w.Reason)
	}
	for _, x := range p.RejectedRows {
		if len(r.RejectedRows) >= maxRejectedRows {
			r.Truncated = true
			break
		}
		r.RejectedRows = append(r.RejectedRows, x)
	}
	r.Truncated = r.Truncated || p.Truncated
}

func (r *BatchReport) warn(row int, field, reason string) {
	if len(r.Warnings) >= maxWarnings {
		r.Truncated = true
		return
	}
	r.Warnings = append(r.Warnings, Issue{row, field, reason})
}

var errStrictReject = errors.New("strict batch rejected")

// Ingest validates and stores one batch of rows of a record type for a
// department in ONE transaction: after a crash the batch is wholly there or
// wholly absent. Rows are handled in chunks: validation in Go, subjects
// resolved (or created) with one query per chunk, records written with
// multi-row INSERTs. Re-sending a record (same dept, type, doc_no) with the
// same content is a duplicate no-op; changed content is a new version.
//
// Default mode stores the good rows and reports the bad ones; strict mode
// stores nothing when any row is bad (the report then has status
// "rejected" and is kept as a batch log without records).
func (s *Store) Ingest(ctx context.Context, src RowReader, o IngestOptions) (*BatchReport, error) {
	mode := "default"
	if o.Strict {
		mode = "strict"
	}
	rep := &BatchReport{Status: "committed", Dept: o.Dept, Type: o.Type, Mode: mode, Source: o.Source, Header: o.Header,
		Issues: []Issue{}, Warnings: append([]Issue{}, o.Warnings...)}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	t, ok := cat.Lookup(o.Type)
	if !ok {
		return nil, errs.Field("type", "未知的信息类别："+o.Type+"（可选："+joinComma(cat.Codes())+"）")
	}
	dept, err := s.Department(ctx, o.Dept)
	if err != nil {
		return nil, errs.Field("dept", "未找到部门："+o.Dept)
	}
	if !t.AllowsDepartment(o.Dept) {
		return nil, errs.Forbidden("record.dept_not_allowed", "部门 "+dept.Name+" 不是“"+t.Name+"”的报送单位")
	}
	if o.IdempotencyKey != "" {
		if prev, err := s.batchByKey(ctx, o.Dept, o.IdempotencyKey); err == nil {
			prev.Replayed = true
			return prev, nil
		} else if !errs.Is(err, errs.KindNotFound) {
			return nil, err
		}
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := s.PublicityRules(ctx)
	if err != nil {
		return nil, err
	}
	rep.CatalogVersion = cat.Version
	if o.ChunkSize <= 0 {
		o.ChunkSize = 2000
	}
	if o.Mask == nil {
		o.Mask = func(s string) string { return subject.MaskID(s, 4, 4) }
	}
	if s.D.Name == "sqlite" {
		// Statement sub-journals of the multi-row INSERTs go to memory, not
		// to temporary files (takes effect outside a transaction only).
		if _, err := s.w.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			return nil, err
		}
		// A batch leaves the WAL to the checkpointer (tx.leaveWAL); the
		// next batch truncates it first, so that batches back to back do
		// not grow it without bound.
		if s.Path != "" {
			s.truncateWAL()
		}
	}
	err = s.inConnTx(ctx, func(tx *Tx) error {
		if err := tx.serialize(); err != nil {
			return err
		}
		now := tx.s.Now()
		id, err := tx.insertID(`INSERT INTO batches (dept, type, source, idempotency_key, submitted_by, created_at, mode, status, catalog_version) VALUES (?,?,?,?,?,?,?,?,?)`,
			o.Dept, o.Type, o.Source, nullStr(o.IdempotencyKey), o.Actor, micros(now), mode, "committed", cat.Version)
		if err != nil {
			return fmt.Errorf("insert batch: %w", err)
		}
		rep.BatchID = id
		in := &ingester{tx: tx, t: t, catVersion: cat.Version, env: record.Env{Calendar: cal, Rules: rules},
			review: dept.ReviewRequired, rep: rep, o: &o, now: now, legacy: legacyKinds(t), stmts: stmtCache{}, next: map[string]int64{}}
		// Records and subjects get their ids from the batch (reserve): it
		// holds the write lock.
		for _, table := range []string{"records", "subjects"} {
			max, err := tx.maxID(table)
			if err != nil {
				return err
			}
			in.next[table] = max + 1
		}
		in.noSubjects = in.next["subjects"] == 1
		in.fix()
		if tx.s.D.Name == "postgres" {
			if in.copier, err = tx.newCopyEncoder("records", "subjects", "subject_legacy_ids"); err != nil {
				return err
			}
			if in.recordOIDs, err = in.copier.oids("records", recordCols); err != nil {
				return err
			}
		}
		defer in.stmts.close()
		in.today = now.In(catalog.Shanghai).Format("2006-01-02")
		var one int
		switch err := tx.queryRow(`SELECT 1 FROM records WHERE dept = ? AND type = ? LIMIT 1`, o.Dept, t.Code).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			in.written, in.seed = &hashSet{}, maphash.MakeSeed()
		case err != nil:
			return err
		}
		tx.hold = true // its audit and feed rows, written before the commit
		if tx.s.D.Name == "postgres" {
			// The batch's own rows are invisible to the statistics until it
			// commits: without this the planner would scan the growing
			// records table once per chunk.
			if _, err := tx.exec(`SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
		}
		if tx.s.D.Name == "sqlite" {
			// The batch is one transaction and runs in the writer's own
			// page cache (128 MB, db.go): dirty pages beyond it spill to
			// the WAL as the batch goes and their buffers are reused. A
			// cache the size of the batch was slower (1M rows: 2 GB 38.0 s,
			// 128 MB 21.2 s; allocating, faulting in and freeing its page
			// buffers, docs/benchmarks.md). FK checks run at commit.
			if _, err := tx.exec(`PRAGMA defer_foreign_keys = ON`); err != nil {
				return err
			}
			tx.leaveWAL = true
		}
		// Chunks are read on one goroutine and validated on up to
		// GOMAXPROCS (≤ 4) workers while earlier chunks are written; the
		// writer takes them in file order.
		chunks := make(chan chan *prepared, 4)
		readErr := make(chan error, 1)
		stop := make(chan struct{})
		defer close(stop)
		type job struct {
			rows []IngestRow
			out  chan *prepared
		}
		jobs := make(chan job)
		for range min(runtime.GOMAXPROCS(0), 4) {
			go func() {
				background()
				for j := range jobs {
					j.out <- in.prepare(j.rows) // buffered: never blocks
				}
			}()
		}
		go func() {
			background()
			defer close(chunks)
			defer close(jobs)
			chunk := make([]IngestRow, 0, o.ChunkSize)
			for {
				row, err := src.Next()
				if err != nil && !errors.Is(err, io.EOF) {
					readErr <- err
					return
				}
				if err == nil {
					chunk = append(chunk, row)
				}
				if len(chunk) == o.ChunkSize || (errors.Is(err, io.EOF) && len(chunk) > 0) {
					out := make(chan *prepared, 1)
					select {
					case chunks <- out:
					case <-stop:
						return
					}
					select {
					case jobs <- job{chunk, out}:
					case <-stop:
						return
					}
					chunk = make([]IngestRow, 0, o.ChunkSize)
				}
				if errors.Is(err, io.EOF) {
					readErr <- nil
					return
				}
			}
		}()
		// The planner takes the validated chunks in file order and decides
		// what to write; this goroutine writes (see ingester.steps).
		steps := make(chan writeStep, 4)
		in.steps, in.stop = steps, stop
		planned := make(chan error, 1)
		go func() {
			background()
			defer close(steps)
			for out := range chunks {
				var pr *prepared
				select {
				case pr = <-out:
				case <-stop:
					planned <- errBatchStopped
					return
				}
				if err := in.apply(pr); err != nil {
					planned <- err
					return
				}
				if !in.flush(rep.Total) {
					planned <- errBatchStopped
					return
				}
			}
			planned <- nil
		}()
		chunksWritten := 0
		for st := range steps {
			if st.rows > 0 && tx.s.D.Name == "sqlite" {
				// A batch of more than one chunk (a file) gets a spare P
				// for the SQLite writer, which runs in this process.
				if chunksWritten++; chunksWritten == 2 {
					defer boostProcs()()
				}
			}
			err := st.run()
			if st.done != nil {
				st.done <- err
			}
			if err != nil {
				return err
			}
			if st.rows > 0 && o.Progress != nil {
				o.Progress(st.rows)
			}
		}
		if err := <-planned; err != nil {
			return err
		}
		if err := <-readErr; err != nil {
			return err
		}
		if w, ok := src.(interface{ ReadWarnings() []Issue }); ok {
			for _, x := range w.ReadWarnings() {
				rep.warn(x.Row, x.Field, x.Reason)
			}
		}
		if rep.Total == 0 {
			return errs.Invalid("records.empty", "没有可导入的数据行")
		}
		if o.Strict && rep.Rejected > 0 {
			return errStrictReject
		}
		return tx.saveBatch(rep)
	})
	if errors.Is(err, errStrictReject) {
		rep.Status = "rejected"
		rep.Accepted, rep.Created, rep.Corrected, rep.Duplicate, rep.Pending, rep.Late = 0, 0, 0, 0, 0, 0
		rep.Outcomes = nil
		err = s.InTx(ctx, func(tx *Tx) error {
			id, err := tx.insertID(`INSERT INTO batches (dept, type, source, submitted_by, created_at, mode, status, catalog_version) VALUES (?,?,?,?,?,?,?,?)`,
				o.Dept, o.Type, o.Source, o.Actor, micros(tx.s.Now()), mode, "rejected", cat.Version)
			if err != nil {
				return err
			}
			rep.BatchID = id
			return tx.saveBatch(rep)
		})
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (tx *Tx) saveBatch(rep *BatchReport) error {
	body, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = tx.exec(`UPDATE batches SET rows_total=?, rows_accepted=?, rows_rejected=?, rows_duplicate=?, report=? WHERE id=?`,
		rep.Total, rep.Accepted, rep.Rejected, rep.Duplicate, string(body), rep.BatchID)
	return err
}

// Batch returns the stored report of a batch.
func (s *Store) Batch(ctx context.Context, id int64) (*BatchReport, error) {
	var body string
	err := s.queryRow(ctx, `SELECT report FROM batches WHERE id = ?`, id).Scan(&body)
	return decodeBatch(body, err, fmt.Sprint(id))
}

func (s *Store) batchByKey(ctx context.Context, dept, key string) (*BatchReport, error) {
	var body string
	err := s.queryRow(ctx, `SELECT report FROM batches WHERE dept = ? AND idempotency_key = ?`, dept, key).Scan(&body)
	return decodeBatch(body, err, key)
}

func decodeBatch(body string, err error, key string) (*BatchReport, error) {
	if errors.Is(err, sql.ErrNoRows) || (err == nil && body == "") {
		return nil, errs.NotFound("batch.not_found", "未找到该批次："+key)
	} else if err != nil {
		return nil, err
	}
	var rep BatchReport
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		return nil, fmt.Errorf("batch %s report: %w", key, err)
	}
	return &rep, nil
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "、"
		}
		out += s
	}
	return out
}

func digestStrings(ss []string) string {
	h := sha256.New()
	for _, s := range ss {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
