package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyPipe sends an import's COPY commands to PostgreSQL back to back
// without waiting for each one's result: the server works through them
// while the writer sends the next. Waiting for each result (pgx CopyFrom)
// left the backend idle between chunks for as long as the client took to
// wake up and send the next one, about a quarter of an import on a busy
// machine (docs/benchmarks.md, Ingest, session 9).
//
// The results are read by a goroutine of the pipe and checked by drain,
// which every other use of the connection runs first (Tx.exec, query,
// queryRow, bulkInsert, serialize, and the end of Tx.run): in between,
// the pipe owns the connection. A failed COPY aborts the transaction; the
// server then answers each COPY still queued with an error and ignores its
// data (copy messages outside copy mode are discarded, per protocol), and
// drain reports the first error.
type copyPipe struct {
	conn  net.Conn
	fe    *pgproto3.Frontend
	queue chan pendingCopy // sent, result not read; nil while no reader runs
	done  chan error       // the reader's first error, once the queue is read
	// unwatch stops closing the connection when the transaction's context
	// ends (set while COPY commands are in flight: nothing else would
	// interrupt a write to a server that has stopped reading).
	unwatch func() bool

	mu     sync.Mutex
	failed error // first error seen by the reader so far
}

// pendingCopy is a COPY sent whose result the reader has yet to check.
type pendingCopy struct {
	table string
	rows  int64
}

// copyPipeDepth bounds the COPY commands in flight: the writer waits when
// that many are unanswered.
const copyPipeDepth = 64

// pipe returns the transaction's COPY pipe (PostgreSQL, in a connection
// transaction) with its reader running. When no COPY is in flight, the
// connection may have been used through pgx since the last drain: pgx's
// reads are synced first (SyncConn), so that none is buffered or in
// progress.
func (tx *Tx) pipe() (*copyPipe, error) {
	if tx.copies != nil && tx.copies.queue != nil {
		return tx.copies, nil
	}
	if tx.conn == nil {
		return nil, errors.New("copy: not a connection transaction")
	}
	p := tx.copies
	if p == nil {
		p = &copyPipe{}
	}
	err := tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("copy: not a pgx connection")
		}
		pc := c.Conn().PgConn()
		if err := pc.SyncConn(tx.ctx); err != nil {
			return err
		}
		// Kept past Raw: the transaction holds the connection to itself,
		// and database/sql reaches it again only after drain.
		p.conn, p.fe = pc.Conn(), pc.Frontend()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	p.queue, p.done = make(chan pendingCopy, copyPipeDepth), make(chan error, 1)
	go p.read(p.queue, p.done)
	conn := p.conn
	p.unwatch = context.AfterFunc(tx.ctx, func() { conn.Close() })
	tx.copies = p
	return p, nil
}

// send queues one COPY of rows rows of table: the statement pre (or "")
// and the COPY in one query, then data (the rows in COPY's binary format,
// with header and trailer) as one CopyData message, and CopyDone. It
// returns without waiting for the server, unless an earlier COPY of the
// pipe has already failed.
func (p *copyPipe) send(pre, table string, cols []string, data net.Buffers, rows int) error {
	if err := p.err(); err != nil {
		return err
	}
	q := "COPY " + quoteIdent(table) + " (" + quoteIdents(cols) + ") FROM STDIN (FORMAT binary)"
	if pre != "" {
		q = pre + "; " + q
	}
	size := 0
	for _, b := range data {
		size += len(b)
	}
	head := make([]byte, 0, len(q)+16)
	head = append(binary.BigEndian.AppendUint32(append(head, 'Q'), uint32(4+len(q)+1)), q...)
	head = append(head, 0)
	head = binary.BigEndian.AppendUint32(append(head, 'd'), uint32(4+size))
	msgs := make(net.Buffers, 0, len(data)+2)
	msgs = append(append(append(msgs, head), data...), []byte{'c', 0, 0, 0, 4})
	p.queue <- pendingCopy{table, int64(rows)}
	if _, err := msgs.WriteTo(p.conn); err != nil {
		// The connection is unusable: close it so that the reader ends
		// and the transaction is rolled back by the server.
		p.conn.Close()
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	return nil
}

// read checks the results of the queued COPY commands in order: each ends
// with ReadyForQuery, after the COPY's CommandComplete or an error.
func (p *copyPipe) read(queue <-chan pendingCopy, done chan<- error) {
	var broken error
	for c := range queue {
		if broken != nil {
			continue // nothing more can be read; let the writer go on to drain
		}
		var tag string
		var failed error
		for {
			msg, err := p.fe.Receive()
			if err != nil {
				broken = fmt.Errorf("copy into %s: %w", c.table, err)
				p.fail(broken)
				break
			}
			switch m := msg.(type) {
			case *pgproto3.CommandComplete:
				tag = string(m.CommandTag)
			case *pgproto3.ErrorResponse:
				if failed == nil {
					failed = pgconn.ErrorResponseToPgError(m)
				}
			}
			if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
				break
			}
		}
		switch {
		case broken != nil:
		case failed != nil:
			p.fail(fmt.Errorf("copy into %s: %w", c.table, failed))
		case tag != "COPY "+strconv.FormatInt(c.rows, 10):
			p.fail(fmt.Errorf("copy into %s: %q for %d rows", c.table, tag, c.rows))
		}
	}
	done <- p.err()
}

func (p *copyPipe) fail(err error) {
	p.mu.Lock()
	if p.failed == nil {
		p.failed = err
	}
	p.mu.Unlock()
}

func (p *copyPipe) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed
}

// drain waits for the results of all COPY commands sent and returns the
// first error; the connection is then free for other statements.
func (p *copyPipe) drain() error {
	if p.queue == nil {
		return p.err()
	}
	close(p.queue)
	err := <-p.done
	p.unwatch()
	p.queue, p.done, p.unwatch = nil, nil, nil
	return err
}

// drain waits for the transaction's COPY commands in flight, if any (see
// copyPipe).
func (tx *Tx) drain() error {
	if tx.copies == nil {
		return nil
	}
	return tx.copies.drain()
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func quoteIdents(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}
