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
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"xinyong/internal/subject"
)

const crashToken = "crash-bootstrap-token-00000000001"

// startServe runs `serve` on dir and returns its base URL.
func startServe(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(binary(t), "serve", "--data", dir, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XINYONG_BOOTSTRAP_TOKEN="+crashToken, "XINYONG_PUSH_LEASE=2s", "XINYONG_LOG_FORMAT=json")
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
		return cmd, "http://" + a
	case <-time.After(90 * time.Second):
		t.Fatal("serve did not start")
	}
	return nil, ""
}

func call(base, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", "Bearer "+crashToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b, nil
}

func penaltyRows(batch, n int, r *rand.Rand) []map[string]string {
	rows := make([]map[string]string, n)
	for i := range rows {
		code := subject.GenerateUSCC(r, "350102", '9', '1')
		rows[i] = map[string]string{
			"CF_XDR_MC": fmt.Sprintf("崩溃测试%d-%d有限公司", batch, i), "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": code,
			"CF_WSH": fmt.Sprintf("榕市监罚〔2026〕%d-%d号", batch, i), "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品",
			"CF_YJ": "《中华人民共和国食品安全法》第一百二十四条", "CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5",
			"CF_JDRQ": crashDecision, "CF_YXQ": "2099-12-31", "CF_CFJG": "市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X",
			"CF_SJLY": "市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
		}
	}
	return rows
}

