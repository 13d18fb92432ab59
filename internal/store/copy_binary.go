package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"sync"
)

// An import on PostgreSQL encodes its rows in COPY's binary format on the
// planner goroutine (copyEncoder), so that the writer only streams bytes:
// pgx's generic encoder ran on the writer, in series with the server
// (docs/benchmarks.md, Ingest, session 6).

// PostgreSQL type OIDs of the columns an import writes.
const (
	oidBool    = 16
	oidInt8    = 20
	oidInt2    = 21
	oidInt4    = 23
	oidText    = 25
	oidVarchar = 1043
)

// copySignature starts a binary COPY stream: signature, flags, header
// extension length.
var copySignature = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// copyEncoder knows the column types of the tables an import writes.
type copyEncoder struct {
	types map[string]map[string]uint32 // table → column → type OID
}

// newCopyEncoder reads the column types of tables (in the transaction).
func (tx *Tx) newCopyEncoder(tables ...string) (*copyEncoder, error) {
	e := &copyEncoder{types: map[string]map[string]uint32{}}
	for _, table := range tables {
		rs, err := tx.query(`SELECT attname, CAST(atttypid AS BIGINT) FROM pg_attribute WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped`, table)
		if err != nil {
			return nil, fmt.Errorf("column types of %s: %w", table, err)
		}
		cols := map[string]uint32{}
		for rs.Next() {
			var name string
			var oid int64
			if err := rs.Scan(&name, &oid); err != nil {
				rs.Close()
				return nil, err
			}
			cols[name] = uint32(oid)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
		e.types[table] = cols
	}
	return e, nil
}

// oids returns the type OIDs of table's columns cols.
func (e *copyEncoder) oids(table string, cols []string) ([]uint32, error) {
	oids := make([]uint32, len(cols))
	for i, c := range cols {
		oid, ok := e.types[table][c]
		if !ok {
			return nil, fmt.Errorf("copy into %s: no column %s", table, c)
		}
		oids[i] = oid
	}
	return oids, nil
}

// encode returns rows of table as a binary COPY stream.
func (e *copyEncoder) encode(table string, cols []string, rows [][]any) ([]byte, error) {
	oids, err := e.oids(table, cols)
	if err != nil {
		return nil, err
	}
	b := append(tableBufs.get(64+len(rows)*len(cols)*24), copySignature...)
	for _, r := range rows {
		if len(r) != len(cols) {
			return nil, fmt.Errorf("copy into %s: %d values for %d columns", table, len(r), len(cols))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(r)))
		var bad int
		if b, bad, err = appendCopyValues(b, oids, r); err != nil {
			return nil, fmt.Errorf("copy into %s, column %s: %w", table, cols[bad], err)
		}
	}
	return binary.BigEndian.AppendUint16(b, 0xffff), nil
}

// appendCopyValues appends the fields vals of a row (without the field
// count), vals[i] of type oids[i]; on error, the index of the bad value.
func appendCopyValues(b []byte, oids []uint32, vals []any) ([]byte, int, error) {
	for i, v := range vals {
		var err error
		if b, err = appendCopyValue(b, oids[i], v); err != nil {
			return nil, i, err
		}
	}
	return b, 0, nil
}

// appendCopyValue appends one field: its length (-1 for NULL) and its
// binary form for the column's type.
func appendCopyValue(b []byte, oid uint32, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return binary.BigEndian.AppendUint32(b, math.MaxUint32), nil
	case string:
		if oid != oidText && oid != oidVarchar {
			return nil, fmt.Errorf("text for type %d", oid)
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		return append(b, x...), nil
	case bool:
		return appendCopyBool(b, oid, x)
	case int:
		return appendCopyInt(b, oid, int64(x))
	case int64:
		return appendCopyInt(b, oid, x)
	default:
		return nil, fmt.Errorf("unsupported value %T", v)
	}
}

// copyRow appends a row's fields of the types oids in order; after an
// error it appends nothing more and i is the bad field's index.
type copyRow struct {
	b    []byte
	oids []uint32
	i    int
	err  error
}

func (w *copyRow) text(s string) {
	if w.err != nil {
		return
	}
	if oid := w.oids[w.i]; oid != oidText && oid != oidVarchar {
		w.err = fmt.Errorf("text for type %d", oid)
		return
	}
	w.b = append(binary.BigEndian.AppendUint32(w.b, uint32(len(s))), s...)
	w.i++
}

func (w *copyRow) int(n int64) {
	if w.err != nil {
		return
	}
	if w.b, w.err = appendCopyInt(w.b, w.oids[w.i], n); w.err == nil {
		w.i++
	}
}

