package store

import (
	"fmt"
	"strings"

	"xinyong/internal/audit"
	"xinyong/internal/subject"
)

// bulkInsert writes rows with multi-row INSERT statements, chunked below
// both engines' limits on bound parameters.
func (tx *Tx) bulkInsert(table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if err := tx.drain(); err != nil {
		return err
	}
	per := 30000 / len(cols)
	if per > 500 {
		per = 500
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	var stmtCache = map[int]string{}
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		n := end - start
		q, ok := stmtCache[n]
		if !ok {
			q = tx.s.D.Rebind(head + strings.TrimSuffix(strings.Repeat(one+",", n), ","))
			stmtCache[n] = q
		}
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		if _, err := tx.db.ExecContext(tx.ctx, q, args...); err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
	}
	return nil
}

// nextIDs reserves n ids of table (under the write lock) and returns the
// first; used by bulk loads that must know ids before inserting.
func (tx *Tx) nextIDs(table string, n int) (int64, error) {
	if err := tx.serialize(); err != nil {
		return 0, err
	}
	max, known := tx.nextID[table]
	max--
	if !known {
		var err error
		if max, err = tx.maxID(table); err != nil {
			return 0, err
		}
	}
	if tx.nextID != nil {
		tx.nextID[table] = max + int64(n) + 1
	}
	if err := tx.setSequence(table, max+int64(n)); err != nil {
		return 0, err
	}
	return max + 1, nil
}

// maxID is the largest id of table (0 when empty).
func (tx *Tx) maxID(table string) (int64, error) {
	var max int64
	err := tx.queryRow("SELECT COALESCE(MAX(id),0) FROM " + table).Scan(&max)
	return max, err
}

// setSequence moves table's id sequence to last (PostgreSQL; SQLite takes
// the largest id + 1 by itself) before rows with ids up to last are
// inserted with explicit ids.
func (tx *Tx) setSequence(table string, last int64) error {
	if q := tx.sequenceSQL(table, last); q != "" {
		_, err := tx.exec(q)
		return err
	}
	return nil
}

// sequenceSQL is the statement of setSequence, "" on SQLite; an import
// sends it in front of its COPY, in the same round trip.
func (tx *Tx) sequenceSQL(table string, last int64) string {
	if tx.s.D.Name != "postgres" {
		return ""
	}
	return fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s','id'), %d)", table, last)
}

// BulkSubjects loads prepared subjects and their relations (given as index
// pairs into subs: org, person, role) in one transaction, with one audit
// entry and one change event for the batch. It is the demo and bulk path;
// uniqueness is enforced by the database constraints.
func (tx *Tx) BulkSubjects(subs []subject.Subject, rels []BulkRelation, actor string) error {
	first, err := tx.nextIDs("subjects", len(subs))
	if err != nil {
		return err
	}
	now := micros(tx.s.Now())
	rows := make([][]any, len(subs))
	for i := range subs {
		s := &subs[i]
		s.ID = first + int64(i)
		rows[i] = []any{s.ID, s.Code, string(s.Type), nullStr(s.USCC), s.CodeFlag, nullStr(string(s.IDKind)), nullStr(s.IDHash), nullStr(s.IDEnc), nullStr(s.IDMasked),
			s.Name, s.NameNorm, s.Region, s.LegalRep, s.RegisteredOn, s.Address, s.Status, 1, now, now}
	}
	if err := tx.bulkInsert("subjects", []string{"id", "code", "type", "uscc", "code_flag", "id_kind", "id_hash", "id_enc", "id_masked", "name", "name_norm", "region", "legal_rep", "registered_on", "address", "status", "version", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	if len(rels) > 0 {
		rfirst, err := tx.nextIDs("subject_relations", len(rels))
		if err != nil {
			return err
		}
		rrows := make([][]any, len(rels))
		for i, r := range rels {
			rrows[i] = []any{rfirst + int64(i), subs[r.Org].ID, subs[r.Person].ID, string(r.Role), r.Start, "", now}
		}
		if err := tx.bulkInsert("subject_relations", []string{"id", "subject_id", "person_id", "role", "start_date", "end_date", "recorded_at"}, rrows); err != nil {
			return err
		}
	}
	if err := tx.Audit(audit.Event{Actor: actor, Action: "subject.bulk_create", Object: fmt.Sprintf("subjects:%d-%d", first, first+int64(len(subs))-1), Detail: fmt.Sprintf("%d subjects, %d relations", len(subs), len(rels))}); err != nil {
		return err
	}
	return tx.Emit("subjects.bulk_created", 0, "", fmt.Sprintf("subjects:%d-%d", first, first+int64(len(subs))-1), map[string]int{"count": len(subs)})
}

// BulkRelation is a relation between two entries of a BulkSubjects batch.
type BulkRelation struct {
	Org, Person int
	Role        subject.RelationRole
	Start       string
}

// CountSubjects returns how many subjects are stored.
func (tx *Tx) CountSubjects() (int64, error) {
	var n int64
	err := tx.queryRow("SELECT COUNT(*) FROM subjects").Scan(&n)
	return n, err
}
