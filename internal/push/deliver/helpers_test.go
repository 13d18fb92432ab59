package deliver_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"xinyong/internal/push"
	"xinyong/internal/store"
)

// receiver is an httptest webhook endpoint that verifies every request and
// records the events it accepted, in arrival order.
type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server
	down   atomic.Bool   // answer 500
	delay  time.Duration // before answering (set before use)
	mu     sync.Mutex
	got    []int64  // seqs answered 2xx
	ids    []string // webhook-ids answered 2xx
	hits   int      // every request
}

func newReceiver(t *testing.T, secret string, ln net.Listener) *receiver {
	r := &receiver{t: t, secret: secret}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.handle))
	if ln != nil {
		r.srv.Listener.Close()
		r.srv.Listener = ln
	}
	r.srv.Start()
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) handle(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	time.Sleep(r.delay)
	r.mu.Lock()
	r.hits++
	r.mu.Unlock()
	if r.down.Load() {
		http.Error(w, "维护中", http.StatusInternalServerError)
		return
	}
	if err := push.Verify(r.secret, req.Header, body, time.Now(), 5*time.Minute); err != nil {
		r.t.Errorf("signature: %v", err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p push.Payload
	if err := json.Unmarshal(body, &p); err != nil || p.Type != p.Data.Kind || p.Data.Seq == 0 {
		r.t.Errorf("payload %s: %v", body, err)
	}
	r.mu.Lock()
	r.got = append(r.got, p.Data.Seq)
	r.ids = append(r.ids, req.Header.Get(push.HeaderID))
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) seqs() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.got...)
}

func (r *receiver) requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits
}

// distinct returns first occurrences in arrival order.
func distinct(xs []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func seqRange(from, to int64) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// emit writes n change events of the given kind and list type.
func emit(t *testing.T, s *store.Store, n int, kind, listType string) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := s.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.Emit(kind, 0, "91350100M000100Y43", "entry:1", map[string]any{"list_type": listType, "kind": "black", "dept": "court", "type": "xzcf"})
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func subscribe(t *testing.T, s *store.Store, url string, events, lists []string) (store.Subscription, string) {
	t.Helper()
	ctx := context.Background()
	if err := s.UpsertDepartment(ctx, store.Department{Code: "tax", Name: "市税务局"}, "test"); err != nil {
		t.Fatal(err)
	}
	secret, err := push.NewSecret(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.CreateSubscription(ctx, store.Subscription{Dept: "tax", URL: url, EventTypes: events, ListTypes: lists, Secret: secret}, "user:1")
	if err != nil {
		t.Fatal(err)
	}
	return sub, secret
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now().UTC()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func minutes(n int) push.Policy {
	p := push.Policy{}
	for i := 0; i < n; i++ {
		p.Delays = append(p.Delays, time.Minute)
	}
	return p
}
