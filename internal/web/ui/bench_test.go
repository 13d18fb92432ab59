package ui_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"xinyong/internal/auth"
)

// BenchmarkIssueReport measures a whole report issue as the API does it:
// read relations and records, reserve the number, render, sign, store.
func BenchmarkIssueReport(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, _, err := f.deps.IssueReport(ctx, auth.Public, f.org, "bench"); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkFindSubjects measures a name search answered by the index plus
// the store read that fills the page (SQLite).
func BenchmarkFindSubjects(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for b.Loop() {
		if subs, err := f.deps.FindSubjects(ctx, "华信", 0, 20); err != nil || len(subs) != 1 {
			b.Fatal(subs, err)
		}
	}
}
