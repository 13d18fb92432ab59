package search

import (
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"xinyong/internal/demo"
	"xinyong/internal/pii"
	"xinyong/internal/subject"
)

var (
	benchOnce sync.Once
	benchIx   *Index
)

// millionNames indexes 1,000,000 organisation names made by the demo generator.
func millionNames(b *testing.B) *Index {
	benchOnce.Do(func() {
		p, err := pii.New(make([]byte, 32))
		if err != nil {
			b.Fatal(err)
		}
		g := demo.NewGenerator(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		es := make([]Entry, 1_000_000)
		for i := range es {
			o := g.Organisation(p, "张三")
			es[i] = Entry{ID: int64(i + 1), Code: o.Code, Name: o.Name, Type: string(o.Type), Region: o.Region, Keys: []string{subject.NormalizeName(o.Name)}}
		}
		benchIx = New()
		benchIx.Replace(es)
	})
	return benchIx
}

// benchQueries runs each query with limit 20 (the API default page) and
// reports p50/p95 latency over all iterations.
func benchQueries(b *testing.B, qs []string) {
	ix := millionNames(b)
	var lat []time.Duration
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t0 := time.Now()
		ix.Search(qs[i%len(qs)], 0, 20)
		lat = append(lat, time.Since(t0))
		i++
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds()), "p95-µs")
}

// Two-character queries: frequent (华为, 科技), rare and absent pairs.
func BenchmarkSearch2Chars(b *testing.B) {
	benchQueries(b, []string{"华为", "华信", "科技", "榕城", "茶业", "鼓楼", "信源", "为润", "乙丙", "丰鑫"})
}

// Four-character queries, including pairs of common bigrams that rarely
// or never meet (worst case for the intersection).
func BenchmarkSearch4Chars(b *testing.B) {
	benchQueries(b, []string{"华为科技", "鑫源物流", "福州华信", "有限公司", "公司福州", "茶业集团", "永安医药", "电力工程", "天宇印刷", "股份华为"})
}

// BenchmarkBuild measures building the index over 1,000,000 names and
// reports the heap held by the postings (the directory excluded).
func BenchmarkBuild(b *testing.B) {
	ix := millionNames(b)
	var keep *Index
	var before, after runtime.MemStats
	b.ResetTimer()
	for b.Loop() {
		keep = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		keep = NewOn(ix.dir)
		keep.Build()
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "postings-MB")
	runtime.KeepAlive(keep)
}
