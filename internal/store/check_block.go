package store

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"xinyong/internal/bincode"
)

// Checks that returned no measure (most checks: the applicant is on no
// list) await no feedback. They are kept in check_blocks, up to
// checkBlockMax per row, instead of one check_log row each: a row per check
// with its two index entries cost the check journal's mover more CPU than
// the rest of the check's own work (docs/architecture.md, Check log). A
// block holds the checks of one department within one minute, so counts
// over a period read whole blocks except at the period's two edges.

const (
	checkBlockMax     = 1024
	checkBlockVersion = 1
	microsPerMinute   = int64(time.Minute / time.Microsecond)
)

// checkBlock is one row of check_blocks being built.
type checkBlock struct {
	minute          int64
	dept            string
	firstID         string
	firstAt, lastAt int64
	logs            []*CheckLog
}

// blocksOf splits logs into those that go into check_log (they returned
// measures) and blocks of the others, in a deterministic way: the same
// logs give the same blocks, so moving a journal segment again inserts
// nothing twice (check_blocks.first_id is unique).
func blocksOf(logs []CheckLog) (rows []CheckLog, blocks []*checkBlock) {
	var open []*checkBlock // blocks still taking checks, one per (dept, minute)
	for i := range logs {
		l := &logs[i]
		if len(l.Measures) > 0 {
			rows = append(rows, *l)
			continue
		}
		at := micros(l.At)
		minute := floorDiv(at, microsPerMinute)
		var b *checkBlock
		for _, o := range open {
			if o.minute == minute && o.dept == l.Dept {
				b = o
				break
			}
		}
		if b == nil {
			b = &checkBlock{minute: minute, dept: l.Dept, firstID: l.ID, firstAt: at, lastAt: at}
			open = append(open, b)
			blocks = append(blocks, b)
		}
		b.logs = append(b.logs, l)
		b.firstAt, b.lastAt = min(b.firstAt, at), max(b.lastAt, at)
		if len(b.logs) == checkBlockMax {
			for k, o := range open {
				if o == b {
					open = append(open[:k], open[k+1:]...)
					break
				}
			}
		}
	}
	return rows, blocks
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// encode writes the block's checks: a version byte, a table of the
// requesters and scenarios, then per check its id, time (delta from the
// previous check), requester, subject, subject id, scenario, as_of (delta
// from its time), digest (32 raw bytes when it is 64 lowercase hex digits)
// and rules version.
func (b *checkBlock) encode(buf []byte) []byte {
	buf = append(buf[:0], checkBlockVersion)
	var table []string
	index := func(s string) uint64 {
		for i, t := range table {
			if t == s {
				return uint64(i)
			}
		}
		table = append(table, s)
		return uint64(len(table) - 1)
	}
	for _, l := range b.logs {
		index(l.Requester)
		index(l.Scenario)
	}
	buf = binary.AppendUvarint(buf, uint64(len(table)))
	for _, s := range table {
		buf = bincode.AppendString(buf, s)
	}
	buf = binary.AppendUvarint(buf, uint64(len(b.logs)))
	prev := b.firstAt
	var raw [32]byte
	for _, l := range b.logs {
		at := micros(l.At)
		buf = bincode.AppendString(buf, l.ID)
		buf = binary.AppendVarint(buf, at-prev)
		prev = at
		buf = binary.AppendUvarint(buf, index(l.Requester))
		buf = bincode.AppendString(buf, l.Subject)
		buf = binary.AppendVarint(buf, l.SubjectID)
		buf = binary.AppendUvarint(buf, index(l.Scenario))
		buf = binary.AppendVarint(buf, micros(l.AsOf)-at)
		if len(l.Digest) == 64 && isLowerHex(l.Digest) {
			hex.Decode(raw[:], []byte(l.Digest))
			buf = append(buf, 0)
			buf = append(buf, raw[:]...)
		} else {
			buf = append(buf, 1)
			buf = bincode.AppendString(buf, l.Digest)
		}
		buf = binary.AppendVarint(buf, l.RulesVersion)
	}
	return buf
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

var errBadBlock = errors.New("check block: malformed")

// decodeCheckBlock returns the checks of a block (dept, first_at and data
// of its row), calling fn for each until fn returns false.
func decodeCheckBlock(dept string, firstAt int64, data []byte, fn func(CheckLog) bool) error {
	if len(data) == 0 || data[0] != checkBlockVersion {
		return errBadBlock
	}
	r := &bincode.Reader{B: data[1:], Bad: errBadBlock}
	nt := r.Uvarint()
	if nt > uint64(len(r.B)) {
		return errBadBlock
	}
	table := make([]string, 0, nt)
	for range nt {
		table = append(table, r.String())
	}
	pick := func() string {
		i := r.Uvarint()
		if i >= uint64(len(table)) {
			r.Fail()
			return ""
		}
		return table[i]
	}
	n := r.Uvarint()
	prev := firstAt
	for range n {
		if r.Err != nil {
			break
		}
		var l CheckLog
		l.ID = r.String()
		at := prev + r.Varint()
		prev = at
		l.At = fromMicros(at)
		l.Requester = pick()
		l.Dept = dept
		l.Subject = r.String()
		l.SubjectID = r.Varint()
		l.Scenario = pick()
		l.AsOf = fromMicros(at + r.Varint())
		switch kind := r.Next(1); {
		case r.Err != nil:
		case kind[0] == 0:
			l.Digest = hex.EncodeToString(r.Next(32))
		case kind[0] == 1:
			l.Digest = r.String()
		default:
			r.Fail()
		}
		l.RulesVersion = r.Varint()
		l.Measures = []string{}
		if r.Err != nil {
			break
		}
		if !fn(l) {
			return nil
		}
	}
	if r.Err == nil && len(r.B) != 0 {
		r.Fail()
	}
	return r.Err
}

// checkBlockSQL is the insert of one block; a block already there (the
// same journal segment moved again) is skipped.
const checkBlockSQL = `INSERT INTO check_blocks (minute, dept, first_id, first_at, last_at, n, data) VALUES (?,?,?,?,?,?,?) ON CONFLICT (first_id) DO NOTHING`

// checkIDMillis returns the time a check id was made (engine.NewCheckID:
// "CK", a five-character node prefix, the Unix milliseconds in base 36 —
// eight digits from 1972 to 2059 —, then a counter).
func checkIDMillis(id string) (int64, bool) {
	if len(id) < 16 || id[:2] != "CK" {
		return 0, false
	}
	ms, err := strconv.ParseInt(id[7:15], 36, 64)
	if err != nil || ms < 0 {
		return 0, false
	}
	return ms, true
}

// checkFromBlocks looks for a check without measures in check_blocks.
func (s *Store) checkFromBlocks(ctx context.Context, id string) (CheckLog, bool, error) {
	var found CheckLog
	ms, ok := checkIDMillis(id)
	if !ok || ms > math.MaxInt64/1000-1000 {
		return found, false, nil
	}
	lo, hi := ms*1000, ms*1000+999
	rows, err := s.query(ctx, `SELECT dept, first_at, data FROM check_blocks WHERE minute = ? AND first_at <= ? AND last_at >= ?`,
		floorDiv(lo, microsPerMinute), hi, lo)
	if err != nil {
		return found, false, fmt.Errorf("check blocks: %w", err)
	}
	defer rows.Close()
	hit := false
	for rows.Next() && !hit {
		var dept string
		var first int64
		var data []byte
		if err := rows.Scan(&dept, &first, &data); err != nil {
			return found, false, err
		}
		err := decodeCheckBlock(dept, first, data, func(l CheckLog) bool {
			if l.ID == id {
				found, hit = l, true
			}
			return !hit
		})
		if err != nil {
			return found, false, fmt.Errorf("check block of %s: %w", id, err)
		}
	}
	return found, hit, rows.Err()
}

// blockCheckCounts counts, per department, the checks without measures
// made in [from, to): whole blocks inside the period from their counts,
// blocks across one of its edges (they lie within the edge's minute)
// decoded.
func (s *Store) blockCheckCounts(ctx context.Context, from, to time.Time) (map[string]int64, error) {
	f, t := micros(from), int64(math.MaxInt64)
	if !to.IsZero() {
		t = micros(to)
	}
	out := map[string]int64{}
	err := s.each(ctx, `SELECT dept, SUM(n) FROM check_blocks WHERE minute >= ? AND minute <= ? AND first_at >= ? AND last_at < ? GROUP BY dept`,
		[]any{floorDiv(f, microsPerMinute), floorDiv(t, microsPerMinute), f, t}, func(sc func(...any) error) error {
			var d string
			var n int64
			if err := sc(&d, &n); err != nil {
				return err
			}
			out[d] += n
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("check block counts: %w", err)
	}
	err = s.each(ctx, `SELECT dept, first_at, data FROM check_blocks WHERE minute IN (?, ?) AND first_at < ? AND last_at >= ? AND (first_at < ? OR last_at >= ?)`,
		[]any{floorDiv(f, microsPerMinute), floorDiv(t, microsPerMinute), t, f, f, t}, func(sc func(...any) error) error {
			var d string
			var first int64
			var data []byte
			if err := sc(&d, &first, &data); err != nil {
				return err
			}
			return decodeCheckBlock(d, first, data, func(l CheckLog) bool {
				if at := micros(l.At); at >= f && at < t {
					out[d]++
				}
				return true
			})
		})
	if err != nil {
		return nil, fmt.Errorf("check block edges: %w", err)
	}
	return out, nil
}