// textOrNull appends s, or NULL when s is "" (as nullStr binds it).
func (w *copyRow) textOrNull(s string) {
	if s == "" {
		w.null()
		return
	}
	w.text(s)
}

func (w *copyRow) null() {
	if w.err == nil {
		w.b = binary.BigEndian.AppendUint32(w.b, math.MaxUint32)
		w.i++
	}
}

// intIf appends n, or NULL when not ok.
func (w *copyRow) intIf(ok bool, n int64) {
	if w.err != nil {
		return
	}
	if !ok {
		w.null()
		return
	}
	w.int(n)
}

func appendCopyBool(b []byte, oid uint32, x bool) ([]byte, error) {
	if oid != oidBool {
		return nil, fmt.Errorf("bool for type %d", oid)
	}
	c := byte(0)
	if x {
		c = 1
	}
	return append(binary.BigEndian.AppendUint32(b, 1), c), nil
}

func appendCopyInt(b []byte, oid uint32, n int64) ([]byte, error) {
	switch oid {
	case oidInt8:
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(n)), nil
	case oidInt4:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, fmt.Errorf("%d out of range for integer", n)
		}
		return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(b, 4), uint32(int32(n))), nil
	case oidInt2:
		if n < math.MinInt16 || n > math.MaxInt16 {
			return nil, fmt.Errorf("%d out of range for smallint", n)
		}
		return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint32(b, 2), uint16(int16(n))), nil
	}
	return nil, fmt.Errorf("integer for type %d", oid)
}

// An import's COPY buffers (a chunk's rows, a few MB each) are reused:
// fresh memory of that size costs more to fault in and clear than encoding
// into it (docs/benchmarks.md, Ingest, session 7). Each use has its own
// pool, so that a buffer comes back to requests of about its size: a
// pooled buffer too small for a request is dropped, not put back, so a
// pool holds only buffers its use can take.
type bufPool struct{ p sync.Pool }

var (
	rowBufs   bufPool // a chunk's encoded record data columns (prepare)
	keyBufs   bufPool // a chunk's encoded record key columns (write)
	tableBufs bufPool // other rows encoded for COPY (copyEncoder.encode)
)

// get returns an empty buffer of at least capacity n.
func (bp *bufPool) get(n int) []byte {
	if p, ok := bp.p.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]byte, 0, n)
}

// put gives back a buffer from get once nothing refers to it.
func (bp *bufPool) put(b []byte) {
	if cap(b) == 0 {
		return
	}
	b = b[:0]
	bp.p.Put(&b)
}

// slabPool reuses a chunk's large slices of structs (thousands of rows of
// hundreds of bytes), for the same reason as bufPool.
type slabPool[T any] struct{ p sync.Pool }

// get returns a zeroed slice of length n.
func (s *slabPool[T]) get(n int) []T {
	if b, ok := s.p.Get().(*[]T); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]T, n)
}

// put gives back a slice from get once nothing refers to its elements.
func (s *slabPool[T]) put(b []T) {
	if cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	clear(b)
	s.p.Put(&b)
}

// copyEncoded sends n rows encoded for COPY (binary format, with header
// and trailer, as the segments data) into table, after the statement pre
// (or "") in the same query (PostgreSQL, in a connection transaction). It
// returns once the bytes are sent: the transaction's copyPipe checks the
// result while the writer goes on, so data may be reused at once.
func (tx *Tx) copyEncoded(pre, table string, cols []string, data net.Buffers, n int) error {
	p, err := tx.pipe()
	if err != nil {
		return err
	}
	return p.send(pre, table, cols, data, n)
}

// insertOp returns the write of rows into table for the writer goroutine,
// after the statement pre (or ""): on PostgreSQL the rows are encoded now
// (on the caller, the planner) and the write streams them behind pre; on
// SQLite it is insertEach.
func (in *ingester) insertOp(pre, table string, cols []string, rows [][]any, lits inline) (func() error, error) {
	tx := in.tx
	if in.copier == nil || len(rows) == 0 {
		return func() error {
			if pre != "" {
				if _, err := tx.exec(pre); err != nil {
					return err
				}
			}
			if len(rows) == 0 {
				return nil
			}
			return tx.insertEach(in.stmts, table, cols, rows, lits)
		}, nil
	}
	data, err := in.copier.encode(table, cols, rows)
	if err != nil {
		return nil, err
	}
	return func() error {
		defer tableBufs.put(data)
		return tx.copyEncoded(pre, table, cols, net.Buffers{data}, len(rows))
	}, nil
}
