package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/subject"
)

const subjectCols = `id, code, type, COALESCE(uscc,''), code_flag, COALESCE(id_kind,''), COALESCE(id_masked,''), name, name_norm, region, legal_rep, registered_on, address, status, version, created_at, updated_at`

func scanSubject(sc interface{ Scan(...any) error }) (subject.Subject, error) {
	var s subject.Subject
	var created, updated int64
	var typ, kind string
	err := sc.Scan(&s.ID, &s.Code, &typ, &s.USCC, &s.CodeFlag, &kind, &s.IDMasked, &s.Name, &s.NameNorm, &s.Region, &s.LegalRep, &s.RegisteredOn, &s.Address, &s.Status, &s.Version, &created, &updated)
	if err != nil {
		return s, err
	}
	s.Type, s.IDKind = subject.Type(typ), subject.IDKind(kind)
	s.TypeLabel = s.Type.Label()
	s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
	if r, ok := subject.LookupRegion(s.Region); ok {
		s.RegionName = r.Name
	}
	return s, nil
}

// CreateSubject stores a prepared subject with its legacy identifiers. A
// code, identity or legacy identifier already held by another subject is a
// Conflict naming that subject.
func (s *Store) CreateSubject(ctx context.Context, sub subject.Subject, actor string) (subject.Subject, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		sub, err = tx.CreateSubject(sub, actor)
		return err
	})
	return sub, err
}

// CreateSubject is the in-transaction form (used by imports too).
func (tx *Tx) CreateSubject(sub subject.Subject, actor string) (subject.Subject, error) {
	if other, err := tx.subjectClash(sub); err != nil {
		return sub, err
	} else if other != "" {
		return sub, errs.Conflict("subject.exists", other)
	}
	now := micros(tx.s.Now())
	id, err := tx.insertID(`INSERT INTO subjects (code, type, uscc, code_flag, id_kind, id_hash, id_enc, id_masked, name, name_norm, region, legal_rep, registered_on, address, status, version, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)`,
		sub.Code, string(sub.Type), nullStr(sub.USCC), sub.CodeFlag, nullStr(string(sub.IDKind)), nullStr(sub.IDHash), nullStr(sub.IDEnc), nullStr(sub.IDMasked),
		sub.Name, sub.NameNorm, sub.Region, sub.LegalRep, sub.RegisteredOn, sub.Address, sub.Status, now, now)
	if err != nil {
		return sub, fmt.Errorf("insert subject: %w", err)
	}
	sub.ID, sub.Version = id, 1
	for _, l := range sub.LegacyIDs {
		if err := tx.addLegacyID(sub, l); err != nil {
			return sub, err
		}
	}
	if err := tx.Audit(audit.Event{Actor: actor, Action: "subject.create", Object: "subject:" + sub.Code, SubjectID: id, After: publicView(sub)}); err != nil {
		return sub, err
	}
	return sub, tx.Emit("subject.created", id, sub.Code, "subject:"+sub.Code, map[string]any{"name": sub.Name, "type": sub.Type})
}

