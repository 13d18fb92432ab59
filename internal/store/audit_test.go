package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"xinyong/internal/audit"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// TestAuditTamperDetected alters, deletes and reorders rows directly in
// the database and expects `verify` to name the first broken row.
func TestAuditTamperDetected(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string
		brokeAt int64
	}{
		{"altered", "UPDATE audit_log SET detail = 'forged' WHERE seq = 3", 3},
		{"deleted", "DELETE FROM audit_log WHERE seq = 3", 4},
		{"reordered", "UPDATE audit_log SET at = at WHERE seq = 0; UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -1", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			xtest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				for i := 0; i < 5; i++ {
					if err := s.AuditRecord(ctx, audit.Event{Actor: "user:1", Action: "test.event", Object: fmt.Sprintf("obj:%d", i), After: i}); err != nil {
						t.Fatal(err)
					}
				}
				if n, err := s.VerifyAudit(ctx); err != nil || n != 5 {
					t.Fatalf("intact chain: %d %v", n, err)
				}
				for _, stmt := range splitStmts(c.tamper) {
					if _, err := s.DB().ExecContext(ctx, stmt); err != nil {
						t.Fatal(err)
					}
				}
				_, err := s.VerifyAudit(ctx)
				var b *audit.Break
				if !errors.As(err, &b) || b.Seq != c.brokeAt {
					t.Fatalf("want break at %d, got %v", c.brokeAt, err)
				}
			})
		})
	}
}

func splitStmts(s string) []string {
	var out []string
	for _, p := range stringsSplit(s, ";") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
