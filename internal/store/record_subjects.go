package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xinyong/internal/audit"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/subject"
)

// subjectRef is how a row names its subject, before resolution.
type subjectRef struct {
	person   bool
	code     string // normalised USCC (orgs), "" for the placeholder
	hash     string // id hash (persons)
	legacy   []subject.LegacyID
	input    subject.Input
	flag     string // check-character warning
	id       int64
	pubCode  string
	resolved bool
}

// idKindOf maps the catalogue's 证件类型 vocabulary to subject.IDKind.
func idKindOf(s string) (subject.IDKind, bool) {
	if strings.HasPrefix(s, "护照") {
		return subject.IDKindPassport, true
	}
	k, err := subject.ParseIDKind(s)
	if err != nil || !k.Personal() {
		return "", false
	}
	return k, true
}

// legacyKinds maps a type's legacy-code fields to identifier kinds from the
// kind named in the field's name, e.g. 行政相对人代码_2（工商注册号）.
func legacyKinds(t *catalog.Type) map[string]subject.IDKind {
	out := map[string]subject.IDKind{}
	for i := range t.Fields {
		f := &t.Fields[i]
		if f.Role != catalog.RoleSubjectCodeLegacy {
			continue
		}
		name := f.Name
		if _, b, ok := strings.Cut(name, "（"); ok {
			name = strings.TrimSuffix(b, "）")
		}
		if k, err := subject.ParseIDKind(name); err == nil && !k.Personal() {
			out[f.Code] = k
		}
	}
	return out
}

// subjectOf reads the subject identification of a validated row into ref.
// A row whose identifier is malformed gets the field and reason of its
// rejection; a wrong check character is accepted and flagged.
func (in *ingester) subjectOf(ref *subjectRef, rep *BatchReport, line int, r catalog.Row, now time.Time) (field, reason string) {
	person := r.IsPerson() || (r.SubjectType == "" && r.SubjectCode == "" && r.IDNumber != "")
	ref.person = person
	ref.input = subject.Input{Name: r.SubjectName, LegalRep: r.LegalRep}
	codeField := in.fieldOf(catalog.RoleSubjectCode)
	if person {
		kind, ok := idKindOf(r.IDKind)
		if !ok {
			return in.fieldOf(catalog.RoleSubjectIDKind), "证件类型“" + r.IDKind + "”不是自然人证件"
		}
		v := subject.ValidateDocument(kind, r.IDNumber, now)
		if !v.OK {
			return in.fieldOf(catalog.RoleSubjectIDNumber), "证件号码无效：" + v.Reason
		}
		ref.hash = in.o.PII.Hash(string(kind), v.Normalized)
		ref.input.Type, ref.input.IDKind, ref.input.IDNumber = string(subject.TypeNatural), string(kind), v.Normalized
		return "", ""
	}
	for code, kind := range in.legacy {
		if val := r.Value(code); val != "" {
			lv := subject.ValidateDocument(kind, val, now)
			if !lv.OK {
				rep.warn(line, code, kind.Label()+"无效，已忽略："+lv.Reason)
				continue
			}
			ref.legacy = append(ref.legacy, subject.LegacyID{Kind: kind, Value: lv.Normalized})
		}
	}
	ref.input.LegacyIDs = ref.legacy
	if r.SubjectCode == catalog.PlaceholderUSCC || r.SubjectCode == "" {
		if len(ref.legacy) == 0 {
			return codeField, "统一社会信用代码为空或为17个0加X时，须填写可识别主体的其他代码"
		}
		return "", ""
	}
	v := subject.ValidateUSCC(r.SubjectCode)
	switch {
	case v.OK:
	case v.CheckCharOnly:
		ref.flag = "统一社会信用代码校验位错误，已按原值接收并标记：" + v.Reason
	default:
		return codeField, "统一社会信用代码无效：" + v.Reason
	}
	ref.code = v.Normalized
	typ := subject.TypeLegal
	switch {
	case r.SubjectType == catalog.SubjectIndividual:
		typ = subject.TypeIndividualBusiness
	case v.Type != "":
		typ = v.Type
	}
	ref.input.Type, ref.input.Code = string(typ), v.Normalized
	return "", ""
}

