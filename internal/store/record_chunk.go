package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/catalog"
	"xinyong/internal/record"
	"xinyong/internal/subject"
)

// ingester carries one batch through its chunks.
type ingester struct {
	tx         *Tx
	t          *catalog.Type
	catVersion int
	env        record.Env
	review     bool
	rep        *BatchReport
	o          *IngestOptions
	now        time.Time
	today      string
	legacy     map[string]subject.IDKind
	stmts      stmtCache
	// knownCode and knownHash hold the subjects this batch resolved or
	// created, by code and by id hash (see remember).
	knownCode, knownHash map[string]knownSubject
	// written holds the hashes of the document numbers written by this
	// batch when no record of its department and type was stored before it
	// (nil otherwise): only those need a version look-up.
	written *hashSet
	seed    maphash.Seed
	// The batch runs as a pipeline (docs/architecture.md, Storage): this
	// goroutine, the planner, decides per chunk what to write and queues
	// the writes (later) as one step for the writer goroutine, which alone
	// uses the transaction. next holds the ids the planner hands out.
	steps chan<- writeStep
	stop  <-chan struct{}
	queue []func() error
	next  map[string]int64
	// noSubjects: the store had no subject when the batch began, so the
	// workers have none to look up.
	noSubjects bool
	// copier encodes rows for COPY on PostgreSQL (nil on SQLite);
	// recordOIDs are the types of recordCols.
	copier      *copyEncoder
	recordOIDs  []uint32
	subjectOIDs []uint32 // of subjectInsertCols
	// encPerRow is the encoded size of a row in the last chunk (workers
	// size their buffers by it); chunkEnc is the chunk's encoded rows
	// while the planner stores it, handed to the writer by write.
	encPerRow atomic.Int64
	chunkEnc  []byte
	// fixed are the batch's values of recordDataCols that are the same
	// for every row, converted to any once (see recordData).
	fixed struct{ typ, dept, catVersion, nature, disclosure, batch, actor, now any }
}

// fix converts the batch's fixed record values to any, once.
func (in *ingester) fix() {
	f := &in.fixed
	f.typ, f.dept, f.catVersion, f.nature, f.disclosure = in.t.Code, in.o.Dept, in.catVersion, string(in.t.Nature), string(in.t.Disclosure)
	f.batch, f.actor, f.now = in.rep.BatchID, in.o.Actor, micros(in.now)
}

// The states a stored row starts in, as any.
var stateValues = map[record.State]any{record.Published: string(record.Published), record.PendingReview: string(record.PendingReview), record.Revoked: string(record.Revoked)}

// writeStep is work for the writer goroutine: ops run in order on the
// transaction; rows (when > 0) is reported to Progress afterwards; done,
// when set, receives the outcome (a barrier: see read).
type writeStep struct {
	ops  []func() error
	rows int
	done chan error
}

// run executes the step's ops.
func (w writeStep) run() error {
	for _, op := range w.ops {
		if err := op(); err != nil {
			return err
		}
	}
	return nil
}

// later queues a write for the writer goroutine.
func (in *ingester) later(op func() error) { in.queue = append(in.queue, op) }

// flush hands the queued writes to the writer goroutine; false when the
// batch was stopped.
func (in *ingester) flush(rows int) bool {
	st := writeStep{ops: in.queue, rows: rows}
	in.queue = nil
	select {
	case in.steps <- st:
		return true
	case <-in.stop:
		return false
	}
}

// read runs fn on the transaction after every write queued before it: the
// planner's reads of rows this batch may have written (versions of its
// document numbers, legacy identifiers) see them.
func (in *ingester) read(fn func() error) error {
	if !in.flush(0) {
		return errBatchStopped
	}
	done := make(chan error, 1)
	select {
	case in.steps <- writeStep{ops: []func() error{fn}, done: done}:
	case <-in.stop:
		return errBatchStopped
	}
	select {
	case err := <-done:
		return err
	case <-in.stop:
		return errBatchStopped
	}
}

var errBatchStopped = errors.New("import stopped")

