package directory

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ent(id int64, name string) Entry {
	return Entry{ID: id, Code: fmt.Sprintf("9135%014d", id), Name: name, NameNorm: strings.ToLower(name), Type: "legal", Region: fmt.Sprintf("3501%02d", id%7)}
}

func TestPutGet(t *testing.T) {
	d := New()
	want := map[int64]Entry{}
	// ids with gaps and out of order, more than one page and arena chunk,
	// enough to grow the code table several times
	for i := int64(1); i <= 30000; i++ {
		id := i * 3
		if i%2 == 0 {
			id = 90003 - i
		}
		e := ent(id, fmt.Sprintf("福州第%d号测试有限公司%s", id, strings.Repeat("长", int(id%50))))
		if id%5 == 0 {
			e.NameNorm = e.Name // shared
		}
		if err := d.Put(e); err != nil {
			t.Fatal(err)
		}
		want[id] = e
	}
	if d.Len() != len(want) {
		t.Fatalf("Len %d, want %d", d.Len(), len(want))
	}
	for id, w := range want {
		got, ok := d.Get(id)
		if !ok || got != w {
			t.Fatalf("Get(%d) = %+v %v, want %+v", id, got, ok, w)
		}
		if gid, ok := d.ID(w.Code); !ok || gid != id {
			t.Fatalf("ID(%s) = %d %v, want %d", w.Code, gid, ok, id)
		}
		if got, ok := d.Lookup(w.Code); !ok || got != w {
			t.Fatalf("Lookup(%s) = %+v", w.Code, got)
		}
	}
	for _, id := range []int64{0, -1, 2, 90004, 1 << 40} {
		if _, ok := d.Get(id); ok && want[id] == (Entry{}) {
			t.Errorf("Get(%d) found", id)
		}
	}
	if _, ok := d.ID("nope"); ok {
		t.Error("unknown code found")
	}
	if maxID := slices.Max(slices.Collect(maps.Keys(want))); d.MaxID() != maxID {
		t.Errorf("MaxID %d", d.MaxID())
	}
}

func TestRenameKeepsFormer(t *testing.T) {
	d := New()
	e := ent(7, "福州华信有限公司")
	if err := d.Put(e, "福州旧名公司"); err != nil {
		t.Fatal(err)
	}
	e.Name, e.NameNorm = "福州百川有限公司", "福州百川有限公司"
	if err := d.Put(e, "福州旧名公司"); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Get(7); got != e {
		t.Errorf("after rename %+v", got)
	}
	if diff := cmp.Diff([]string{"福州旧名公司", "福州华信有限公司"}, d.Formers(7)); diff != "" {
		t.Errorf("formers (-want +got):\n%s", diff)
	}
	if d.Len() != 1 {
		t.Errorf("Len %d", d.Len())
	}
	// unchanged: nothing appended to the arena
	n := len(d.chunks[0])
	if err := d.Put(e); err != nil || len(d.chunks[0]) != n {
		t.Errorf("unchanged put grew the arena: %v %d → %d", err, n, len(d.chunks[0]))
	}
}

func TestOutsideCompactForm(t *testing.T) {
	d := New()
	long := Entry{ID: 3, Code: strings.Repeat("C", 300), Name: "x", NameNorm: "x", Type: "legal", Region: "350100"}
	huge := Entry{ID: 4, Code: "C4", Name: strings.Repeat("名", 30000), NameNorm: "n", Type: "legal", Region: "350100"}
	for _, e := range []Entry{long, huge} {
		if err := d.Put(e); err != nil {
			t.Fatal(err)
		}
		if got, ok := d.Lookup(e.Code); !ok || got != e {
			t.Errorf("Lookup(%.10s…) = %.40v", e.Code, got)
		}
	}
	// many distinct types still work
	for i := int64(10); i < 400; i++ {
		e := Entry{ID: i, Code: fmt.Sprint("T", i), Name: "n", NameNorm: "n", Type: fmt.Sprint("type", i), Region: "r"}
		if err := d.Put(e); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.Get(i); got != e {
			t.Fatalf("Get(%d) = %+v", i, got)
		}
	}
	for _, id := range []int64{0, MaxID + 1} {
		if err := d.Put(Entry{ID: id, Code: "X"}); err == nil {
			t.Errorf("id %d accepted", id)
		}
	}
	if err := d.Put(Entry{ID: 5}); err == nil {
		t.Error("empty code accepted")
	}
}

// TestConcurrent runs readers against a writer (meaningful with -race).
func TestConcurrent(t *testing.T) {
	d := New()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := int64(1); i <= 5000; i++ {
			if err := d.Put(ent(i, fmt.Sprint("名称", i))); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := int64(1); i <= 5000; i++ {
			w := ent(i, fmt.Sprint("名称", i))
			if e, ok := d.Lookup(w.Code); ok && e != w {
				t.Errorf("Lookup(%d) = %+v", i, e)
				return
			}
			d.Read(func(v View) { _ = v.Norm(i) })
		}
	}()
	wg.Wait()
}
