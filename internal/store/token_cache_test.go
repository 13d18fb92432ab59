package store_test

import (
	"context"
	"testing"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// A cached token older than the cache's TTL is answered from the cache and
// revalidated in the background; a revocation made by another node (here:
// straight in the table, bypassing this node's cache) is noticed by that
// revalidation, and an entry the store did not revalidate for a second TTL
// is looked up before answering.
func TestTokenCacheRevalidates(t *testing.T) {
	xtest.EachClock(t, time.Now(), func(t *testing.T, s *store.Store, clk *xtest.Clock) {
		ctx := context.Background()
		tok, secret, err := s.CreateToken(ctx, store.Token{Name: "审批系统", Role: auth.RoleOperator}, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		if p, err := s.TokenPrincipal(ctx, secret); err != nil || p.TokenID != tok.ID {
			t.Fatalf("first use: %+v %v", p, err)
		}
		// Revoked behind this node's back.
		if err := store.ExecInTx(s, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, clk.Now().UnixMicro(), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenPrincipal(ctx, secret); err != nil {
			t.Fatalf("within the TTL the cache answers: %v", err)
		}
		clk.Add(31 * time.Second)
		if _, err := s.TokenPrincipal(ctx, secret); err != nil {
			t.Fatalf("a stale entry is answered while it is revalidated: %v", err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := s.TokenPrincipal(ctx, secret)
			if err != nil {
				break // the revalidation dropped it; this look-up saw the revocation
			}
			if time.Now().After(deadline) {
				t.Fatal("revocation not noticed by the background revalidation")
			}
			time.Sleep(5 * time.Millisecond)
		}

		// A valid token past twice the TTL is looked up synchronously (and
		// cached again).
		_, secret2, err := s.CreateToken(ctx, store.Token{Name: "审批系统二", Role: auth.RoleOperator}, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenPrincipal(ctx, secret2); err != nil {
			t.Fatal(err)
		}
		clk.Add(61 * time.Second)
		if _, err := s.TokenPrincipal(ctx, secret2); err != nil {
			t.Fatalf("valid token after two TTLs: %v", err)
		}
	})
}