// reserve hands out n ids of table (records, subjects): the batch holds
// the write lock, so nobody else takes ids meanwhile; on PostgreSQL the
// writes move the sequence past them (setSequence) before inserting.
func (in *ingester) reserve(table string, n int) int64 {
	first := in.next[table]
	in.next[table] = first + int64(n)
	return first
}

// pendingRow is a valid row on its way into the store.
type pendingRow struct {
	line     int
	late     int // working days late if published today (computed in prepare)
	raw      []string
	draft    record.Draft
	ref      subjectRef
	rejected bool
	reasons  []string
	state    record.State
	// data are the values of recordDataCols (SQLite); enc is them encoded
	// for COPY (PostgreSQL).
	data []any
	enc  []byte
}

func (p *pendingRow) reject(rep *BatchReport, field, reason string) {
	if !p.rejected {
		rep.Rejected++
	}
	p.rejected = true
	p.reasons = append(p.reasons, reason)
	rep.issue(p.line, field, reason)
}

// existing is the latest stored version of a (dept, type, doc_no).
type existing struct {
	version      int
	hash         string
	currentID    int64
	currentState record.State
	inChunk      int // index into the chunk's inserts of the current version, -1 if stored
}

// An imported record's columns: recordKeyCols the planner decides (id,
// subject, version, whether current, superseded within the batch), then
// recordDataCols, which depend on the row alone and are built, on
// PostgreSQL already encoded, by the validating workers (recordData).
var (
	recordKeyCols  = []string{"id", "subject_id", "version", "is_current", "superseded_at"}
	recordDataCols = []string{"type", "dept", "doc_no", "catalog_version", "nature", "severity", "disclosure", "state",
		"decision_date", "valid_to", "publicity_min_end", "publicity_end", "late_days", "content", "content_hash", "flags", "batch_id", "submitted_by", "received_at", "published_at", "revoked_at"}
	recordCols = append(append([]string{}, recordKeyCols...), recordDataCols...)
)

// recordInline are the columns of recordCols with few distinct values in a
// batch, inlined on SQLite (see inline): is_current, type, dept,
// catalog_version, nature, severity, disclosure, state, flags, batch_id,
// submitted_by, received_at, published_at, revoked_at; superseded_at when
// NULL.
var recordInline = inlineOf(recordCols,
	[]string{"is_current", "type", "dept", "catalog_version", "nature", "severity", "disclosure", "state", "flags", "batch_id", "submitted_by", "received_at", "published_at", "revoked_at"},
	[]string{"superseded_at"})

// prepared is a chunk after the pure phase: validated, drafts built,
// subject identifiers read. part holds the chunk's own report lines.
type prepared struct {
	ok          []*pendingRow
	rows        []pendingRow // what ok points into, from rowSlabs
	part        BatchReport
	first, last int
	// byCode and byHash are the chunk's subjects stored before the batch,
	// looked up by the validating worker on a connection of the read pool
	// (the batch's own new subjects are in knownCode/knownHash).
	byCode, byHash map[string]knownSubject
	err            error
	// encoded holds the enc of the rows (PostgreSQL).
	encoded []byte
	// vals backs the valid rows' values (Layout.Validate), from valSlabs.
	vals []string
}