func (in *ingester) fieldOf(role catalog.Role) string {
	if f, ok := in.t.FieldByRole(role); ok {
		return f.Code
	}
	return string(role)
}

// resolveSubjects finds the subjects of a chunk's rows (the worker looked
// up those stored before the batch; those the batch created are known) and
// creates the missing ones in bulk.
func (in *ingester) resolveSubjects(pr *prepared) error {
	rows := pr.ok
	var legacyVals []any
	for _, p := range rows {
		for _, l := range p.ref.legacy {
			legacyVals = append(legacyVals, l.Value)
		}
	}
	byLegacy := map[string]knownSubject{} // kind|value → id, code
	if len(legacyVals) > 0 {
		// Rare (rows naming their subject by a former code only): read in
		// the transaction, which sees the identifiers this batch added.
		err := in.read(func() error {
			clause, arg := in.tx.inList(legacyVals)
			rs, err := in.tx.query(`SELECT l.kind, l.value, s.id, s.code FROM subject_legacy_ids l JOIN subjects s ON s.id = l.subject_id WHERE l.value `+clause, arg)
			if err != nil {
				return fmt.Errorf("resolve legacy ids: %w", err)
			}
			defer rs.Close()
			for rs.Next() {
				var k, v, code string
				var id int64
				if err := rs.Scan(&k, &v, &id, &code); err != nil {
					return err
				}
				byLegacy[k+"|"+v] = knownSubject{id, code}
			}
			return rs.Err()
		})
		if err != nil {
			return err
		}
	}
	var fresh []subject.Subject
	freshIdx := make(map[string]int, len(rows))
	type pend struct {
		p *pendingRow
		i int
	}
	waiting := make([]pend, 0, len(rows))
	for _, p := range rows {
		ref := &p.ref
		var hit knownSubject
		found, known := false, false // known: already remembered
		switch {
		case ref.hash != "":
			if hit, known = in.knownHash[ref.hash]; !known {
				hit, found = pr.byHash[ref.hash]
			}
		case ref.code != "":
			if hit, known = in.knownCode[ref.code]; !known {
				hit, found = pr.byCode[ref.code]
			}
		}
		found = found || known
		if !found && ref.code == "" && ref.hash == "" {
			for _, l := range ref.legacy {
				if hit, found = byLegacy[string(l.Kind)+"|"+l.Value]; found {
					break
				}
			}
			if !found {
				p.reject(in.rep, in.fieldOf(catalog.RoleSubjectCode), "未找到与所填其他代码对应的已登记主体，请填写统一社会信用代码")
				continue
			}
		}
		if found {
			ref.id, ref.pubCode, ref.resolved = hit.id, hit.code, true
			if !known {
				in.remember(ref)
			}
			continue
		}
		key := ref.code + ref.hash
		if i, ok := freshIdx[key]; ok {
			waiting = append(waiting, pend{p, i})
			continue
		}
		sub, err := subject.Prepare(ref.input, in.o.PII, in.o.Mask, in.now, subject.Lenient(true))
		if err != nil {
			for _, f := range errs.As(err).Fields {
				p.reject(in.rep, "subject."+f.Field, f.Reason)
			}
			continue
		}
		// Drop legacy identifiers already held by another subject (or by an
		// earlier new subject of this chunk), with a warning.
		kept := sub.LegacyIDs[:0]
		for _, l := range sub.LegacyIDs {
			k := string(l.Kind) + "|" + l.Value
			if other, taken := byLegacy[k]; taken {
				in.rep.warn(p.line, "subject.legacy_ids", fmt.Sprintf("%s %s 已对应主体 %s，未关联到本主体", l.Kind.Label(), l.Value, other.code))
				continue
			}
			byLegacy[k] = knownSubject{0, sub.Code}
			kept = append(kept, l)
		}
		sub.LegacyIDs = kept
		if fresh == nil {
			// Subject is large: grow once to what the chunk can need.
			fresh = subjectSlabs.get(len(rows))[:0]
			defer func() { subjectSlabs.put(fresh) }()
		}
		freshIdx[key] = len(fresh)
		fresh = append(fresh, sub)
		waiting = append(waiting, pend{p, len(fresh) - 1})
	}
	if len(fresh) > 0 {
		first := in.reserve("subjects", len(fresh))
		for i := range fresh {
			fresh[i].ID = first + int64(i)
		}
		write, err := in.subjectWrites(fresh)
		if err != nil {
			return err
		}
		in.later(write)
	}
	remembered := make([]bool, len(fresh))
	for _, w := range waiting {
		s := &fresh[w.i]
		w.p.ref.id, w.p.ref.pubCode, w.p.ref.resolved = s.ID, s.Code, true
		if !remembered[w.i] {
			remembered[w.i] = true
			in.remember(&w.p.ref)
		}
	}
	return nil
}

