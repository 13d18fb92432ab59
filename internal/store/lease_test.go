package store_test

import (
	"context"
	"testing"
	"time"

	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func TestLease(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	xtest.EachWith(t, xtest.Options{Now: clock}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ok, err := s.TryLease(ctx, "sweep", time.Minute)
		if err != nil || !ok {
			t.Fatalf("first take: %v %v", ok, err)
		}
		if ok, _ := s.TryLease(ctx, "sweep", time.Minute); !ok {
			t.Fatal("the holder must be able to renew")
		}
		// Another node: simulate by writing a foreign owner that has not expired.
		if _, err := s.DB().ExecContext(ctx, s.D.Rebind("UPDATE leases SET owner = ? WHERE name = ?"), "other-node", "sweep"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.TryLease(ctx, "sweep", time.Minute); ok {
			t.Fatal("a live lease of another node must not be taken")
		}
		ran, err := s.Exclusive(ctx, "sweep", time.Minute, func(context.Context) error { t.Fatal("must not run"); return nil })
		if ran || err != nil {
			t.Fatalf("exclusive ran: %v %v", ran, err)
		}
		// Once it runs out, this node takes over.
		if _, err := s.DB().ExecContext(ctx, s.D.Rebind("UPDATE leases SET until_at = ? WHERE name = ?"), now.Add(-time.Second).UnixMicro(), "sweep"); err != nil {
			t.Fatal(err)
		}
		ran, err = s.Exclusive(ctx, "sweep", time.Minute, func(context.Context) error { return nil })
		if !ran || err != nil {
			t.Fatalf("take over after expiry: %v %v", ran, err)
		}
		if ok, _ := s.TryLease(ctx, "other", time.Minute); !ok {
			t.Fatal("leases are independent by name")
		}
	})
}
