package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// nodeID names this process among the nodes sharing a database.
var nodeID = func() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}()

// TryLease takes or renews the named lease for ttl. It returns false when
// another node holds it and it has not run out.
func (s *Store) TryLease(ctx context.Context, name string, ttl time.Duration) (bool, error) {
	now := s.Now()
	res, err := s.w.ExecContext(ctx, s.D.Rebind(`INSERT INTO leases (name, owner, until_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_at = excluded.until_at
		WHERE leases.until_at < ? OR leases.owner = excluded.owner`), name, s.node, micros(now.Add(ttl)), micros(now))
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease gives the lease up early (e.g. at shutdown).
func (s *Store) ReleaseLease(ctx context.Context, name string) error {
	_, err := s.w.ExecContext(ctx, s.D.Rebind(`DELETE FROM leases WHERE name = ? AND owner = ?`), name, s.node)
	return err
}

// Exclusive runs fn only if this node holds (or can take) the named lease,
// so that periodic work runs once across all nodes. The lease lasts ttl,
// which must exceed the time between runs for the holder to keep it.
func (s *Store) Exclusive(ctx context.Context, name string, ttl time.Duration, fn func(context.Context) error) (bool, error) {
	ok, err := s.TryLease(ctx, name, ttl)
	if err != nil || !ok {
		return false, err
	}
	return true, fn(ctx)
}