// knownSubject is a subject this batch has resolved or created.
type knownSubject struct {
	id   int64
	code string
}

// remember keeps a resolved reference for the batch's later chunks (once
// per subject: resolveSubjects does not call it for one it found there).
func (in *ingester) remember(ref *subjectRef) {
	if in.knownCode == nil {
		in.knownCode, in.knownHash = map[string]knownSubject{}, map[string]knownSubject{}
	}
	// The keys are cloned: a code read from the file is a substring of its
	// whole line, which the map would otherwise keep alive for the batch.
	switch {
	case ref.hash != "":
		in.knownHash[strings.Clone(ref.hash)] = knownSubject{ref.id, strings.Clone(ref.pubCode)}
	case ref.code != "":
		code := strings.Clone(ref.code)
		pub := code
		if ref.pubCode != ref.code {
			pub = strings.Clone(ref.pubCode)
		}
		in.knownCode[code] = knownSubject{ref.id, pub}
	}
}

func (in *ingester) lookup(q string, keys []any, out map[string]knownSubject) error {
	if len(keys) == 0 {
		return nil
	}
	clause, arg := in.tx.inList(keys)
	rs, err := in.tx.s.query(in.tx.ctx, q+clause, arg)
	if err != nil {
		return fmt.Errorf("resolve subjects: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var k, code string
		var id int64
		if err := rs.Scan(&k, &id, &code); err != nil {
			return err
		}
		out[k] = knownSubject{id, code}
	}
	return rs.Err()
}

func placeholders(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
}

// inList returns a membership test over ONE bound parameter and that
// parameter: a chunk's thousands of keys cost one bind and no parsing. On
// SQLite a JSON array read by json_each; on PostgreSQL a typed array with
// = ANY, which the planner serves from the index.
func (tx *Tx) inList(keys []any) (string, any) {
	if tx.s.D.Name == "postgres" {
		if len(keys) > 0 {
			if _, ints := keys[0].(int64); ints {
				ids := make([]int64, len(keys))
				for i, k := range keys {
					ids[i] = k.(int64)
				}
				return "= ANY(?)", ids
			}
		}
		ss := make([]string, len(keys))
		for i, k := range keys {
			ss[i] = k.(string)
		}
		return "= ANY(?)", ss
	}
	b, _ := json.Marshal(keys)
	return "IN (SELECT value FROM json_each(?))", string(b)
}

// subjectWrites returns the writes of an import chunk's new subjects (ids
// assigned): inserts, one audit entry for the chunk and one
// subject.created event each. The rows are built (and on PostgreSQL
// encoded) now, on the planner.
func (in *ingester) subjectWrites(subs []subject.Subject) (func() error, error) {
	tx, actor := in.tx, in.o.Actor
	first, last := subs[0].ID, subs[len(subs)-1].ID
	now := micros(tx.s.Now())
	var rows [][]any
	if in.copier == nil {
		rows = make([][]any, len(subs))
	}
	var legacy [][]any
	codes := make([]string, len(subs))
	bulk := &bulkEvents{kind: kindSubjectsBulk, first: first, kinds: []byte(strings.Repeat("S", len(subs))), subjects: make([]int64, len(subs)), codes: codes}
	for i := range subs {
		s := &subs[i]
		if rows != nil {
			rows[i] = subjectRow(s, now)
		}
		for _, l := range s.LegacyIDs {
			legacy = append(legacy, []any{string(l.Kind), l.Value, s.ID, now})
		}
		codes[i], bulk.subjects[i] = s.Code, s.ID
	}
	ev := audit.Event{Actor: actor, Action: "subject.bulk_create", Object: fmt.Sprintf("subjects:%d-%d", first, last),
		After: codes, Detail: fmt.Sprintf("导入时新建 %d 个主体", len(subs))}
	var insertSubjects func() error
	var err error
	if in.copier == nil {
		insertSubjects, err = in.insertOp(tx.sequenceSQL("subjects", last), "subjects", subjectInsertCols, rows, subjectInline)
	} else {
		insertSubjects, err = in.copySubjects(tx.sequenceSQL("subjects", last), subs, now)
	}
	if err != nil {
		return nil, err
	}
	insertLegacy, err := in.insertOp("", "subject_legacy_ids", legacyInsertCols, legacy, legacyInline)
	if err != nil {
		return nil, err
	}
	return func() error {
		if err := insertSubjects(); err != nil {
			return err
		}
		if err := insertLegacy(); err != nil {
			return err
		}
		if err := tx.Audit(ev); err != nil {
			return err
		}
		return tx.emitBulk(bulk)
	}, nil
}

// subjectRow is the values of subjectInsertCols for a new subject.
func subjectRow(s *subject.Subject, now int64) []any {
	return []any{s.ID, s.Code, string(s.Type), nullStr(s.USCC), s.CodeFlag, nullStr(string(s.IDKind)), nullStr(s.IDHash), nullStr(s.IDEnc), nullStr(s.IDMasked),
		s.Name, s.NameNorm, s.Region, s.LegalRep, s.RegisteredOn, s.Address, s.Status, 1, now, now}
}

// copySubjects encodes new subjects for COPY (the values subjectRow gives,
// without boxing each) and returns their write behind the statement pre.
func (in *ingester) copySubjects(pre string, subs []subject.Subject, now int64) (func() error, error) {
	if in.subjectOIDs == nil {
		var err error
		if in.subjectOIDs, err = in.copier.oids("subjects", subjectInsertCols); err != nil {
			return nil, err
		}
	}
	data, err := appendSubjects(tableBufs.get(len(subs)*256), in.subjectOIDs, subs, now)
	if err != nil {
		tableBufs.put(data)
		return nil, err
	}
	tx := in.tx
	return func() error {
		defer tableBufs.put(data)
		return tx.copyEncoded(pre, "subjects", subjectInsertCols, net.Buffers{data}, len(subs))
	}, nil
}

// appendSubjects appends a binary COPY stream of subs (columns
// subjectInsertCols of types oids).
func appendSubjects(b []byte, oids []uint32, subs []subject.Subject, now int64) ([]byte, error) {
	w := copyRow{b: append(b, copySignature...), oids: oids}
	for i := range subs {
		s := &subs[i]
		w.i, w.b = 0, binary.BigEndian.AppendUint16(w.b, uint16(len(subjectInsertCols)))
		w.int(s.ID)
		w.text(s.Code)
		w.text(string(s.Type))
		w.textOrNull(s.USCC)
		w.text(s.CodeFlag)
		w.textOrNull(string(s.IDKind))
		w.textOrNull(s.IDHash)
		w.textOrNull(s.IDEnc)
		w.textOrNull(s.IDMasked)
		w.text(s.Name)
		w.text(s.NameNorm)
		w.text(s.Region)
		w.text(s.LegalRep)
		w.text(s.RegisteredOn)
		w.text(s.Address)
		w.text(s.Status)
		w.int(1)
		w.int(now)
		w.int(now)
		if w.err != nil {
			return w.b, fmt.Errorf("copy into subjects, column %s: %w", subjectInsertCols[w.i], w.err)
		}
		if w.i != len(subjectInsertCols) {
			return w.b, fmt.Errorf("copy into subjects: %d values for %d columns", w.i, len(subjectInsertCols))
		}
	}
	return binary.BigEndian.AppendUint16(w.b, 0xffff), nil
}

var subjectInsertCols = []string{"id", "code", "type", "uscc", "code_flag", "id_kind", "id_hash", "id_enc", "id_masked", "name", "name_norm", "region", "legal_rep", "registered_on", "address", "status", "version", "created_at", "updated_at"}

// subjectInline: the new subjects of an import share their type, status,
// version and times and mostly their flag, identifier kind, registration
// date and address; an organisation has no id_* columns, a person no uscc.
var (
	legacyInsertCols = []string{"kind", "value", "subject_id", "created_at"}
	legacyInline     = inlineOf(legacyInsertCols, []string{"created_at"}, nil)
)

var subjectInline = inlineOf(subjectInsertCols,
	[]string{"type", "code_flag", "id_kind", "registered_on", "address", "status", "version", "created_at", "updated_at"},
	[]string{"uscc", "id_hash", "id_enc", "id_masked"})

// stmtCache holds prepared multi-row INSERT statements for the life of one
// transaction: re-parsing a 500-row statement per chunk costs more than
// executing it.
type stmtCache map[string]*sql.Stmt

func (c stmtCache) close() {
	for _, st := range c {
		st.Close()
	}
}

// inline names the columns of a bulk insert that SQLite may take as literals
// written into the statement instead of bound per row (binding a text costs
// a C allocation and a copy, and binding even a NULL costs a call): fixed
// columns hold few distinct values (the batch id, a state, a severity …),
// nulls columns are inlined only when NULL (a person's id hash is NULL for
// every organisation). Rows are inserted with one prepared statement per
// combination of inlined values.
type inline struct {
	fixed, nulls []int
}

// inlineOf names the inlined columns of cols; it panics on a name not in
// cols (a programming error, caught at start-up).
func inlineOf(cols, fixed, nulls []string) inline {
	idx := func(names []string) []int {
		out := make([]int, len(names))
		for k, n := range names {
			i := slices.Index(cols, n)
			if i < 0 {
				panic("inline column " + n + " not in " + strings.Join(cols, ","))
			}
			out[k] = i
		}
		return out
	}
	return inline{fixed: idx(fixed), nulls: idx(nulls)}
}

// maxInlineVariants bounds the statements one table gets per batch; rows of
// further combinations are inserted with every column bound.
const maxInlineVariants = 32

// insertEach writes an import's rows on SQLite. One row per statement: SQLite gives
// a multi-row INSERT a statement journal of every page it touches (≈ 40 %
// more work measured); a prepared single-row INSERT has none and the call
// costs little in-process. OR ROLLBACK: any failure aborts the whole batch
// anyway. In a connection transaction (an import) the statements are the
// driver's own, run without database/sql (its per-call locking and argument
// conversion cost ≈ 0.5 µs of a ≈ 7 µs row, measured).
func (tx *Tx) insertEach(c stmtCache, table string, cols []string, rows [][]any, lits inline) error {
	// The statements run without the caller's cancellation: with a
	// cancellable context the SQLite driver starts a watcher goroutine and a
	// progress handler per call, which costs more than a one-row INSERT.
	// Cancellation is honoured between calls of insertEach.
	if err := tx.ctx.Err(); err != nil {
		return err
	}
	ctx := context.WithoutCancel(tx.ctx)
	head := "INSERT OR ROLLBACK INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ("
	if tx.conn == nil {
		return insertRows(sqlStmts{tx, c, ctx}, head, cols, rows, lits)
	}
	return tx.conn.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("insert into %s: driver connection cannot prepare", table)
		}
		if tx.raw == nil {
			tx.raw = map[string]driver.StmtExecContext{}
		}
		return insertRows(&driverStmts{ctx: ctx, conn: pc, stmts: tx.raw}, head, cols, rows, lits)
	})
}