// prepare is the pure phase of a chunk (no database): it runs on its own
// goroutine, overlapping the previous chunk's writes.
func (in *ingester) prepare(rows []IngestRow) *prepared {
	pr := &prepared{first: rows[0].Line, last: rows[len(rows)-1].Line}
	rep := &pr.part
	// Lateness depends only on the decision date within a batch (same
	// calendar, same day of publication): a chunk's rows share few dates.
	lateness := map[string]int{}
	pr.rows = rowSlabs.get(len(rows))
	pr.ok = make([]*pendingRow, 0, len(rows))
	nf := len(in.t.Fields)
	pr.vals = valSlabs.get(len(rows) * nf)
	// The rows of a file share their Columns: resolved once per chunk.
	var lay *catalog.Layout
	var layCols []string
	// On PostgreSQL one buffer holds the chunk's encoded rows, given back
	// once the writer has streamed them (write) or the planner found
	// nothing to write (apply).
	var enc []byte
	var ends []int
	if in.copier != nil {
		enc = rowBufs.get(len(rows) * int(max(640, in.encPerRow.Load()*9/8)))
		ends = make([]int, 0, len(rows))
	}
	for i, r := range rows {
		rep.Total++
		p := &pr.rows[i]
		p.line, p.raw = r.Line, r.Raw
		if r.Err != "" {
			p.reject(rep, "", r.Err)
			keepRejected(rep, p)
			continue
		}
		if r.Values == nil && r.Columns != nil && (lay == nil || !sameColumns(layCols, r.Columns)) {
			lay, layCols = in.t.Layout(r.Columns), r.Columns
		}
		vr, problems := r.validate(in.t, lay, pr.vals[i*nf:(i+1)*nf:(i+1)*nf])
		if len(problems) > 0 {
			for _, f := range problems {
				p.reject(rep, f.Field, f.Reason)
			}
			keepRejected(rep, p)
			continue
		}
		field, reason := in.subjectOf(&p.ref, rep, r.Line, vr, in.now)
		if reason != "" {
			p.reject(rep, field, reason)
			keepRejected(rep, p)
			continue
		}
		p.draft = record.Build(in.t, vr, in.env)
		if !in.o.Backfill {
			late, ok := lateness[p.draft.DecisionDate]
			if !ok {
				late = record.Lateness(in.t, in.env.Calendar, p.draft.DecisionDate, in.today)
				lateness[p.draft.DecisionDate] = late
			}
			p.late = late
		}
		// Stored compact (record.Compact, in the type's field order of this
		// catalogue version); the hash stays that of the canonical form.
		if shown := in.protectIDs(&p.draft); shown != nil {
			p.draft.Compact, _ = record.Compact(in.t.SortedCodes(), shown)
		}
		if p.ref.flag != "" {
			p.draft.Flags = append(p.draft.Flags, record.FlagCheckChar)
			rep.warn(r.Line, in.fieldOf(catalog.RoleSubjectCode), p.ref.flag)
		}
		for _, w := range p.draft.Warnings {
			rep.warn(r.Line, w.Field, w.Reason)
		}
		if in.copier == nil {
			p.data = in.recordData(p, nil)
		} else { // encoded at once
			var err error
			if enc, err = in.appendRecordData(enc, p); err != nil {
				pr.err = fmt.Errorf("copy into records, %w", err)
				return pr
			}
			ends = append(ends, len(enc))
		}
		pr.ok = append(pr.ok, p)
	}
	if enc != nil {
		start := 0
		for i, p := range pr.ok {
			p.enc, start = enc[start:ends[i]:ends[i]], ends[i]
		}
		pr.encoded = enc
		if len(pr.ok) > 0 {
			in.encPerRow.Store(int64(len(enc) / len(pr.ok)))
		}
	}
	pr.err = in.findStored(pr)
	return pr
}

// sameColumns reports whether a and b are the same slice (the Columns of
// rows of one file), or equal.
func sameColumns(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return slices.Equal(a, b)
}

// settle decides a valid row's state (published, or pending review where
// the department reviews, or revoked when its status field says 撤销) and
// what follows from it (the late flag, lateness); it returns the content
// to store.
func (in *ingester) settle(p *pendingRow) (content string) {
	d := &p.draft
	p.state = record.Published
	if in.review {
		p.state = record.PendingReview
	}
	// A row whose status says 撤销 (e.g. XK_ZT = 1) revokes: it is stored
	// as a revoked version at once, never held for review.
	if d.Row.Status == "1" {
		p.state = record.Revoked
	}
	if p.state == record.Published && p.late > 0 {
		d.Flags = append(d.Flags, record.FlagLate)
	}
	if p.state != record.Published {
		p.late = 0
	}
	if d.Compact != "" {
		return d.Compact
	}
	return d.Content
}

