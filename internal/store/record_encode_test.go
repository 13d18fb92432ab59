package store

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"xinyong/internal/catalog"
	"xinyong/internal/record"
	"xinyong/internal/subject"
)

// On PostgreSQL a record's data columns are encoded directly
// (appendRecordData); the bytes equal the generic encoding of the values
// the SQLite path binds (recordData), for each state a row can take.
func TestAppendRecordDataMatchesRecordData(t *testing.T) {
	ty, ok := catalog.Seed().Lookup("penalty")
	if !ok {
		t.Fatal("no penalty type")
	}
	oids := testOIDs(recordCols, []string{"id", "subject_id", "superseded_at", "batch_id", "received_at", "published_at", "revoked_at"},
		[]string{"version", "catalog_version", "late_days"}, []string{"is_current"})
	for _, c := range []struct {
		name   string
		review bool
		status string
		late   int
	}{
		{"published on time", false, "0", 0},
		{"published late", false, "0", 3},
		{"pending review", true, "0", 2},
		{"revoked", false, "1", 4},
	} {
		in := &ingester{t: ty, catVersion: 7, review: c.review, rep: &BatchReport{BatchID: 42},
			o: &IngestOptions{Dept: "samr", Actor: "张三"}, now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), recordOIDs: oids}
		in.fix()
		row := func() *pendingRow {
			p := &pendingRow{late: c.late}
			p.draft = record.Draft{Severity: catalog.SeverityGeneral, DecisionDate: "2026-02-20", ValidTo: "2099-12-31",
				PublicityMinEnd: "2026-05-20", PublicityEnd: "2027-02-20", Compact: `["甲",0,"乙"]`, ContentHash: "ab12",
				Flags: []string{record.FlagCheckChar}}
			p.draft.Row.DocNo, p.draft.Row.Status = "榕市监罚〔2026〕1号", c.status
			return p
		}
		generic, _, err := appendCopyValues(nil, oids[len(recordKeyCols):], in.recordData(row(), nil))
		if err != nil {
			t.Fatal(err)
		}
		direct, err := in.appendRecordData(nil, row())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(direct, generic) {
			t.Errorf("%s: direct encoding\n%q\ndiffers from the generic one\n%q", c.name, direct, generic)
		}
	}
	// A column whose type the row cannot be encoded as is named.
	in := &ingester{t: ty, rep: &BatchReport{}, o: &IngestOptions{}, recordOIDs: append([]uint32(nil), oids...)}
	in.recordOIDs[len(recordKeyCols)+2] = oidInt8 // doc_no
	if _, err := in.appendRecordData(nil, &pendingRow{}); err == nil || err.Error() != "column doc_no: text for type 20" {
		t.Fatalf("bad column type: %v", err)
	}
}

// New subjects are encoded for COPY directly (appendSubjects); the stream
// equals the generic encoding of the values SQLite binds (subjectRow).
func TestAppendSubjectsMatchesSubjectRow(t *testing.T) {
	oids := testOIDs(subjectInsertCols, []string{"id", "created_at", "updated_at"}, []string{"version"}, nil)
	subs := []subject.Subject{
		{ID: 7, Code: "91350100M000100Y3X", Type: subject.TypeLegal, USCC: "91350100M000100Y3X", Name: "福州某公司", NameNorm: "福州某公司",
			Region: "350100", LegalRep: "张三", Status: "active"},
		{ID: 8, Code: "P1234", Type: subject.TypeNatural, IDKind: "id_card", IDHash: "h", IDEnc: "e", IDMasked: "3501**********1234",
			Name: "李四", NameNorm: "李四", Status: "active", CodeFlag: "f", RegisteredOn: "2020-01-02", Address: "鼓楼区"},
	}
	const now = int64(1767225600000000)
	e := &copyEncoder{types: map[string]map[string]uint32{"subjects": {}}}
	for i, c := range subjectInsertCols {
		e.types["subjects"][c] = oids[i]
	}
	var rows [][]any
	for i := range subs {
		rows = append(rows, subjectRow(&subs[i], now))
	}
	generic, err := e.encode("subjects", subjectInsertCols, rows)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := appendSubjects(nil, oids, subs, now)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(direct, generic) {
		t.Fatalf("direct encoding\n%q\ndiffers from the generic one\n%q", direct, generic)
	}
}

// testOIDs gives cols their COPY types: int8, int4 and bool as listed, text
// otherwise (the columns' types in the PostgreSQL schema).
func testOIDs(cols, int8s, int4s, bools []string) []uint32 {
	oids := make([]uint32, len(cols))
	for i, c := range cols {
		switch {
		case slices.Contains(int8s, c):
			oids[i] = oidInt8
		case slices.Contains(int4s, c):
			oids[i] = oidInt4
		case slices.Contains(bools, c):
			oids[i] = oidBool
		default:
			oids[i] = oidText
		}
	}
	return oids
}
