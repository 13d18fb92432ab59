package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"xinyong/internal/check"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/list"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

// TestBuildMatchesSnapshots proves that the index built at start (subject
// directory + whole-table reads) answers every subject with the snapshot
// the store builds for it one by one: entries with pauses and persons,
// bindings, negative records, related persons, names after a rename.
func TestBuildMatchesSnapshots(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := demo.LoadDepartments(ctx, s); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		g := demo.NewGenerator(3, now)
		p := mustPII()
		mask := func(v string) string { return subject.MaskID(v, 4, 4) }
		if _, err := demo.LoadSubjects(ctx, s, g, p, mask, 400, nil); err != nil {
			t.Fatal(err)
		}
		orgs, err := s.SampleOrganisations(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.LoadRecords(ctx, s, g, p, mask, orgs, 150, nil); err != nil {
			t.Fatal(err)
		}
		res, err := demo.LoadListEntries(ctx, s, 5, 80, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateSubject(ctx, orgs[0][0], subject.Subject{Name: "福州改名测试有限公司"}, 0, "test"); err != nil {
			t.Fatal(err)
		}
		eng := start(t, s)
		maxID, err := s.MaxSubjectID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if eng.Size() != maxID {
			t.Errorf("Size %d, want %d", eng.Size(), maxID)
		}
		var rich, persons, bound, bad, paused int
		compare(t, s, eng, maxID)
		for id := int64(1); id <= maxID; id++ {
			want, err := s.SnapshotByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Entries)+len(want.Bound)+len(want.Bad) > 0 {
				rich++
			}
			persons += len(want.Persons)
			bound += len(want.Bound)
			bad += len(want.Bad)
			for _, e := range want.Entries {
				paused += len(e.Pauses)
			}
		}
		// The data set covers every part of a snapshot.
		if rich == 0 || persons == 0 || bound == 0 || bad == 0 || paused == 0 {
			t.Errorf("data set too thin: rich %d persons %d bound %d bad %d paused %d (%+v)", rich, persons, bound, bad, paused, res)
		}
		if got := eng.Lookup(orgs[0][0]); got == nil || got.Name != "福州改名测试有限公司" {
			t.Errorf("renamed subject: %+v", got)
		}
		if eng.Lookup("91350100MA0000000X") != nil {
			t.Error("unknown code found")
		}
		codes := eng.Codes(1000)
		if int64(len(codes)) != maxID {
			t.Errorf("Codes: %d of %d", len(codes), maxID)
		}
		few, late := eng.Codes(10), 0
		for _, c := range few {
			if eng.Lookup(c).SubjectID > maxID/2 {
				late++
			}
		}
		if slices.Sort(few); len(slices.Compact(few)) != 10 || late == 0 {
			t.Errorf("Codes(10): %d distinct, %d from the second half of the ids", len(slices.Compact(few)), late)
		}

		// A bulk load of subjects rebuilds the index (directory first).
		if _, err := demo.LoadSubjects(ctx, s, g, p, mask, 40, nil); err != nil {
			t.Fatal(err)
		}
		newMax, err := s.MaxSubjectID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for eng.Size() != newMax || mismatch(t, s, eng, newMax) != "" {
			if time.Now().After(deadline) {
				t.Fatalf("after a bulk load (%d of %d subjects): %s", eng.Size(), newMax, mismatch(t, s, eng, newMax))
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// compare checks the index against the store's snapshot of every subject.
func compare(t *testing.T, s *store.Store, eng *engine.Engine, maxID int64) {
	t.Helper()
	if diff := mismatch(t, s, eng, maxID); diff != "" {
		t.Fatal(diff)
	}
}

// mismatch describes the first subject the index answers differently
// from the store ("" when there is none).
func mismatch(t *testing.T, s *store.Store, eng *engine.Engine, maxID int64) string {
	t.Helper()
	for id := int64(1); id <= maxID; id++ {
		want, err := s.SnapshotByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		got := eng.Lookup(want.Code)
		if diff := cmp.Diff(sortBad(want), sortBad(got), cmpopts.EquateEmpty()); diff != "" {
			return fmt.Sprintf("subject %d %s (-store +index):\n%s", id, want.Code, diff)
		}
	}
	return ""
}

// sortBad returns a copy of s with its negative records in a fixed order
// (the store reads them without an ORDER BY).
func sortBad(s *check.Snapshot) *check.Snapshot {
	if s == nil {
		return nil
	}
	c := *s
	c.Bad = slices.Clone(s.Bad)
	slices.SortFunc(c.Bad, func(a, b list.BadRecord) int {
		return strings.Compare(a.DocNo+a.DecisionDate+a.Type, b.DocNo+b.DecisionDate+b.Type)
	})
	return &c
}