// TestCrashRecovery kills the server with SIGKILL at random moments while
// it imports record batches, runs list transitions and delivers webhooks,
// restarts it and checks the invariants: every batch whole or absent, a
// re-sent batch neither duplicated nor lost, the audit chain intact, the
// change feed without gaps, every event delivered. XINYONG_CRASH_TRIALS
// sets the number of kills (default 3; the long run uses 50).
// crashDecision is the workload's decision date, fixed for the run (a batch
// re-sent after a restart must be the same batch) and recent, so that the
// records are inside their publicity window whenever the test runs.
var crashDecision = time.Now().AddDate(0, 0, -30).Format("2006-01-02")

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills server processes")
	}
	trials := 3
	if v, err := strconv.Atoi(os.Getenv("XINYONG_CRASH_TRIALS")); err == nil && v > 0 {
		trials = v
	}
	dir := t.TempDir()
	var mu sync.Mutex
	received := map[string]bool{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		received[r.Header.Get("webhook-id")] = true
		mu.Unlock()
		w.WriteHeader(204)
	}))
	defer recv.Close()

	cmd, base := startServe(t, dir)
	if code, b, err := call(base, "POST", "/api/v1/departments", map[string]any{"code": "samr", "name": "市市场监督管理局"}); err != nil || code != 200 {
		t.Fatalf("department: %d %s %v", code, b, err)
	}
	if code, b, err := call(base, "POST", "/api/v1/departments", map[string]any{"code": "court", "name": "市中级人民法院"}); err != nil || code != 200 {
		t.Fatalf("department: %d %s %v", code, b, err)
	}
	if code, b, _ := call(base, "POST", "/api/v1/subscriptions", map[string]any{"dept": "samr", "url": recv.URL + "/hook", "event_types": []string{"record.published"}}); code != 201 {
		t.Fatalf("subscription: %d %s", code, b)
	}
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	batchNo := 0
	sent := map[string][]map[string]string{} // idempotency key -> rows
	sleepRnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	for trial := 0; trial < trials; trial++ {
		var stop atomic.Bool
		var thisTrial []string // batches sent since the last restart (earlier ones are verified)
		done := make(chan struct{})
		go func() { // workload until killed
			defer close(done)
			for !stop.Load() {
				batchNo++
				key := fmt.Sprintf("crash-%d", batchNo)
				rows := penaltyRows(batchNo, 300, rnd)
				sent[key] = rows
				thisTrial = append(thisTrial, key)
				if _, _, err := call(base, "POST", "/api/v1/records", map[string]any{"type": "penalty", "dept": "samr", "idempotency_key": key, "rows": rows}); err != nil {
					return // the server died mid-request
				}
				// A list transition chain on the court list for the batch's first subject.
				code, b, err := call(base, "POST", "/api/v1/list-entries", map[string]any{"subject": rows[0]["CF_XDR_SHXYM"], "list_type": "court_dishonest_debtor",
					"facts": "有履行能力而拒不履行", "basis_doc": fmt.Sprintf("（2026）闽01执%d号", batchNo)})
				if err != nil {
					return
				}
				if code == 201 {
					var e struct{ ID int64 }
					json.Unmarshal(b, &e)
					for _, act := range []string{"notify", "activate"} {
						if _, _, err := call(base, "POST", fmt.Sprintf("/api/v1/list-entries/%d/%s", e.ID, act), nil); err != nil {
							return
						}
					}
					// Every other entry is objected to (pauses it at once).
					if batchNo%2 == 0 {
						if _, _, err := call(base, "POST", "/api/v1/objections", map[string]any{"target": "entry", "target_id": e.ID, "reason": "error",
							"body": "该信息与法院实际裁定不符，已履行完毕", "applicant_name": "某某公司", "applicant_contact": "0591-12345678",
							"attachments": []any{map[string]string{"kind": "evidence", "name": "evidence.pdf", "data": base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%test\n"))}}}); err != nil {
							return
						}
					}
				}
			}
		}()
		time.Sleep(time.Duration(200+sleepRnd.IntN(1500)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		stop.Store(true)
		<-done
		cmd, base = startServe(t, dir)
		// Re-send this round's batches (as a client whose request failed would):
		// idempotent, nothing duplicated, nothing lost.
		for _, key := range thisTrial {
			code, b, err := call(base, "POST", "/api/v1/records", map[string]any{"type": "penalty", "dept": "samr", "idempotency_key": key, "rows": sent[key]})
			if err != nil || code >= 500 {
				t.Fatalf("re-send %s: %d %s %v", key, code, b, err)
			}
		}
		checkInvariants(t, dir, base, sent)
	}
	// Every published-record event reaches the receiver (at least once).
	db := openDB(t, dir)
	defer db.Close()
	want := 0
	for _, c := range readFeed(t, base) {
		if c.Kind == "record.published" {
			want++
		}
	}
	if want == 0 {
		t.Fatal("the workload published no records")
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(received)
		mu.Unlock()
		if n >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhooks: received %d of %d events", n, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var entries, objections int
	db.QueryRow("SELECT COUNT(*) FROM list_entries WHERE state = 'active'").Scan(&entries)
	db.QueryRow("SELECT COUNT(*) FROM remedy_cases WHERE kind = 'objection'").Scan(&objections)
	if entries == 0 || objections == 0 {
		t.Errorf("the workload listed %d entries and filed %d objections", entries, objections)
	}
	t.Logf("%d kills, %d batches, %d records published and delivered, %d entries active, %d objections", trials, len(sent), want, entries, objections)
}

// readFeed reads the whole change feed through the API, as a consumer does.
func readFeed(t *testing.T, base string) []struct {
	Seq  int64  `json:"seq"`
	Kind string `json:"kind"`
} {
	t.Helper()
	var all []struct {
		Seq  int64  `json:"seq"`
		Kind string `json:"kind"`
	}
	var after int64
	for {
		code, b, err := call(base, "GET", fmt.Sprintf("/api/v1/changes?after=%d&limit=1000", after), nil)
		if err != nil || code != 200 {
			t.Fatalf("changes: %d %s %v", code, b, err)
		}
		var page struct {
			Items []struct {
				Seq  int64  `json:"seq"`
				Kind string `json:"kind"`
			} `json:"items"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			return all
		}
		all = append(all, page.Items...)
		after = page.Items[len(page.Items)-1].Seq
	}
}

func openDB(t *testing.T, dir string) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "xinyong.db")+"?_pragma=busy_timeout(10000)&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func checkInvariants(t *testing.T, dir, base string, sent map[string][]map[string]string) {
	t.Helper()
	code, b, err := call(base, "GET", "/api/v1/audit/verify", nil)
	if err != nil || code != 200 || !strings.Contains(string(b), `"ok":true`) {
		t.Fatalf("audit chain after crash: %d %s %v", code, b, err)
	}
	db := openDB(t, dir)
	defer db.Close()
	ctx := context.Background()
	// Every batch is whole: as many current records as the batch accepted.
	rows, err := db.QueryContext(ctx, `SELECT b.id, b.rows_accepted, (SELECT COUNT(*) FROM records r WHERE r.batch_id = b.id) FROM batches b`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, accepted, have int
		rows.Scan(&id, &accepted, &have)
		if have != accepted {
			t.Errorf("batch %d: %d records, accepted %d (half-written)", id, have, accepted)
		}
	}
	rows.Close()
	var orphans, total, distinct, expected int
	db.QueryRow(`SELECT COUNT(*) FROM records WHERE batch_id IS NOT NULL AND batch_id NOT IN (SELECT id FROM batches)`).Scan(&orphans)
	db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT doc_no) FROM records`).Scan(&total, &distinct)
	for _, rows := range sent {
		expected += len(rows)
	}
	if orphans != 0 || total != distinct || distinct != expected {
		t.Fatalf("records: %d total, %d distinct, %d sent, %d orphans", total, distinct, expected, orphans)
	}
	// Entries are in states their timestamps support.
	var bad int
	db.QueryRow(`SELECT COUNT(*) FROM list_entries WHERE (state = 'active' AND activated_at IS NULL) OR (state IN ('notified','active') AND notified_at IS NULL)`).Scan(&bad)
	if bad != 0 {
		t.Fatalf("%d list entries in a state their history does not support", bad)
	}
	// An entry is paused exactly while an objection to it is open: filing
	// the objection and pausing commit together.
	var unpaused, orphanPause int
	db.QueryRow(`SELECT COUNT(*) FROM remedy_cases c JOIN list_entries e ON e.id = c.target_id WHERE c.kind = 'objection' AND c.target_kind = 'entry'
		AND c.state IN ('submitted','accepted','forwarded','verified','supplementing','resubmitted') AND e.paused = 0`).Scan(&unpaused)
	db.QueryRow(`SELECT COUNT(*) FROM list_entries e WHERE e.paused = 1 AND NOT EXISTS (SELECT 1 FROM remedy_cases c WHERE c.kind = 'objection'
		AND c.target_kind = 'entry' AND c.target_id = e.id)`).Scan(&orphanPause)
	if unpaused != 0 || orphanPause != 0 {
		t.Fatalf("objections: %d open without a paused entry, %d paused entries without an objection", unpaused, orphanPause)
	}
	// The change feed has no gaps: in the table (rows may span several
	// events) and as consumers read it.
	var n, minSeq, maxSeq int
	db.QueryRow(`SELECT COALESCE(SUM(span),0), COALESCE(MIN(seq),1), COALESCE(MAX(seq+span-1),0) FROM changes`).Scan(&n, &minSeq, &maxSeq)
	if n != maxSeq-minSeq+1 {
		t.Fatalf("change feed has gaps: %d events over seq %d..%d", n, minSeq, maxSeq)
	}
	feed := readFeed(t, base)
	for i, c := range feed {
		if c.Seq != int64(minSeq+i) {
			t.Fatalf("feed read through the API: event %d has seq %d, want %d", i, c.Seq, minSeq+i)
		}
	}
	if len(feed) != n {
		t.Fatalf("feed read through the API has %d events, the table %d", len(feed), n)
	}
}
