package store

import (
	"testing"
	"time"
)

// A block decodes to what was encoded, and no input makes the decoder
// panic or loop.
func FuzzCheckBlockDecode(f *testing.F) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	logs := []CheckLog{
		{ID: "CKABCDEmio0q1c01", At: at, Requester: "token:1", Dept: "ggzy", Subject: "91110000600037341L", SubjectID: 7, Scenario: "procurement", AsOf: at, Digest: "00ffaa11223344556677889900aabbccddeeff00112233445566778899aabbccdd", RulesVersion: 3},
		{ID: "CKABCDEmio0q1c02", At: at.Add(time.Millisecond), Requester: "token:2", Dept: "ggzy", Subject: "11010519491231002X", Scenario: "licensing", AsOf: at.AddDate(-1, 0, 0), Digest: "not hex"},
	}
	_, blocks := blocksOf(logs)
	f.Add(blocks[0].encode(nil))
	f.Add([]byte{checkBlockVersion, 0, 0})
	f.Add([]byte{checkBlockVersion, 1, 0, 200, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		var n int
		err := decodeCheckBlock("ggzy", micros(at), data, func(CheckLog) bool { n++; return true })
		if err == nil && len(data) < 3 {
			t.Fatalf("decoded %d checks from %d bytes", n, len(data))
		}
	})
}

func TestCheckBlockRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 59, 999_000_000, time.UTC)
	var logs []CheckLog
	for i := range 3 {
		logs = append(logs, CheckLog{ID: "CKABCDEmio0q1c0" + string(rune('a'+i)), At: at.Add(time.Duration(i) * 500 * time.Microsecond), Requester: "token:1", Dept: "d",
			Subject: "S", SubjectID: int64(-i), Scenario: "x", Digest: "f0", RulesVersion: int64(i), Measures: []string{}})
	}
	rows, blocks := blocksOf(logs)
	if len(rows) != 0 || len(blocks) != 2 || len(blocks[0].logs) != 2 || len(blocks[1].logs) != 1 {
		t.Fatalf("a block crosses a minute: %d rows, %d blocks", len(rows), len(blocks))
	}
	var got []CheckLog
	for _, b := range blocks {
		if err := decodeCheckBlock(b.dept, b.firstAt, b.encode(nil), func(l CheckLog) bool { got = append(got, l); return true }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range logs {
		if got[i].ID != logs[i].ID || !got[i].At.Equal(logs[i].At) || !got[i].AsOf.IsZero() || got[i].SubjectID != logs[i].SubjectID || got[i].Digest != "f0" {
			t.Errorf("%d: %+v", i, got[i])
		}
	}
	enc := blocks[0].encode(nil)
	for cut := 1; cut < len(enc); cut++ {
		if err := decodeCheckBlock("d", blocks[0].firstAt, enc[:cut], func(CheckLog) bool { return true }); err == nil {
			t.Errorf("truncated at %d of %d: no error", cut, len(enc))
		}
	}
}
