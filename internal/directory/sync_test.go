package directory_test

import (
	"context"
	"testing"
	"time"

	"xinyong/internal/demo"
	"xinyong/internal/directory"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

func TestLoadAndSync(t *testing.T) {
	xtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p, _ := pii.New(make([]byte, 32))
		now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		g := demo.NewGenerator(7, now)
		mask := func(s string) string { return subject.MaskID(s, 4, 4) }
		if _, err := demo.LoadSubjects(ctx, st, g, p, mask, 50, nil); err != nil {
			t.Fatal(err)
		}
		d, err := directory.Of(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if d2, err := directory.Of(ctx, st); err != nil || d2 != d {
			t.Fatalf("second Of: %p %v, want the shared %p", d2, err, d)
		}
		if d.Len() != 50 {
			t.Fatalf("loaded %d, want 50", d.Len())
		}
		check := func(id int64) {
			t.Helper()
			subs, err := st.SubjectsByIDs(ctx, []int64{id})
			if err != nil || len(subs) != 1 {
				t.Fatalf("subject %d: %v", id, err)
			}
			s := subs[0]
			want := directory.Entry{ID: s.ID, Code: s.Code, Name: s.Name, NameNorm: s.NameNorm, Type: string(s.Type), Region: s.Region}
			if got, ok := d.Lookup(s.Code); !ok || got != want {
				t.Errorf("Lookup(%s) = %+v, want %+v", s.Code, got, want)
			}
		}
		for id := int64(1); id <= 50; id++ {
			check(id)
		}
		// a create, a rename and a bulk load: seen only after SyncTo
		sub, err := subject.Prepare(subject.Input{Type: "legal", Code: "91350100M000100Y43", Name: "福州华信测试有限公司", Region: "350102"}, p, nil, now, false)
		if err != nil {
			t.Fatal(err)
		}
		if sub, err = st.CreateSubject(ctx, sub, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateSubject(ctx, sub.Code, subject.Subject{Name: "福州百川改名有限公司"}, 0, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.LoadSubjects(ctx, st, g, p, mask, 10, nil); err != nil {
			t.Fatal(err)
		}
		if _, ok := d.ID(sub.Code); ok {
			t.Fatal("directory changed before SyncTo")
		}
		head, err := st.ChangeHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SyncTo(ctx, st, head); err != nil {
			t.Fatal(err)
		}
		if d.Len() != 61 || d.Cursor() < head {
			t.Errorf("after sync: %d subjects, cursor %d (head %d)", d.Len(), d.Cursor(), head)
		}
		for id := int64(1); id <= 61; id++ {
			check(id)
		}
		if got, _ := d.Lookup(sub.Code); got.Name != "福州百川改名有限公司" {
			t.Errorf("renamed: %+v", got)
		}
		if f := d.Formers(sub.ID); len(f) != 1 || f[0] != subject.NormalizeName("福州华信测试有限公司") {
			t.Errorf("former names %q", f)
		}
	})
}