// recordData appends to dst[:0] the values of recordDataCols for a valid
// row (SQLite; appendRecordData encodes the same for PostgreSQL).
func (in *ingester) recordData(p *pendingRow, dst []any) []any {
	content := in.settle(p)
	d := &p.draft
	f := &in.fixed
	var published, revoked any
	switch p.state {
	case record.Published:
		published = f.now
	case record.Revoked:
		revoked = f.now
	}
	return append(dst[:0], f.typ, f.dept, d.Row.DocNo, f.catVersion, f.nature, string(d.Severity), f.disclosure, stateValues[p.state],
		d.DecisionDate, d.ValidTo, d.PublicityMinEnd, d.PublicityEnd, p.late, content, d.ContentHash, record.JoinFlags(d.Flags), f.batch, f.actor, f.now, published, revoked)
}

// appendRecordData appends the fields of recordDataCols for a valid row
// in COPY's binary format, the values recordData gives, without boxing
// each (PostgreSQL).
func (in *ingester) appendRecordData(b []byte, p *pendingRow) ([]byte, error) {
	content := in.settle(p)
	d := &p.draft
	now := micros(in.now)
	w := copyRow{b: b, oids: in.recordOIDs[len(recordKeyCols):]}
	w.text(in.t.Code)
	w.text(in.o.Dept)
	w.text(d.Row.DocNo)
	w.int(int64(in.catVersion))
	w.text(string(in.t.Nature))
	w.text(string(d.Severity))
	w.text(string(in.t.Disclosure))
	w.text(string(p.state))
	w.text(d.DecisionDate)
	w.text(d.ValidTo)
	w.text(d.PublicityMinEnd)
	w.text(d.PublicityEnd)
	w.int(int64(p.late))
	w.text(content)
	w.text(d.ContentHash)
	w.text(record.JoinFlags(d.Flags))
	w.int(in.rep.BatchID)
	w.text(in.o.Actor)
	w.int(now)
	w.intIf(p.state == record.Published, now)
	w.intIf(p.state == record.Revoked, now)
	if w.err != nil {
		return nil, fmt.Errorf("column %s: %w", recordDataCols[w.i], w.err)
	}
	if w.i != len(recordDataCols) {
		return nil, fmt.Errorf("%d values for %d columns", w.i, len(recordDataCols))
	}
	return w.b, nil
}

// findStored looks up the chunk's subjects among those committed before
// the batch, outside the transaction: the batch holds the write lock from
// its start, so the committed subjects are exactly those it started with.
func (in *ingester) findStored(pr *prepared) error {
	if in.noSubjects {
		return nil
	}
	var codes, hashes []any
	seen := make(map[string]bool, len(pr.ok))
	for _, p := range pr.ok {
		k := p.ref.hash
		if k == "" {
			k = p.ref.code
		}
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		if p.ref.hash != "" {
			hashes = append(hashes, k)
		} else {
			codes = append(codes, k)
		}
	}
	pr.byCode, pr.byHash = make(map[string]knownSubject, len(codes)), make(map[string]knownSubject, len(hashes))
	if err := in.lookup(`SELECT code, id, code FROM subjects WHERE code `, codes, pr.byCode); err != nil {
		return err
	}
	return in.lookup(`SELECT id_hash, id, code FROM subjects WHERE id_hash `, hashes, pr.byHash)
}

// apply is the transactional phase of a chunk: merge its report lines,
// resolve subjects, store records.
func (in *ingester) apply(pr *prepared) error {
	if pr.err != nil {
		return pr.err
	}
	in.rep.merge(&pr.part)
	if len(pr.ok) > 0 {
		if err := in.resolveSubjects(pr); err != nil {
			return err
		}
	}
	var good []*pendingRow
	for _, p := range pr.ok {
		if p.rejected {
			keepRejected(in.rep, p)
			continue
		}
		good = append(good, p)
	}
	if len(good) == 0 {
		in.release(pr)
		return nil
	}
	in.chunkEnc, pr.encoded = pr.encoded, nil
	err := in.store(good, pr.first, pr.last)
	if in.chunkEnc != nil { // write did not take it
		rowBufs.put(in.chunkEnc)
		in.chunkEnc = nil
	}
	in.release(pr)
	return err
}

