package engine

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/check"
	"xinyong/internal/list"
)

func TestTableStore(t *testing.T) {
	tb := newTable()
	rels := func(id int64) []rel {
		t.Helper()
		s, rs := tb.load(id, nil)
		if s != nil {
			t.Fatalf("subject %d is rich", id)
		}
		return rs
	}
	legal := plain{persons: []int64{5, 7}, roles: []string{"legal_rep", "shareholder"}}
	tb.store(300, nil, legal, 1)
	tb.store(300, nil, legal, 2) // unchanged: nothing appended
	if len(tb.rels) != 2 {
		t.Errorf("rels grew to %d on an unchanged store", len(tb.rels))
	}
	if diff := cmp.Diff([]rel{{5, 0}, {7, 1}}, rels(300), cmp.AllowUnexported(rel{})); diff != "" {
		t.Errorf("rels (-want +got):\n%s", diff)
	}
	tb.store(300, nil, plain{persons: []int64{7}, roles: []string{"legal_rep"}}, 1) // older: ignored
	if len(rels(300)) != 2 {
		t.Error("an older version replaced a newer one")
	}
	if len(rels(44)) != 0 || len(rels(1<<20)) != 0 {
		t.Error("unknown subjects have related persons")
	}
	// rich and back
	s := &check.Snapshot{SubjectID: 300, Bad: []list.BadRecord{{Type: "penalty"}}}
	tb.store(300, s, plain{}, 3)
	enc, _ := tb.load(300, nil)
	if got, err := decodeSnapshot(enc); err != nil || !cmp.Equal(got, s) {
		t.Errorf("rich snapshot not kept: %+v, %v", got, err)
	}
	tb.store(300, nil, plain{persons: []int64{7}, roles: []string{"legal_rep"}}, 4)
	if diff := cmp.Diff([]rel{{7, 0}}, rels(300), cmp.AllowUnexported(rel{})); diff != "" || len(tb.rich) != 0 {
		t.Errorf("after the record went (-want +got):\n%s (rich %d)", diff, len(tb.rich))
	}
}

// Replaced snapshots leave dead bytes in the arena; once they are most of it
// the arena is compacted and every live snapshot still decodes to its
// latest version.
func TestTableArenaCompaction(t *testing.T) {
	tb := newTable()
	snap := func(id int64, v int) *check.Snapshot {
		return &check.Snapshot{SubjectID: id, Code: "C" + strconv.FormatInt(id, 10),
			Bad: []list.BadRecord{{Type: "penalty", DocNo: strings.Repeat("号", 50) + strconv.Itoa(v)}}}
	}
	const ids, rounds = 200, 60
	compacted := false
	for v := 1; v <= rounds; v++ {
		for id := int64(1); id <= ids; id++ {
			before := len(tb.arena)
			tb.store(id*shardCount, snap(id, v), plain{}, int64(v))
			if len(tb.arena) < before {
				compacted = true
			}
		}
	}
	tb.store(5*shardCount, nil, plain{}, rounds+1) // no longer rich
	if !compacted {
		t.Fatalf("arena never compacted: %d bytes, %d dead", len(tb.arena), tb.dead)
	}
	if len(tb.rich) != ids-1 {
		t.Errorf("%d rich, want %d", len(tb.rich), ids-1)
	}
	for id := int64(1); id <= ids; id++ {
		enc, _ := tb.load(id*shardCount, nil)
		if id == 5 {
			if enc != nil {
				t.Error("subject 5 still rich")
			}
			continue
		}
		got, err := decodeSnapshot(enc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(snap(id, rounds), got); diff != "" {
			t.Fatalf("subject %d after compaction (-want +got):\n%s", id, diff)
		}
	}
}
