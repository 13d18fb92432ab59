package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"xinyong/internal/directory"
	"xinyong/internal/subject"
)

func entry(id int64, name string, former ...string) Entry {
	keys := []string{subject.NormalizeName(name)}
	for _, f := range former {
		keys = append(keys, subject.NormalizeName(f))
	}
	return Entry{ID: id, Code: "C" + string(rune('0'+id%10)), Name: name, Keys: keys}
}

func ids(hs []Hit) []int64 {
	out := []int64{}
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := New()
	ix.Replace([]Entry{
		entry(5, "福州华为科技有限公司"),
		entry(1, "福州华信建材贸易有限公司"),
		entry(3, "福建鑫源（集团）有限公司", "福州旧名商贸有限公司"),
		entry(2, "华为技术有限公司"),
		entry(4, "ＡＢＣ 华为 Trading"),
		entry(7, "<script>alert(1)</script>有限公司"),
	})
	tests := []struct {
		q     string
		after int64
		limit int
		want  []int64
	}{
		{q: "华为", limit: 10, want: []int64{2, 4, 5}},
		{q: "华为", after: 2, limit: 10, want: []int64{4, 5}},
		{q: "华为", limit: 2, want: []int64{2, 4}},
		{q: "华信", limit: 10, want: []int64{1}},
		{q: "有限公司", limit: 10, want: []int64{1, 2, 3, 5, 7}},
		{q: "鑫源(集团)", limit: 10, want: []int64{3}},
		{q: "鑫源【集团】", limit: 10, want: []int64{3}},
		{q: "旧名", limit: 10, want: []int64{3}},
		{q: "abc华为", limit: 10, want: []int64{4}},
		{q: "华", limit: 3, want: []int64{1, 2, 4}},
		{q: "为华", limit: 10, want: []int64{}},
		{q: "公司福州", limit: 10, want: []int64{}},
		{q: "<script>", limit: 10, want: []int64{7}},
		{q: "  ", limit: 10, want: []int64{}},
		{q: "不存在的名字", limit: 10, want: []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ids(ix.Search(tc.q, tc.after, tc.limit))); diff != "" {
				t.Errorf("Search(%q, %d, %d) (-want +got):\n%s", tc.q, tc.after, tc.limit, diff)
			}
		})
	}
}

func TestUpsert(t *testing.T) {
	ix := New()
	ix.Replace([]Entry{entry(1, "福州华信有限公司"), entry(3, "福州天元有限公司")})
	// rename 1: old name stays findable (it becomes a former name)
	ix.Upsert(entry(1, "福州百川有限公司"))
	// new subject after the highest id
	ix.Upsert(entry(9, "福州百川物流有限公司"))
	// out-of-order id forces a rebuild but stays in id order
	ix.Upsert(entry(2, "福州百川食品有限公司"))
	tests := []struct {
		q    string
		want []int64
	}{
		{"百川", []int64{1, 2, 9}},
		{"华信", []int64{1}},
		{"天元", []int64{3}},
		{"有限公司", []int64{1, 2, 3, 9}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, ids(ix.Search(tc.q, 0, 10))); diff != "" {
			t.Errorf("Search(%q) (-want +got):\n%s", tc.q, diff)
		}
	}
	if got := ix.Search("百川", 0, 1); got[0].Name != "福州百川有限公司" {
		t.Errorf("renamed entry shows %q", got[0].Name)
	}
	if ix.Len() != 4 || !ix.Ready() {
		t.Errorf("Len %d Ready %v", ix.Len(), ix.Ready())
	}
}

func TestGallop(t *testing.T) {
	l := []int32{1, 3, 5, 7, 9, 11, 13}
	for v, want := range map[int32]int{0: 0, 1: 0, 2: 1, 7: 3, 8: 4, 13: 6, 14: 7} {
		if got := gallop(l, v); got != want {
			t.Errorf("gallop(%d) = %d, want %d", v, got, want)
		}
	}
}

// TestAgainstScan compares the index with a scan of all names, for an index
// built at once and one built by Upsert in random order, on random names
// over a small alphabet (many shared bigrams, long lists).
func TestAgainstScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("华为信福州建材有限公司鑫源")
	word := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(rs)
	}
	var es []Entry
	for id := int64(1); id <= 3000; id++ {
		if r.IntN(10) == 0 {
			continue // gaps in the ids
		}
		e := entry(id, word(2+r.IntN(10)))
		if r.IntN(20) == 0 {
			e.Keys = append(e.Keys, word(4))
		}
		es = append(es, e)
	}
	built := New()
	built.Replace(es)
	added := New()
	for _, i := range r.Perm(len(es)) {
		added.Upsert(es[i])
	}
	if built.Len() != len(es) || added.Len() != len(es) {
		t.Fatalf("Len %d / %d, want %d", built.Len(), added.Len(), len(es))
	}
	for range 400 {
		q := word(1 + r.IntN(4))
		after := int64(r.IntN(3000))
		var want []int64
		for _, e := range es {
			if e.ID <= after || len(want) == 20 {
				continue
			}
			for _, k := range e.Keys {
				if strings.Contains(k, subject.NormalizeName(q)) {
					want = append(want, e.ID)
					break
				}
			}
		}
		for name, ix := range map[string]*Index{"built": built, "added": added} {
			if diff := cmp.Diff(want, ids(ix.Search(q, after, 20)), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s: Search(%q, %d) (-scan +index):\n%s", name, q, after, diff)
			}
		}
	}
	// every list is sorted and holds no id twice
	for b, l := range built.post {
		if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
			t.Fatalf("postings of %x not strictly ascending", b)
		}
	}
}

// TestSharedDirectory: an index over a directory that changes under it
// finds new names once they are added, and keeps old ones findable.
func TestSharedDirectory(t *testing.T) {
	d := directory.New()
	put := func(id int64, name string) {
		if err := d.Put(directory.Entry{ID: id, Code: fmt.Sprint("C", id), Name: name, NameNorm: subject.NormalizeName(name), Type: "legal", Region: "350100"}); err != nil {
			t.Fatal(err)
		}
	}
	put(1, "福州华信有限公司")
	put(2, "福州天元有限公司")
	ix := NewOn(d)
	if ix.Ready() {
		t.Fatal("ready before Build")
	}
	ix.Build()
	put(1, "福州百川有限公司") // renamed by another component
	put(3, "福州百川物流有限公司")
	if got := ids(ix.Search("百川", 0, 10)); len(got) != 0 {
		t.Errorf("not yet added, found %v", got)
	}
	if got := ids(ix.Search("华信", 0, 10)); len(got) != 1 {
		t.Errorf("former name: %v", got)
	}
	ix.Add(1, 3)
	for q, want := range map[string][]int64{"百川": {1, 3}, "华信": {1}, "天元": {2}, "有限": {1, 2, 3}, "川": {1, 3}} {
		if diff := cmp.Diff(want, ids(ix.Search(q, 0, 10))); diff != "" {
			t.Errorf("Search(%q) (-want +got):\n%s", q, diff)
		}
	}
	if hs := ix.Search("华信", 0, 1); len(hs) != 1 || hs[0].Name != "福州百川有限公司" || hs[0].Code != "C1" || hs[0].Region != "350100" {
		t.Errorf("hit %+v", hs)
	}
	if ix.Len() != 3 {
		t.Errorf("Len %d", ix.Len())
	}
}