// subjectClash returns a Chinese message naming the subject that already
// holds sub's code, identity or a legacy identifier, or "".
func (tx *Tx) subjectClash(sub subject.Subject) (string, error) {
	var code, name string
	err := tx.queryRow(`SELECT code, name FROM subjects WHERE code = ? OR (id_hash IS NOT NULL AND id_hash = ?)`, sub.Code, sub.IDHash).Scan(&code, &name)
	if err == nil {
		return fmt.Sprintf("该主体已存在：%s（%s）", name, code), nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	for _, l := range sub.LegacyIDs {
		err := tx.queryRow(`SELECT s.code, s.name FROM subject_legacy_ids l JOIN subjects s ON s.id = l.subject_id WHERE l.kind = ? AND l.value = ? AND s.id <> ?`, string(l.Kind), l.Value, sub.ID).Scan(&code, &name)
		if err == nil {
			return fmt.Sprintf("%s %s 已对应主体 %s（%s），一个旧代码只能对应一个统一社会信用代码", l.Kind.Label(), l.Value, name, code), nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	return "", nil
}

func (tx *Tx) addLegacyID(sub subject.Subject, l subject.LegacyID) error {
	var have string
	err := tx.queryRow(`SELECT value FROM subject_legacy_ids WHERE subject_id = ? AND kind = ?`, sub.ID, string(l.Kind)).Scan(&have)
	switch {
	case err == nil && have == l.Value:
		return nil
	case err == nil:
		return errs.Conflict("subject.legacy_conflict", fmt.Sprintf("主体 %s 已登记%s %s，不能再对应 %s", sub.Code, l.Kind.Label(), have, l.Value))
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if msg, err := tx.subjectClash(subject.Subject{ID: sub.ID, LegacyIDs: []subject.LegacyID{l}}); err != nil {
		return err
	} else if msg != "" {
		return errs.Conflict("subject.legacy_conflict", msg)
	}
	_, err = tx.exec(`INSERT INTO subject_legacy_ids (kind, value, subject_id, created_at) VALUES (?,?,?,?)`, string(l.Kind), l.Value, sub.ID, micros(tx.s.Now()))
	return err
}

// UpdateSubject changes the mutable facts of a subject; a new name keeps the
// old one as a former name. The expected version guards lost updates (0 = any).
func (s *Store) UpdateSubject(ctx context.Context, code string, in subject.Subject, expectVersion int, actor string) (subject.Subject, error) {
	var out subject.Subject
	err := s.InTx(ctx, func(tx *Tx) error {
		cur, err := scanSubject(tx.queryRow(`SELECT `+subjectCols+` FROM subjects WHERE code = ?`, code))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("subject.not_found", "未找到该主体："+code)
		} else if err != nil {
			return err
		}
		if expectVersion != 0 && cur.Version != expectVersion {
			return errs.Conflict("subject.version", fmt.Sprintf("主体已被他人修改（当前版本 %d），请刷新后重试", cur.Version))
		}
		before := publicView(cur)
		now := tx.s.Now()
		if in.Name != "" && in.Name != cur.Name {
			if _, err := tx.exec(`INSERT INTO subject_names (subject_id, name, name_norm, valid_to, recorded_at) VALUES (?,?,?,?,?)`, cur.ID, cur.Name, cur.NameNorm, micros(now), micros(now)); err != nil {
				return err
			}
			cur.Name, cur.NameNorm = in.Name, subject.NormalizeName(in.Name)
		}
		if in.LegalRep != "" {
			cur.LegalRep = in.LegalRep
		}
		if in.Address != "" {
			cur.Address = in.Address
		}
		if in.RegisteredOn != "" {
			cur.RegisteredOn = in.RegisteredOn
		}
		if in.Status != "" {
			cur.Status = in.Status
		}
		cur.Version++
		if _, err := tx.exec(`UPDATE subjects SET name=?, name_norm=?, legal_rep=?, address=?, registered_on=?, status=?, version=?, updated_at=? WHERE id=?`,
			cur.Name, cur.NameNorm, cur.LegalRep, cur.Address, cur.RegisteredOn, cur.Status, cur.Version, micros(now), cur.ID); err != nil {
			return err
		}
		for _, l := range in.LegacyIDs {
			if err := tx.addLegacyID(cur, l); err != nil {
				return err
			}
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: "subject.update", Object: "subject:" + cur.Code, SubjectID: cur.ID, Before: before, After: publicView(cur)}); err != nil {
			return err
		}
		out = cur
		return tx.Emit("subject.changed", cur.ID, cur.Code, "subject:"+cur.Code, map[string]any{"name": cur.Name, "version": cur.Version})
	})
	if err != nil {
		return out, err
	}
	return s.fillSubject(ctx, out)
}

func publicView(s subject.Subject) map[string]any {
	return map[string]any{"code": s.Code, "type": s.Type, "name": s.Name, "legal_rep": s.LegalRep, "address": s.Address, "status": s.Status, "legacy": s.LegacyIDs, "id_masked": s.IDMasked}
}

// SubjectByCode finds a subject by its code (USCC or person code) or by a
// mapped legacy identifier.
func (s *Store) SubjectByCode(ctx context.Context, code string) (subject.Subject, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	sub, err := scanSubject(s.queryRow(ctx, `SELECT `+subjectCols+` FROM subjects WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		sub, err = scanSubject(s.queryRow(ctx, `SELECT `+prefixed("s.", subjectCols)+` FROM subject_legacy_ids l JOIN subjects s ON s.id = l.subject_id WHERE l.value = ? LIMIT 1`, strings.ReplaceAll(code, "-", "")))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return sub, errs.NotFound("subject.not_found", "未找到该主体："+code)
	} else if err != nil {
		return sub, fmt.Errorf("subject %s: %w", code, err)
	}
	return s.fillSubject(ctx, sub)
}

// SubjectByIDHash finds a person by the keyed hash of an identity number.
func (s *Store) SubjectByIDHash(ctx context.Context, hash string) (subject.Subject, error) {
	sub, err := scanSubject(s.queryRow(ctx, `SELECT `+subjectCols+` FROM subjects WHERE id_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, errs.NotFound("subject.not_found", "未找到该证件号码对应的主体")
	} else if err != nil {
		return sub, err
	}
	return s.fillSubject(ctx, sub)
}

// SubjectSealedID returns the encrypted identity number of a person.
func (s *Store) SubjectSealedID(ctx context.Context, id int64) (string, error) {
	var enc sql.NullString
	err := s.queryRow(ctx, `SELECT id_enc FROM subjects WHERE id = ?`, id).Scan(&enc)
	return enc.String, err
}

func (s *Store) fillSubject(ctx context.Context, sub subject.Subject) (subject.Subject, error) {
	rows, err := s.query(ctx, `SELECT name, valid_to FROM subject_names WHERE subject_id = ? ORDER BY valid_to`, sub.ID)
	if err != nil {
		return sub, err
	}
	for rows.Next() {
		var f subject.Former
		var to int64
		if err := rows.Scan(&f.Name, &to); err != nil {
			rows.Close()
			return sub, err
		}
		f.ValidTo = fromMicros(to)
		sub.FormerNames = append(sub.FormerNames, f)
	}
	rows.Close()
	rows, err = s.query(ctx, `SELECT kind, value FROM subject_legacy_ids WHERE subject_id = ? ORDER BY kind`, sub.ID)
	if err != nil {
		return sub, err
	}
	for rows.Next() {
		var l subject.LegacyID
		var k string
		if err := rows.Scan(&k, &l.Value); err != nil {
			rows.Close()
			return sub, err
		}
		l.Kind = subject.IDKind(k)
		sub.LegacyIDs = append(sub.LegacyIDs, l)
	}
	rows.Close()
	sub.Relations, err = s.Relations(ctx, sub.ID)
	return sub, err
}

// SearchSubjects finds subjects whose normalised current or former name
// contains q, or whose code equals q, ordered by id after the cursor.
func (s *Store) SearchSubjects(ctx context.Context, q string, after int64, limit int) ([]subject.Subject, error) {
	norm := subject.NormalizeName(q)
	code := strings.ToUpper(strings.TrimSpace(q))
	pat := "%" + escapeLike(norm) + "%"
	rows, err := s.query(ctx, `SELECT `+subjectCols+` FROM subjects WHERE id > ? AND (code = ? OR name_norm LIKE ? ESCAPE '\'
		OR id IN (SELECT subject_id FROM subject_names WHERE name_norm LIKE ? ESCAPE '\')
		OR id IN (SELECT subject_id FROM subject_legacy_ids WHERE value = ?)) ORDER BY id LIMIT ?`, after, code, pat, pat, code, limit)
	if err != nil {
		return nil, fmt.Errorf("search subjects: %w", err)
	}
	defer rows.Close()
	var out []subject.Subject
	for rows.Next() {
		sub, err := scanSubject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		if strings.HasPrefix(c, "COALESCE(") {
			parts[i] = "COALESCE(" + p + strings.TrimPrefix(c, "COALESCE(")
		} else {
			parts[i] = p + c
		}
	}
	return strings.Join(parts, ", ")
}

// SubjectCount returns how many subjects are stored.
// SampleCodes returns up to n subject codes spread evenly over the id
// range (load generators).
func (s *Store) SampleCodes(ctx context.Context, n int) ([]string, error) {
	var maxID int64
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM subjects`).Scan(&maxID); err != nil {
		return nil, fmt.Errorf("sample codes: %w", err)
	}
	step := max(1, maxID/int64(max(n, 1)))
	rows, err := s.query(ctx, `SELECT code FROM subjects WHERE id % ? = 0 ORDER BY id LIMIT ?`, step, n)
	if err != nil {
		return nil, fmt.Errorf("sample codes: %w", err)
	}
	defer rows.Close()
	out := make([]string, 0, n)
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) SubjectCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM subjects`).Scan(&n)
	return n, err
}
