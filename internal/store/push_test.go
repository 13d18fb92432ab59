package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func emitN(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := s.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.Emit("entry.activated", 0, "91350100M000100Y43", "entry:1", map[string]any{"list_type": "court_dishonest_debtor", "kind": "black", "dept": "court"})
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func newSub(t *testing.T, s *store.Store, dept string) store.Subscription {
	t.Helper()
	ctx := context.Background()
	if err := s.UpsertDepartment(ctx, store.Department{Code: dept, Name: "部门" + dept}, "test"); err != nil {
		t.Fatal(err)
	}
	sub, err := s.CreateSubscription(ctx, store.Subscription{Dept: dept, URL: "http://127.0.0.1:1/hook", EventTypes: []string{"entry.activated"}, ListTypes: []string{}, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "user:1")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestSubscriptionCRUD(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		emitN(t, s, 3)
		a := newSub(t, s, "tax")
		newSub(t, s, "court")
		if a.Cursor != 3 || a.State != store.SubActive {
			t.Fatalf("new subscription starts at cursor %d state %s, want 3 active", a.Cursor, a.State)
		}
		got, err := s.Subscription(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Fatalf("stored subscription differs (-created +read):\n%s", diff)
		}
		tax, err := s.Subscriptions(ctx, "tax", 0, 10)
		if err != nil || len(tax) != 1 || tax[0].ID != a.ID {
			t.Fatalf("Subscriptions(tax) = %v, %v", tax, err)
		}
		all, _ := s.Subscriptions(ctx, "", 0, 10)
		if len(all) != 2 {
			t.Fatalf("all subscriptions = %d, want 2", len(all))
		}
		up, err := s.UpdateSubscription(ctx, a.ID, func(sub *store.Subscription) error {
			sub.URL, sub.ListTypes = "https://127.0.0.1/x", []string{"tax_major_violation"}
			return nil
		}, "user:1")
		if err != nil || up.URL != "https://127.0.0.1/x" {
			t.Fatalf("update = %+v, %v", up, err)
		}
		refused := errs.Field("url", "no")
		if _, err := s.UpdateSubscription(ctx, a.ID, func(*store.Subscription) error { return refused }, "user:1"); err != refused {
			t.Fatalf("refused update returned %v", err)
		}
		if _, err := s.Subscription(ctx, 999); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("missing subscription: %v", err)
		}
		d, err := s.SetSubscriptionActive(ctx, a.ID, false, "测试停用", "user:1")
		if err != nil || d.State != store.SubDisabled || d.DisabledAt.IsZero() {
			t.Fatalf("disable = %+v, %v", d, err)
		}
		e, err := s.SetSubscriptionActive(ctx, a.ID, true, "", "user:1")
		if err != nil || e.State != store.SubActive || !e.DisabledAt.IsZero() {
			t.Fatalf("enable = %+v, %v", e, err)
		}
		r, err := s.ReplaySubscription(ctx, a.ID, 2, "user:1")
		if err != nil || r.Cursor != 1 {
			t.Fatalf("replay = %+v, %v", r, err)
		}
		for _, bad := range []int64{0, 5} {
			if _, err := s.ReplaySubscription(ctx, a.ID, bad, "user:1"); !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("replay from %d: %v", bad, err)
			}
		}
		if err := s.RequestRedelivery(ctx, a.ID, 9, "user:1"); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("redelivery of a missing seq: %v", err)
		}
		if err := s.RequestRedelivery(ctx, a.ID, 2, "user:1"); err != nil {
			t.Fatal(err)
		}
		ids, seqs, err := s.PendingRedeliveries(ctx, a.ID, 10)
		if err != nil || len(ids) != 1 || seqs[0] != 2 {
			t.Fatalf("pending = %v %v %v", ids, seqs, err)
		}
	})
}

func TestSubscriptionLeaseAndOutcome(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sub := newSub(t, s, "tax")
		emitN(t, s, 2)
		now := time.Now().UTC().Truncate(time.Microsecond)
		due, err := s.DueSubscriptions(ctx, now, 10)
		if err != nil || len(due) != 1 {
			t.Fatalf("due = %v, %v", due, err)
		}
		if _, ok, err := s.ClaimSubscription(ctx, sub.ID, "a", now, now.Add(time.Minute)); !ok || err != nil {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if _, ok, _ := s.ClaimSubscription(ctx, sub.ID, "b", now, now.Add(time.Minute)); ok {
			t.Fatal("second worker claimed a leased subscription")
		}
		if due, _ := s.DueSubscriptions(ctx, now, 10); len(due) != 0 {
			t.Fatalf("leased subscription listed as due: %v", due)
		}
		ok := store.DeliveryOutcome{Delivery: store.Delivery{SubscriptionID: sub.ID, Seq: 1, EventID: "evt_1", Kind: "entry.activated", Attempt: 1, OK: true, StatusCode: 200, At: now}, Owner: "b", From: 0, LeaseUntil: now.Add(time.Minute)}
		if err := s.RecordOutcome(ctx, ok); !errors.Is(err, store.ErrPushLeaseLost) {
			t.Fatalf("outcome from a non-owner: %v", err)
		}
		ok.Owner = "a"
		if err := s.RecordOutcome(ctx, ok); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordOutcome(ctx, ok); !errors.Is(err, store.ErrPushLeaseLost) {
			t.Fatalf("outcome from a stale cursor: %v", err)
		}
		fail := store.DeliveryOutcome{Delivery: store.Delivery{SubscriptionID: sub.ID, Seq: 2, EventID: "evt_2", Kind: "entry.activated", Attempt: 3, StatusCode: 500, Error: "HTTP 500", At: now}, Owner: "a", From: 1, GiveUp: true, Reason: "已自动停用"}
		if err := s.RecordOutcome(ctx, fail); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Subscription(ctx, sub.ID)
		if got.State != store.SubDisabled || got.Cursor != 1 || got.FailCount != 3 || got.DisabledReason != "已自动停用" {
			t.Fatalf("after give-up: %+v", got)
		}
		ns, err := s.Notices(ctx, 0, 10)
		if err != nil || len(ns) != 1 || ns[0].Object != "subscription:1" || ns[0].Dept != "tax" {
			t.Fatalf("notices = %+v, %v", ns, err)
		}
		ds, err := s.Deliveries(ctx, sub.ID, 0, 10)
		if err != nil || len(ds) != 4 || ds[0].Seq != 2 || ds[0].OK || !ds[3].OK {
			t.Fatalf("deliveries = %+v, %v", ds, err)
		}
		// Attempts whose outcome was refused stay in the log: they happened.
		older, _ := s.Deliveries(ctx, sub.ID, ds[1].ID, 10)
		if len(older) != 2 || older[0].ID != ds[2].ID {
			t.Fatalf("paged deliveries = %+v", older)
		}
		if err := s.ReleaseSubscription(ctx, sub.ID, "a"); err != nil {
			t.Fatal(err)
		}
	})
}
