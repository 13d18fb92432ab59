// Package deliver is the webhook delivery worker: per subscription a cursor
// over the change feed (the outbox), events sent in order and at least once,
// retried with backoff, state kept in the database so that delivery survives
// restarts. The pure rules (matching, payload, signing, schedule) are in
// package push; all SQL is in store.
package deliver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"xinyong/internal/push"
	"xinyong/internal/store"
)

// Options tune a Worker; zero values take the defaults.
type Options struct {
	Policy   push.Policy      // retry schedule; default push.DefaultPolicy
	Now      func() time.Time // scheduling clock; default time.Now
	Client   *http.Client     // default: 10 s timeout, redirects not followed
	Poll     time.Duration    // wake-up interval for changes of other nodes; default 1 s
	Lease    time.Duration    // how long a claim on a subscription lasts; default 60 s
	Parallel int              // subscriptions served at once; default 4
	Batch    int              // change events read per query; default 100
	Budget   int              // events sent per subscription per round; default 500
	Logger   *slog.Logger
}

// Worker delivers the change feed to subscriptions.
type Worker struct {
	st    *store.Store
	o     Options
	owner string
	wake  chan struct{}
}

// New returns a worker over st and registers it to wake on every change
// committed on this node. Call before the server starts taking requests.
func New(st *store.Store, o Options) *Worker {
	if o.Policy.Delays == nil {
		o.Policy = push.DefaultPolicy
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Budget <= 0 {
		o.Budget = 500
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	w := &Worker{st: st, o: o, owner: ownerID(), wake: make(chan struct{}, 1)}
	st.OnChange(func(store.Change) { w.Kick() })
	return w
}

func ownerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Kick wakes the worker without blocking.
func (w *Worker) Kick() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is cancelled. An attempt cut short by cancellation
// is not counted; its event is sent again after the restart.
func (w *Worker) Run(ctx context.Context) {
	w.o.Logger.Info("push worker started", "owner", w.owner)
	t := time.NewTimer(w.o.Poll)
	defer t.Stop()
	for {
		more, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			w.o.Logger.Info("push worker stopped", "owner", w.owner)
			return
		}
		if err != nil {
			w.o.Logger.Error("push round failed", "err", err)
		}
		if more {
			continue
		}
		t.Reset(w.o.Poll)
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-t.C:
		}
	}
}

// RunOnce serves every subscription that is due now, a few at a time, and
// reports whether some still have events waiting (their budget ran out).
func (w *Worker) RunOnce(ctx context.Context) (more bool, err error) {
	ids, err := w.st.DueSubscriptions(ctx, w.o.Now(), 200)
	if err != nil {
		return false, err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, w.o.Parallel)
	)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			m, err := w.serve(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			more = more || m
			if err != nil && ctx.Err() == nil {
				errs = append(errs, fmt.Errorf("subscription %d: %w", id, err))
			}
		})
	}
	wg.Wait()
	return more, errors.Join(errs...)
}

// serve claims one subscription, sends its queued manual redeliveries, then
// continues its ordered stream until caught up, a failure, or the budget.
func (w *Worker) serve(ctx context.Context, id int64) (more bool, err error) {
	now := w.o.Now()
	sub, ok, err := w.st.ClaimSubscription(ctx, id, w.owner, now, now.Add(w.o.Lease))
	if err != nil || !ok {
		return false, err
	}
	defer func() {
		if e := w.st.ReleaseSubscription(context.WithoutCancel(ctx), id, w.owner); e != nil && err == nil {
			err = e
		}
	}()
	key, err := push.SecretKey(sub.Secret)
	if err != nil {
		return false, fmt.Errorf("secret: %w", err)
	}
	if err := w.redeliver(ctx, sub, key); err != nil {
		return false, err
	}
	if sub.NextAttemptAt.After(now) {
		return false, nil
	}
	return w.stream(ctx, sub, key)
}

