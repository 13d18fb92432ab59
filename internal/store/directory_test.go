package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

// TestDirectorySeparator: a name holding the unit separator the directory
// read joins columns with is read on its own, in full.
func TestDirectorySeparator(t *testing.T) {
	xtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var subs []subject.Subject
		for i, name := range []string{"福州甲有限公司", "福州\x1f乙有限公司", "福州 丙 有限公司"} {
			s := prepare(t, subject.Input{Type: "legal", Code: genUSCC(uint64(i + 1)), Name: "临时", Region: "350102"})
			s.Name, s.NameNorm = name, subject.NormalizeName(name)
			s, err := st.CreateSubject(ctx, s, "test")
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, s)
		}
		var got []store.DirEntry
		if err := st.EachDirEntry(ctx, 1, 0, func(d store.DirEntry) error { got = append(got, d); return nil }); err != nil {
			t.Fatal(err)
		}
		want := []store.DirEntry{
			{ID: subs[0].ID, Code: subs[0].Code, Name: "福州甲有限公司", NameNorm: "福州甲有限公司", Type: "legal", Region: "350102"},
			{ID: subs[2].ID, Code: subs[2].Code, Name: "福州 丙 有限公司", NameNorm: "福州丙有限公司", Type: "legal", Region: "350102"},
			{ID: subs[1].ID, Code: subs[1].Code, Name: "福州\x1f乙有限公司", NameNorm: subject.NormalizeName("福州\x1f乙有限公司"), Type: "legal", Region: "350102"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("directory (-want +got):\n%s", diff)
		}
	})
}