// stmtSet prepares and caches the statements of insertRows.
type stmtSet interface {
	// stmt returns the statement of this text, prepared if need be.
	stmt(query string) (func(args []any) error, error)
	// has reports whether a statement of this text is prepared.
	has(query string) bool
	// count returns how many prepared statements start with prefix.
	count(prefix string) int
}

func insertRows(set stmtSet, head string, cols []string, rows [][]any, lits inline) error {
	// The statements of this call by combination of inlined values (a
	// row whose values it inlines, and which columns are literals): rows
	// alternate between a few, and finding one here is cheaper than
	// writing out its SQL text.
	type variant struct {
		row  []any
		exec func([]any) error
		lit  []bool
	}
	var (
		seen []variant
		cur  variant
	)
	args := make([]any, 0, len(cols))
	for _, r := range rows {
		if cur.row == nil || !sameInlined(cur.row, r, lits) {
			found := false
			for _, v := range seen {
				if sameInlined(v.row, r, lits) {
					cur, found = v, true
					break
				}
			}
			if !found {
				exec, lit, err := inlineStmt(set, head, cols, r, lits)
				if err != nil {
					return fmt.Errorf("prepare %s: %w", head, err)
				}
				cur = variant{r, exec, lit}
				if len(seen) < maxInlineVariants {
					seen = append(seen, cur)
				}
			}
		}
		exec, lit := cur.exec, cur.lit
		args = args[:0]
		for i, v := range r {
			if !lit[i] {
				args = append(args, v)
			}
		}
		if err := exec(args); err != nil {
			return fmt.Errorf("bulk %s: %w", head, err)
		}
	}
	return nil
}