func (w *Worker) redeliver(ctx context.Context, sub store.Subscription, key []byte) error {
	ids, seqs, err := w.st.PendingRedeliveries(ctx, sub.ID, 20)
	if err != nil {
		return err
	}
	for i, seq := range seqs {
		cs, err := w.st.Changes(ctx, seq-1, 1)
		if err != nil {
			return err
		}
		var r result
		e := push.Event{Seq: seq}
		if len(cs) == 0 || cs[0].Seq != seq {
			r.err = fmt.Sprintf("变更 %d 不存在", seq) // changes are never deleted; defensive
		} else {
			e = event(cs[0])
			r = w.send(ctx, sub.URL, key, e)
		}
		if ctx.Err() != nil {
			return nil
		}
		o := store.DeliveryOutcome{Delivery: r.delivery(sub.ID, e, 1, true, w.o.Now()), Owner: w.owner, RedeliveryID: ids[i]}
		if err := w.st.RecordOutcome(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

func (w *Worker) stream(ctx context.Context, sub store.Subscription, key []byte) (more bool, err error) {
	filter := push.Filter{EventTypes: sub.EventTypes, ListTypes: sub.ListTypes}
	cursor, sent := sub.Cursor, 0
	for sent < w.o.Budget {
		cs, err := w.st.Changes(ctx, cursor, w.o.Batch)
		if err != nil || len(cs) == 0 {
			return false, err
		}
		for _, c := range cs {
			e := event(c)
			if !filter.Match(e) {
				continue
			}
			attempt := sub.FailCount + 1
			r := w.send(ctx, sub.URL, key, e)
			if ctx.Err() != nil {
				return false, nil
			}
			now := w.o.Now()
			o := store.DeliveryOutcome{Delivery: r.delivery(sub.ID, e, attempt, false, now), Owner: w.owner, From: cursor, LeaseUntil: now.Add(w.o.Lease)}
			if !r.ok {
				if delay, retry := w.o.Policy.Next(attempt); retry {
					o.NextAttempt = now.Add(delay)
				} else {
					o.GiveUp, o.Reason = true, giveUpReason(sub, e, attempt, w.o.Policy, r.err)
					w.o.Logger.Warn("push subscription disabled after persistent failure", "subscription", sub.ID, "dept", sub.Dept, "seq", e.Seq, "attempts", attempt)
				}
			}
			err := w.st.RecordOutcome(ctx, o)
			if errors.Is(err, store.ErrPushLeaseLost) {
				return false, nil
			}
			if err != nil || !r.ok {
				return false, err
			}
			w.o.Logger.Debug("push delivered", "subscription", sub.ID, "seq", e.Seq, "ms", r.dur.Milliseconds())
			cursor, sub.FailCount = e.Seq, 0
			sent++
		}
		if last := cs[len(cs)-1].Seq; last > cursor {
			err := w.st.AdvanceSubscriptionCursor(ctx, sub.ID, w.owner, cursor, last, w.o.Now().Add(w.o.Lease))
			if errors.Is(err, store.ErrPushLeaseLost) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			cursor = last
		}
		if len(cs) < w.o.Batch {
			return false, nil
		}
	}
	return true, nil
}

func giveUpReason(sub store.Subscription, e push.Event, attempts int, p push.Policy, last string) string {
	return fmt.Sprintf("部门 %s 的推送订阅 %d（%s）推送变更 %d 连续失败 %d 次（重试跨度 %s），已自动停用。最后一次错误：%s。请联系该部门修复接收端后启用订阅，未送达的事件将从序号 %d 起继续推送。",
		sub.Dept, sub.ID, sub.URL, e.Seq, attempts, p.Span().Round(time.Minute), last, e.Seq)
}

func event(c store.Change) push.Event {
	return push.Event{Seq: c.Seq, At: c.At, Kind: c.Kind, Subject: c.Subject, Object: c.Object, Data: c.Data}
}
