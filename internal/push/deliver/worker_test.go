package deliver_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/push"
	"xinyong/internal/push/deliver"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func start(t *testing.T, w *deliver.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

func TestDeliverInOrderWithFilters(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		emit(t, s, 2, push.EntryActivated, "court_dishonest_debtor") // before the subscription: not sent
		r := newReceiver(t, "", nil)
		sub, secret := subscribe(t, s, r.srv.URL+"/hook", []string{push.EntryActivated, push.EntryExited}, []string{"court_dishonest_debtor"})
		r.secret = secret
		start(t, deliver.New(s, deliver.Options{Poll: 50 * time.Millisecond}))
		emit(t, s, 3, push.EntryActivated, "court_dishonest_debtor") // 3,4,5
		emit(t, s, 2, push.EntryActivated, "tax_major_violation")    // 6,7 other list type
		emit(t, s, 1, push.RecordPublished, "")                      // 8 other event type
		emit(t, s, 2, push.EntryExited, "court_dishonest_debtor")    // 9,10
		emit(t, s, 1, push.EntryPaused, "court_dishonest_debtor")    // 11 not subscribed
		want := []int64{3, 4, 5, 9, 10}
		waitFor(t, "events delivered", func() bool { return len(r.seqs()) >= len(want) })
		waitFor(t, "cursor at head", func() bool { got, _ := s.Subscription(ctx, sub.ID); return got.Cursor == 11 })
		if diff := cmp.Diff(want, r.seqs()); diff != "" {
			t.Fatalf("received (-want +got):\n%s", diff)
		}
		ds, err := s.Deliveries(ctx, sub.ID, 0, 100)
		if err != nil || len(ds) != len(want) {
			t.Fatalf("delivery log = %+v, %v", ds, err)
		}
		for _, d := range ds {
			if !d.OK || d.StatusCode != 204 || d.EventID != (push.Event{Seq: d.Seq}).ID() {
				t.Fatalf("log row %+v", d)
			}
		}
	})
}

func TestReceiverDownThenRecovers(t *testing.T) {
	for _, mode := range []string{"http 500", "connection refused"} {
		t.Run(mode, func(t *testing.T) {
			xtest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				clk := newClock()
				// The receiver's address is reserved, then closed (refused) or
				// served with 500s until it recovers.
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr := ln.Addr().String()
				var r *receiver
				if mode == "http 500" {
					r = newReceiver(t, "", ln)
					r.down.Store(true)
				} else {
					ln.Close()
				}
				sub, secret := subscribe(t, s, "http://"+addr+"/hook", []string{push.EntryActivated}, nil)
				w := deliver.New(s, deliver.Options{Now: clk.Now, Policy: minutes(20)})
				emit(t, s, 5, push.EntryActivated, "court_dishonest_debtor")
				for i := 0; i < 5; i++ {
					if _, err := w.RunOnce(ctx); err != nil {
						t.Fatal(err)
					}
					clk.Advance(time.Minute)
				}
				got, _ := s.Subscription(ctx, sub.ID)
				if got.FailCount != 5 || got.Cursor != 0 || got.State != store.SubActive || got.LastError == "" {
					t.Fatalf("while down: %+v", got)
				}
				if mode == "http 500" {
					r.secret = secret
					r.down.Store(false)
				} else {
					ln2, err := net.Listen("tcp", addr)
					if err != nil {
						t.Skipf("cannot listen again on %s: %v", addr, err)
					}
					r = newReceiver(t, secret, ln2)
				}
				emit(t, s, 2, push.EntryActivated, "court_dishonest_debtor")
				for i := 0; i < 3 && len(r.seqs()) < 7; i++ {
					clk.Advance(time.Minute)
					if _, err := w.RunOnce(ctx); err != nil {
						t.Fatal(err)
					}
				}
				if diff := cmp.Diff(seqRange(1, 7), r.seqs()); diff != "" {
					t.Fatalf("received after recovery (-want +got):\n%s", diff)
				}
				got, _ = s.Subscription(ctx, sub.ID)
				if got.FailCount != 0 || got.Cursor != 7 || got.LastError != "" {
					t.Fatalf("after recovery: %+v", got)
				}
				ds, _ := s.Deliveries(ctx, sub.ID, 0, 100)
				if len(ds) != 5+7 || ds[len(ds)-1].OK || ds[len(ds)-1].Attempt != 1 || ds[len(ds)-5].Attempt != 5 {
					t.Fatalf("delivery log: %+v", ds)
				}
			})
		})
	}
}

