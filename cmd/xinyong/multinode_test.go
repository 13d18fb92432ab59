package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

const mnToken = "multinode-bootstrap-token-000000001"

type node struct {
	cmd  *exec.Cmd
	base string
	pid  int
}

func startNode(t *testing.T, dsn string) *node {
	t.Helper()
	cmd := exec.Command(binary(t), "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--data", t.TempDir())
	cmd.Env = append(os.Environ(), "XINYONG_BOOTSTRAP_TOKEN="+mnToken, "XINYONG_PUSH_LEASE=4s",
		"XINYONG_SECRET_KEY="+base64.StdEncoding.EncodeToString(make([]byte, 32)), "XINYONG_LOG_FORMAT=json")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/ `)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return &node{cmd: cmd, base: "http://" + a, pid: cmd.Process.Pid}
	case <-time.After(90 * time.Second):
		t.Fatal("node did not start")
	}
	return nil
}

func (n *node) call(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, n.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+mnToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (n *node) must(t *testing.T, method, path, body string, status int) []byte {
	t.Helper()
	code, b := n.call(t, method, path, body)
	if code != status {
		t.Fatalf("%s %s on %s: %d %s", method, path, n.base, code, b)
	}
	return b
}

// activate lists a new subject on the court list through n and returns its code.
func activate(t *testing.T, n *node, seed uint64) (code string, entry int64) {
	t.Helper()
	code = subject.GenerateUSCC(rand.New(rand.NewPCG(seed, uint64(time.Now().UnixNano()))), "350102", '9', '1')
	n.must(t, "POST", "/api/v1/subjects", fmt.Sprintf(`{"type":"legal","code":"%s","name":"多节点测试%d有限公司"}`, code, seed), 201)
	var e struct{ ID int64 }
	json.Unmarshal(n.must(t, "POST", "/api/v1/list-entries", fmt.Sprintf(`{"subject":"%s","list_type":"court_dishonest_debtor","facts":"拒不履行","basis_doc":"（2026）闽01执%d号"}`, code, seed), 201), &e)
	p := "/api/v1/list-entries/" + strconv.FormatInt(e.ID, 10)
	n.must(t, "POST", p+"/notify", "", 200)
	n.must(t, "POST", p+"/activate", "", 200)
	return code, e.ID
}

func listed(t *testing.T, n *node, code string) bool {
	_, b := n.call(t, "GET", "/api/v1/check?subject="+code+"&scenario="+url.QueryEscape("政府采购"), "")
	var a struct{ Entries []json.RawMessage }
	json.Unmarshal(b, &a)
	return len(a.Entries) > 0
}

// TestMultiNode runs three nodes on one PostgreSQL: a change made through
// one shows in the checks of the others, and webhooks keep flowing without
// loss when the node delivering them is killed with SIGKILL.
func TestMultiNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three server processes")
	}
	dsn := xtest.PostgresSchemaDSN(t)
	// Receiver: slow enough that a node is mid-delivery when killed.
	var mu sync.Mutex
	got := map[string]int{} // webhook-id -> times received
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		mu.Lock()
		id := r.Header.Get("webhook-id")
		got[id]++
		mu.Unlock()
		w.WriteHeader(204)
	}))
	defer recv.Close()
	n1 := startNode(t, dsn) // migrates the empty store
	n2, n3 := startNode(t, dsn), startNode(t, dsn)
	nodes := []*node{n1, n2, n3}
	n1.must(t, "POST", "/api/v1/departments", `{"code":"court","name":"市中级人民法院"}`, 200)
	n1.must(t, "POST", "/api/v1/subscriptions", `{"dept":"court","url":"`+recv.URL+`/hook","event_types":["entry.activated","entry.exited"]}`, 201)

	// Consistency: listed through n1, visible in the checks of n2 and n3.
	code, _ := activate(t, n1, 1)
	for _, n := range []*node{n2, n3} {
		start := time.Now()
		for !listed(t, n, code) {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("node %s did not see the listing", n.base)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("listing visible on %s after %v", n.base, time.Since(start).Round(time.Millisecond))
	}
	for i := uint64(2); i <= 6; i++ {
		activate(t, nodes[i%3], i)
	}
	// Kill whichever node holds the delivery lease, mid-delivery.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var victim *node
	deadline := time.Now().Add(20 * time.Second)
	for victim == nil && time.Now().Before(deadline) {
		var owner string
		db.QueryRowContext(context.Background(), "SELECT lease_owner FROM subscriptions LIMIT 1").Scan(&owner)
		for _, n := range nodes {
			if owner != "" && strings.Contains(owner, "-"+strconv.Itoa(n.pid)+"-") {
				victim = n
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if victim == nil {
		t.Fatal("no node ever held the delivery lease")
	}
	victim.cmd.Process.Signal(syscall.SIGKILL)
	t.Logf("killed lease holder pid %d", victim.pid)
	var alive []*node
	for _, n := range nodes {
		if n != victim {
			alive = append(alive, n)
		}
	}
	for i := uint64(7); i <= 9; i++ {
		activate(t, alive[i%2], i)
	}
	// Every event arrives at least once.
	var want int
	db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM changes WHERE kind = 'entry.activated'").Scan(&want)
	if want != 9 {
		t.Fatalf("want 9 activation events in the feed, have %d", want)
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %d of %d events after failover", n, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	dups := 0
	for _, c := range got {
		dups += c - 1
	}
	t.Logf("all %d events delivered after failover (%d duplicate deliveries, at-least-once)", want, dups)
}