// release gives back the chunk's rows and encoding buffer (unless write
// took it): nothing refers to the chunk's pendingRows after apply.
func (in *ingester) release(pr *prepared) {
	if pr.encoded != nil {
		rowBufs.put(pr.encoded)
		pr.encoded = nil
	}
	rowSlabs.put(pr.rows)
	valSlabs.put(pr.vals)
	pr.rows, pr.ok, pr.vals = nil, nil, nil
}

// rowSlabs holds the pendingRows of chunks, subjectSlabs the new subjects
// of a chunk (resolveSubjects), valSlabs the values of a chunk's rows.
var (
	rowSlabs     slabPool[pendingRow]
	subjectSlabs slabPool[subject.Subject]
	valSlabs     slabPool[string]
)

// protectIDs keeps identity numbers out of stored content: the content
// shows them masked, and the content hash (idempotency) covers their keyed
// hash instead of the clear number, so neither reveals them. It returns the
// values the stored content shows when they differ from the row's (nil
// otherwise).
func (in *ingester) protectIDs(d *record.Draft) map[string]string {
	var shown, hashed map[string]string
	for i := range in.t.Fields {
		f := &in.t.Fields[i]
		if f.Type != catalog.FieldIDNumber {
			continue
		}
		v := d.Row.Value(f.Code)
		if v == "" {
			continue
		}
		if shown == nil {
			shown = d.Row.Values()
			hashed = maps.Clone(shown)
		}
		shown[f.Code], hashed[f.Code] = in.o.Mask(v), in.o.PII.Hash("record_id_number", v)
	}
	if shown == nil {
		return nil
	}
	d.Content, _ = record.Canonical(shown)
	_, d.ContentHash = record.Canonical(hashed)
	return shown
}

func keepRejected(rep *BatchReport, p *pendingRow) {
	if len(rep.RejectedRows) >= maxRejectedRows {
		rep.Truncated = true
		return
	}
	rep.RejectedRows = append(rep.RejectedRows, RejectedRow{Row: p.line, Cells: p.raw, Errors: strings.Join(p.reasons, "；")})
}

// store decides, per valid row, between new record, duplicate and new
// version, then writes the chunk.
func (in *ingester) store(good []*pendingRow, firstLine, lastLine int) error {
	docs := make([]any, 0, len(good))
	seen := make(map[string]bool, len(good))
	for _, p := range good {
		d := p.draft.Row.DocNo
		if seen[d] {
			continue
		}
		seen[d] = true
		// With no stored record of the batch's department and type at its
		// start, only a document number this batch wrote can have a
		// version; a hash collision merely costs a look-up.
		if in.written != nil {
			if !in.written.has(in.docHash(d)) {
				continue
			}
		}
		docs = append(docs, d)
	}
	latest := make(map[string]*existing, len(good))
	if len(docs) > 0 {
		if err := in.read(func() error { return in.latestOf(docs, latest) }); err != nil {
			return err
		}
	}
	return in.write(good, latest, firstLine, lastLine)
}

// latestOf reads the stored versions of the given document numbers.
func (in *ingester) latestOf(docs []any, latest map[string]*existing) error {
	if len(docs) == 0 {
		return nil
	}
	clause, arg := in.tx.inList(docs)
	q, args := `SELECT doc_no, version, content_hash, is_current, id, state FROM records WHERE dept = ? AND type = ? AND doc_no `+clause, []any{in.o.Dept, in.t.Code, arg}
	if in.tx.s.D.Name == "postgres" {
		// One index probe per key on (dept, type, doc_no): the batch's own
		// rows have no statistics yet, so leave the planner no choice.
		q, args = `SELECT r.doc_no, r.version, r.content_hash, r.is_current, r.id, r.state FROM unnest(CAST(? AS text[])) AS k(doc)
			CROSS JOIN LATERAL (SELECT * FROM records x WHERE x.dept = ? AND x.type = ? AND x.doc_no = k.doc OFFSET 0) r`, []any{arg, in.o.Dept, in.t.Code}
	}
	rs, err := in.tx.query(q, args...)
	if err != nil {
		return fmt.Errorf("find existing records: %w", err)
	}
	for rs.Next() {
		var doc, hash, state string
		var ver int
		var cur bool
		var id int64
		if err := rs.Scan(&doc, &ver, &hash, &cur, &id, &state); err != nil {
			rs.Close()
			return err
		}
		e := latest[doc]
		if e == nil {
			e = &existing{inChunk: -1}
			latest[doc] = e
		}
		if ver > e.version {
			e.version, e.hash = ver, hash
		}
		if cur {
			e.currentID, e.currentState = id, record.State(state)
		}
	}
	rs.Close()
	return rs.Err()
}

