package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"time"

	"xinyong/internal/store"
)

type logReq struct {
	l    store.CheckLog
	done chan error
}

// ErrClosed is returned by Log after Close.
var ErrClosed = errors.New("check engine closed")

// NewCheckID returns a unique check id: a random node prefix, the time and
// a counter, so ids from several nodes never collide.
func (e *Engine) NewCheckID(now time.Time) string {
	return "CK" + e.idPre + strconv.FormatInt(now.UnixMilli(), 36) + strconv.FormatUint(e.idSeq.Add(1), 36)
}

func newIDPrefix() string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Log writes check logs durably and returns once they committed (group
// commit: the logger goroutine writes every check queued since its last
// commit in one transaction).
func (e *Engine) Log(ctx context.Context, ls ...store.CheckLog) error {
	done := make(chan error, len(ls))
	for _, l := range ls {
		select {
		case e.logc <- logReq{l: l, done: done}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var first error
	for range ls {
		select {
		case err := <-done:
			if first == nil {
				first = err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return first
}

func (e *Engine) logger(ctx context.Context) {
	batch := make([]logReq, 0, e.o.MaxLogBatch)
	logs := make([]store.CheckLog, 0, e.o.MaxLogBatch)
	for {
		batch, logs = batch[:0], logs[:0]
		select {
		case r := <-e.logc:
			batch = append(batch, r)
		case <-ctx.Done():
			e.drainClosed()
			return
		}
		// Linger briefly so that concurrent checks share one commit: a commit
		// costs far more than a row, so bigger batches mean more checks/s.
		linger := time.NewTimer(e.o.LogLinger)
	fill:
		for len(batch) < e.o.MaxLogBatch {
			select {
			case r := <-e.logc:
				batch = append(batch, r)
			case <-linger.C:
				break fill
			}
		}
		linger.Stop()
		for _, r := range batch {
			logs = append(logs, r.l)
		}
		// Not tied to ctx: a batch that was accepted is written even while
		// shutting down.
		wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := e.st.LogChecks(wctx, logs)
		cancel()
		for _, r := range batch {
			r.done <- err
		}
	}
}

// drainClosed fails requests still queued at shutdown.
func (e *Engine) drainClosed() {
	for {
		select {
		case r := <-e.logc:
			r.done <- ErrClosed
		default:
			return
		}
	}
}