// sqlStmts are statements through database/sql, kept in a stmtCache.
type sqlStmts struct {
	tx  *Tx
	c   stmtCache
	ctx context.Context
}

func (s sqlStmts) stmt(query string) (func([]any) error, error) {
	st, ok := s.c[query]
	if !ok {
		var err error
		if st, err = s.tx.db.PrepareContext(s.tx.ctx, query); err != nil {
			return nil, err
		}
		s.c[query] = st
	}
	return func(args []any) error {
		_, err := st.ExecContext(s.ctx, args...)
		return err
	}, nil
}

func (s sqlStmts) has(query string) bool { return s.c[query] != nil }

func (s sqlStmts) count(prefix string) int { return countPrefix(s.c, prefix) }

// driverStmts are statements of the driver connection of a connection
// transaction, kept in Tx.raw (closed by inConnTx).
type driverStmts struct {
	ctx   context.Context
	conn  driver.ConnPrepareContext
	stmts map[string]driver.StmtExecContext
	named []driver.NamedValue
}

func (s *driverStmts) stmt(query string) (func([]any) error, error) {
	st, ok := s.stmts[query]
	if !ok {
		ds, err := s.conn.PrepareContext(s.ctx, query)
		if err != nil {
			return nil, err
		}
		if st, ok = ds.(driver.StmtExecContext); !ok {
			ds.Close()
			return nil, fmt.Errorf("driver statement cannot execute with a context")
		}
		s.stmts[query] = st
	}
	return func(args []any) error {
		s.named = s.named[:0]
		for i, v := range args {
			if n, ok := v.(int); ok { // database/sql would convert it
				v = int64(n)
			}
			s.named = append(s.named, driver.NamedValue{Ordinal: i + 1, Value: v})
		}
		_, err := st.ExecContext(s.ctx, s.named)
		return err
	}, nil
}

