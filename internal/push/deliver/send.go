package deliver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"xinyong/internal/push"
	"xinyong/internal/store"
)

// UserAgent identifies the platform to receivers.
const UserAgent = "xinyong-push/1"

type result struct {
	ok     bool
	status int
	err    string
	dur    time.Duration
}

// send makes one signed POST of the event. A 2xx answer is success;
// anything else (including redirects and timeouts) is a failure.
func (w *Worker) send(ctx context.Context, url string, key []byte, e push.Event) result {
	body, err := push.Body(e)
	if err != nil {
		return result{err: "生成推送内容失败：" + err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return result{err: "接收地址无效：" + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	// The signed timestamp is the real send time: receivers check it
	// against their own clock.
	push.SetHeaders(req.Header, key, e.ID(), time.Now(), body)
	start := time.Now()
	resp, err := w.o.Client.Do(req)
	if err != nil {
		return result{err: clip("连接接收方失败："+err.Error(), 500), dur: time.Since(start)}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r := result{ok: resp.StatusCode >= 200 && resp.StatusCode < 300, status: resp.StatusCode, dur: time.Since(start)}
	if !r.ok {
		r.err = clip(fmt.Sprintf("接收方返回 HTTP %d：%s", resp.StatusCode, strings.TrimSpace(string(snippet))), 500)
	}
	return r
}

func (r result) delivery(subID int64, e push.Event, attempt int, manual bool, at time.Time) store.Delivery {
	return store.Delivery{SubscriptionID: subID, Seq: e.Seq, EventID: e.ID(), Kind: e.Kind, Attempt: attempt, Manual: manual,
		OK: r.ok, StatusCode: r.status, Error: r.err, DurationMS: r.dur.Milliseconds(), At: at.UTC()}
}

// clip shortens s to at most n bytes of valid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
