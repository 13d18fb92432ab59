package search

import (
	"testing"

	"github.com/google/go-cmp/cmp"

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
