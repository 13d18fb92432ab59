package search_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/demo"
	"xinyong/internal/pii"
	"xinyong/internal/search"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

func names(hs []search.Hit) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

func TestFollower(t *testing.T) {
	xtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p, _ := pii.New(make([]byte, 32))
		now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		g := demo.NewGenerator(7, now)
		mask := func(s string) string { return subject.MaskID(s, 4, 4) }
		if _, err := demo.LoadSubjects(ctx, st, g, p, mask, 50, nil); err != nil {
			t.Fatal(err)
		}
		ix := search.New()
		f := search.NewFollower(st, ix, time.Second)
		if err := f.Load(ctx); err != nil {
			t.Fatal(err)
		}
		if ix.Len() != 50 {
			t.Fatalf("loaded %d entries, want 50", ix.Len())
		}
		// a single create, a rename and a bulk load after the initial load
		sub, err := subject.Prepare(subject.Input{Type: "legal", Code: "91350100M000100Y43", Name: "福州华信测试有限公司", Region: "350102"}, p, nil, now, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateSubject(ctx, sub, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateSubject(ctx, sub.Code, subject.Subject{Name: "福州百川改名有限公司"}, 0, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.LoadSubjects(ctx, st, g, p, mask, 10, nil); err != nil {
			t.Fatal(err)
		}
		if got := ix.Search("百川改名", 0, 10); len(got) != 0 {
			t.Fatalf("index changed before Sync: %v", got)
		}
		if err := f.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if ix.Len() != 61 {
			t.Errorf("after sync %d entries, want 61", ix.Len())
		}
		for q, want := range map[string][]string{
			"百川改名": {"福州百川改名有限公司"},
			"华信测试": {"福州百川改名有限公司"}, // former name
		} {
			if diff := cmp.Diff(want, names(ix.Search(q, 0, 10))); diff != "" {
				t.Errorf("Search(%q) (-want +got):\n%s", q, diff)
			}
		}
	})
}