func (s *driverStmts) has(query string) bool { return s.stmts[query] != nil }

func (s *driverStmts) count(prefix string) int { return countPrefix(s.stmts, prefix) }

func countPrefix[V any](m map[string]V, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

// sameInlined reports whether b inlines the same values as a.
func sameInlined(a, b []any, lits inline) bool {
	for _, i := range lits.fixed {
		if a[i] != b[i] {
			return false
		}
	}
	for _, i := range lits.nulls {
		if (a[i] == nil) != (b[i] == nil) {
			return false
		}
	}
	return true
}

// inlineStmt returns the INSERT statement for row r's inlined values and
// which columns it takes as literals.
func inlineStmt(set stmtSet, head string, cols []string, r []any, lits inline) (func([]any) error, []bool, error) {
	lit := make([]bool, len(cols))
	text := make([]string, len(cols))
	for _, i := range lits.fixed {
		text[i], lit[i] = sqlLiteral(r[i])
	}
	for _, i := range lits.nulls {
		if r[i] == nil {
			text[i], lit[i] = "NULL", true
		}
	}
	build := func() string {
		var b strings.Builder
		b.WriteString(head)
		for i := range cols {
			if i > 0 {
				b.WriteByte(',')
			}
			if lit[i] {
				b.WriteString(text[i])
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
		return b.String()
	}
	query := build()
	if !set.has(query) && set.count(head) >= maxInlineVariants {
		clear(lit)
		query = build()
	}
	exec, err := set.stmt(query)
	return exec, lit, err
}

// sqlLiteral renders a value as an SQLite literal, if it can be one.
func sqlLiteral(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "NULL", true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	case string:
		if !utf8.ValidString(x) || strings.ContainsRune(x, 0) {
			return "", false
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'", true
	}
	return "", false
}