func TestDisableAfterPersistentFailure(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := newClock()
		r := newReceiver(t, "", nil)
		r.down.Store(true)
		sub, secret := subscribe(t, s, r.srv.URL, []string{push.EntryActivated}, nil)
		policy := push.Policy{Delays: []time.Duration{time.Hour, 4 * time.Hour, 20 * time.Hour}}
		w := deliver.New(s, deliver.Options{Now: clk.Now, Policy: policy})
		emit(t, s, 2, push.EntryActivated, "court_dishonest_debtor")
		for i := 0; i < 30; i++ {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Hour)
		}
		if n := r.requests(); n != 4 {
			t.Fatalf("receiver saw %d attempts, want 1 + 3 retries", n)
		}
		got, _ := s.Subscription(ctx, sub.ID)
		if got.State != store.SubDisabled || got.Cursor != 0 || got.DisabledReason == "" {
			t.Fatalf("after persistent failure: %+v", got)
		}
		ns, _ := s.Notices(ctx, 0, 10)
		if len(ns) != 1 || ns[0].Kind != "subscription.disabled" || ns[0].Dept != "tax" {
			t.Fatalf("notices: %+v", ns)
		}
		as, _ := s.AuditEntries(ctx, 0, "subscription.auto_disable", 0, 10)
		if len(as) != 1 {
			t.Fatalf("audit entries: %+v", as)
		}
		// Fixed and enabled again: delivery resumes at the failed event.
		r.secret = secret
		r.down.Store(false)
		if _, err := s.SetSubscriptionActive(ctx, sub.ID, true, "", "user:1"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{1, 2}, r.seqs()); diff != "" {
			t.Fatalf("after enabling (-want +got):\n%s", diff)
		}
	})
}

func TestManualRedeliveryAndReplay(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := newReceiver(t, "", nil)
		sub, secret := subscribe(t, s, r.srv.URL, []string{push.EntryActivated}, nil)
		r.secret = secret
		w := deliver.New(s, deliver.Options{})
		emit(t, s, 3, push.EntryActivated, "court_dishonest_debtor")
		run := func() {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		run()
		if err := s.RequestRedelivery(ctx, sub.ID, 2, "user:1"); err != nil {
			t.Fatal(err)
		}
		run()
		if diff := cmp.Diff([]int64{1, 2, 3, 2}, r.seqs()); diff != "" {
			t.Fatalf("after redelivery (-want +got):\n%s", diff)
		}
		if r.ids[1] != r.ids[3] {
			t.Fatalf("redelivery changed the webhook-id: %s vs %s", r.ids[1], r.ids[3])
		}
		ds, _ := s.Deliveries(ctx, sub.ID, 0, 1)
		if len(ds) != 1 || !ds[0].Manual || ds[0].Seq != 2 {
			t.Fatalf("last log row: %+v", ds)
		}
		if _, err := s.ReplaySubscription(ctx, sub.ID, 2, "user:1"); err != nil {
			t.Fatal(err)
		}
		run()
		if diff := cmp.Diff([]int64{1, 2, 3, 2, 2, 3}, r.seqs()); diff != "" {
			t.Fatalf("after replay (-want +got):\n%s", diff)
		}
	})
}

// Stop the worker and reopen the store mid-stream, then start again: every
// event arrives, in order; duplicates only as at-least-once allows.
func TestPushAcrossRestart(t *testing.T) {
	xtest.EachEngine(t, func(t *testing.T, e xtest.Engine) {
		s1 := e.Open(t)
		r := newReceiver(t, "", nil)
		r.delay = 5 * time.Millisecond // so that the stop finds events in flight
		_, secret := subscribe(t, s1, r.srv.URL, []string{push.EntryActivated}, nil)
		r.secret = secret
		stop := start(t, deliver.New(s1, deliver.Options{Poll: 20 * time.Millisecond}))
		for i := 0; i < 10; i++ {
			emit(t, s1, 1, push.EntryActivated, "court_dishonest_debtor")
			if i == 3 {
				waitFor(t, "first deliveries", func() bool { return len(r.seqs()) > 0 })
			}
		}
		stop()
		s1.Close()

		s2 := e.Open(t)
		t.Cleanup(func() { s2.Close() })
		emit(t, s2, 10, push.EntryActivated, "court_dishonest_debtor")
		start(t, deliver.New(s2, deliver.Options{Poll: 20 * time.Millisecond}))
		waitFor(t, "all 20 events", func() bool { return len(distinct(r.seqs())) == 20 })
		got := r.seqs()
		if diff := cmp.Diff(seqRange(1, 20), distinct(got)); diff != "" {
			t.Fatalf("first arrivals out of order (-want +got):\n%s", diff)
		}
		// A duplicate can only repeat the event in flight at the stop.
		for i := 1; i < len(got); i++ {
			if got[i] < got[i-1] {
				t.Fatalf("went backwards at %d: %v", i, got)
			}
		}
	})
}
