package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// BenchmarkLogChecks measures the check journal's mover side: segments of
// 4,096 checks written into check_log (per check: ns/op, B/op).
func BenchmarkLogChecks(b *testing.B) {
	ctx := context.Background()
	s := xtest.SQLiteStore(b, xtest.Options{})
	const seg = 4096
	now := time.Now()
	digest := fmt.Sprintf("%064x", 42)
	logs := make([]store.CheckLog, seg)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += seg {
		for j := range logs {
			logs[j] = store.CheckLog{ID: fmt.Sprintf("CKABCDE%08d", i+j), At: now, Requester: "token:7", Dept: "ggzy", Subject: fmt.Sprintf("91110000%010d", (i+j)*7919%1000000), SubjectID: int64(i + j), Scenario: "procurement", AsOf: now, Digest: digest, RulesVersion: 3}
		}
		b.StartTimer()
		if err := s.LogChecksBackground(ctx, logs); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
	}
}