// docHash keys the set of document numbers written by the batch.
func (in *ingester) docHash(doc string) uint64 {
	return maphash.String(in.seed, doc)
}

// write stores a chunk's rows given the latest stored version of each of
// their document numbers.
func (in *ingester) write(good []*pendingRow, latest map[string]*existing, firstLine, lastLine int) error {
	firstID := in.reserve("records", len(good))
	nowMicros := micros(in.now)
	// One insert per row not a duplicate; a row superseded within the chunk
	// is stored as not current, with superseded_at.
	type insert struct {
		p          *pendingRow
		id         int64
		version    int
		current    bool
		superseded bool
	}
	inserts := make([]insert, 0, len(good))
	var supersede []any
	bulk := &bulkEvents{kind: kindRecordsBulk, first: firstID}
	hashes := make([]string, 0, len(good))
	// The entries of latest for the chunk's new document numbers.
	added := make([]existing, 0, len(good))
	nextID := firstID
	for _, p := range good {
		d := &p.draft
		doc := d.Row.DocNo
		e := latest[doc]
		if e != nil && e.hash == d.ContentHash {
			in.rep.Duplicate++
			in.rep.Accepted++
			in.outcome(p, "duplicate", e.currentID, e.version, string(e.currentState))
			continue
		}
		version, current := 1, true
		state := p.state
		revoke := state == record.Revoked
		wasPublished := e != nil && e.currentState == record.Published
		kind := "record.published"
		if e != nil {
			version = e.version + 1
			kind = "record.corrected"
			if in.review && !revoke && e.currentState == record.Published {
				current = false // the published version stays in effect until review
			}
		}
		id := nextID
		nextID++
		if e != nil && current && e.currentID != 0 {
			if e.inChunk >= 0 {
				inserts[e.inChunk].current, inserts[e.inChunk].superseded = false, true
			} else {
				supersede = append(supersede, e.currentID)
			}
			if e.currentState != record.Published {
				kind = "record.published"
			}
		}
		if revoke {
			in.rep.Revoked++
		}
		if p.late > 0 {
			in.rep.Late++
		}
		inserts = append(inserts, insert{p: p, id: id, version: version, current: current})
		hashes = append(hashes, d.ContentHash)
		if in.written != nil {
			in.written.add(in.docHash(doc))
		}
		if e == nil {
			added = append(added, existing{})
			e = &added[len(added)-1]
			latest[doc] = e
			in.rep.Created++
		} else {
			in.rep.Corrected++
		}
		e.version, e.hash = version, d.ContentHash
		if current {
			e.currentID, e.currentState, e.inChunk = id, state, len(inserts)-1
		}
		in.rep.Accepted++
		letter := byte('-')
		switch {
		case state == record.PendingReview:
			in.rep.Pending++
		case revoke && wasPublished:
			letter = spanLetter("record.revoked")
		case !revoke:
			letter = spanLetter(kind)
		}
		bulk.kinds = append(bulk.kinds, letter)
		bulk.subjects = append(bulk.subjects, p.ref.id)
		if in.o.Outcomes {
			result := "corrected"
			if version == 1 {
				result = "created"
			}
			in.outcome(p, result, id, version, string(state))
		}
	}
	if len(inserts) == 0 {
		return nil
	}
	ev := audit.Event{Actor: in.o.Actor, Action: "record.import", Object: fmt.Sprintf("batch:%d", in.rep.BatchID),
		After:  map[string]any{"ids": [2]int64{firstID, nextID - 1}, "content": digestStrings(hashes)},
		Detail: fmt.Sprintf("%s 第 %d–%d 行：写入 %d 条", in.t.Name, firstLine, lastLine, len(inserts))}
	keys := func(x insert) []any {
		var superseded any
		if x.superseded {
			superseded = nowMicros
		}
		return []any{x.id, x.p.ref.id, x.version, x.current, superseded}
	}
	tx := in.tx
	var insertRecords func() error
	if in.copier != nil {
		// The workers encoded each row's data columns (recordData); the
		// writer streams each behind the keys encoded here, from where
		// they are (no copy into one buffer), and then gives both
		// buffers back.
		enc := in.chunkEnc
		in.chunkEnc = nil
		kb := append(keyBufs.get(len(copySignature)+2+len(inserts)*64), copySignature...)
		ends := make([]int, len(inserts)+1)
		ends[0] = len(kb)
		oids := in.recordOIDs[:len(recordKeyCols)]
		for i, x := range inserts {
			kb = binary.BigEndian.AppendUint16(kb, uint16(len(recordCols)))
			var err error
			if kb, err = appendRecordKeys(kb, oids, x.id, x.p.ref.id, x.version, x.current, x.superseded, nowMicros); err != nil {
				keyBufs.put(kb)
				rowBufs.put(enc)
				return fmt.Errorf("copy into records: %w", err)
			}
			ends[i+1] = len(kb)
		}
		kb = binary.BigEndian.AppendUint16(kb, 0xffff)
		segs := make(net.Buffers, 0, 2*len(inserts)+2)
		segs = append(segs, kb[:ends[0]])
		for i, x := range inserts {
			segs = append(segs, kb[ends[i]:ends[i+1]], x.p.enc)
		}
		segs = append(segs, kb[ends[len(inserts)]:])
		insertRecords = func() error {
			defer rowBufs.put(enc)
			defer keyBufs.put(kb)
			return tx.copyEncoded(tx.sequenceSQL("records", nextID-1), "records", recordCols, segs, len(inserts))
		}
	} else {
		rows := make([][]any, len(inserts))
		for i, x := range inserts {
			rows[i] = append(keys(x), x.p.data...)
		}
		var err error
		if insertRecords, err = in.insertOp(tx.sequenceSQL("records", nextID-1), "records", recordCols, rows, recordInline); err != nil {
			return err
		}
	}
	in.later(func() error {
		if err := insertRecords(); err != nil {
			return err
		}
		if len(supersede) > 0 {
			clause, arg := tx.inList(supersede)
			if _, err := tx.exec(`UPDATE records SET is_current = ?, superseded_at = ? WHERE id `+clause, false, nowMicros, arg); err != nil {
				return fmt.Errorf("supersede records: %w", err)
			}
		}
		if err := tx.Audit(ev); err != nil {
			return err
		}
		return tx.emitBulk(bulk)
	})
	return nil
}

// appendRecordKeys appends the fields of recordKeyCols (of types oids) for
// one record, as keys does for SQLite but without boxing each value.
func appendRecordKeys(b []byte, oids []uint32, id, subject int64, version int, current, superseded bool, now int64) ([]byte, error) {
	var err error
	if b, err = appendCopyInt(b, oids[0], id); err != nil {
		return nil, err
	}
	if b, err = appendCopyInt(b, oids[1], subject); err != nil {
		return nil, err
	}
	if b, err = appendCopyInt(b, oids[2], int64(version)); err != nil {
		return nil, err
	}
	if b, err = appendCopyBool(b, oids[3], current); err != nil {
		return nil, err
	}
	if !superseded {
		return appendCopyValue(b, oids[4], nil)
	}
	return appendCopyInt(b, oids[4], now)
}

func (in *ingester) outcome(p *pendingRow, result string, id int64, version int, state string) {
	if in.o.Outcomes {
		in.rep.Outcomes = append(in.rep.Outcomes, Outcome{Row: p.line, DocNo: p.draft.Row.DocNo, Result: result, ID: id, Version: version, State: state})
	}
}
