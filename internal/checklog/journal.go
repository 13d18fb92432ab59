// Package checklog is a node's append-only check journal: the durable record
// of every check, written before the answer is sent, at the cost of one
// write and one fdatasync per group of checks instead of a database commit.
//
// The journal is a directory of segment files <node>-<n>.ckj. The active
// segment takes appends; Seal closes it for appends and opens the next one;
// a sealed segment is moved into the database (check_log) by the caller and
// then removed. Every segment file is held under an exclusive flock by the
// process that wrote it until it is removed, so a node starting on the same
// directory takes over only the segments of dead processes (Orphans).
//
// Segment format: the 8-byte magic, then frames of
// [uint32 LE payload length][uint32 LE CRC-32C of the payload][payload].
// A crash can leave at most a torn last frame (appends are sequential and a
// failed append seals the segment); readers stop at the first frame that is
// incomplete or fails its checksum. A frame is acknowledged (Append returns)
// only after the write, and unless Options.NoSync the fdatasync, that
// covers it returned.
package checklog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"xinyong/internal/bincode"
	"xinyong/internal/store"
)

const (
	magic = "XYCKJ01\n"
	// Ext is the file name extension of segments.
	Ext     = ".ckj"
	tmpExt  = ".tmp"
	badExt  = ".bad"
	version = 1
	// maxFrame bounds one record: a frame header claiming more is corrupt.
	maxFrame = 1 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrClosed is returned by Append and Seal after Close.
var ErrClosed = errors.New("check journal closed")

// Options tune a journal.
type Options struct {
	// NoSync skips the fdatasync after each append: an acknowledged append
	// is then in the operating system's page cache, durable against a crash
	// of the process but not against a power loss until Segment.Sync (the
	// guarantee of an SQLite commit with synchronous=NORMAL).
	NoSync bool
}

// Journal is the append side of one node's journal. Append and Seal are
// safe for concurrent use (they serialise on a mutex).
type Journal struct {
	dir, node string
	o         Options

	mu     sync.Mutex
	active *Segment
	n      int        // records in the active segment
	seq    int        // number of the active segment
	failed []*Segment // sealed after a failed append, not yet handed out
	buf    []byte
	closed bool
}

// Segment is a journal file held under the lock of this process.
type Segment struct {
	Path string
	f    *os.File
}

// Open creates dir if needed and starts a new active segment for node
// (a name unique among live processes, e.g. the check id prefix).
func Open(dir, node string, o Options) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("check journal: %w", err)
	}
	j := &Journal{dir: dir, node: node, o: o}
	if err := j.startSegment(); err != nil {
		return nil, err
	}
	return j, nil
}

// Dir is the journal directory.
func (j *Journal) Dir() string { return j.dir }

// startSegment creates the next segment under a temporary name, locks it,
// makes it durable and only then gives it its final name, so that no other
// process ever sees an unlocked live segment.
func (j *Journal) startSegment() error {
	for {
		j.seq++
		name := filepath.Join(j.dir, fmt.Sprintf("%s-%08d%s", j.node, j.seq, Ext))
		if _, err := os.Stat(name); err == nil {
			continue
		}
		tmp := name + tmpExt
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_RDWR|os.O_APPEND, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check journal: %w", err)
		}
		fail := func(err error) error {
			f.Close()
			os.Remove(tmp)
			return fmt.Errorf("check journal: %w", err)
		}
		if ok, err := tryLock(f); err != nil || !ok {
			return fail(fmt.Errorf("lock %s: %v", tmp, err))
		}
		if _, err := f.WriteString(magic); err != nil {
			return fail(err)
		}
		if err := f.Sync(); err != nil {
			return fail(err)
		}
		if err := os.Rename(tmp, name); err != nil {
			return fail(err)
		}
		if err := syncDir(j.dir); err != nil {
			f.Close()
			return fmt.Errorf("check journal: %w", err)
		}
		j.active, j.n = &Segment{Path: name, f: f}, 0
		return nil
	}
}

// Append writes logs as one write and makes them durable with one
// fdatasync. When it returns nil every log is on stable storage. After a
// failed write or sync the segment is sealed (its tail may be torn: later
// appends go to a new segment) and handed out by the next Seal.
func (j *Journal) Append(logs []store.CheckLog) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	if j.active == nil {
		// A previous failure could not start a new segment: try again.
		if err := j.startSegment(); err != nil {
			return err
		}
	}
	b := j.buf[:0]
	for i := range logs {
		b = appendFrame(b, &logs[i])
	}
	j.buf = b
	_, err := j.active.f.Write(b)
	if err == nil && !j.o.NoSync {
		err = datasync(j.active.f)
	}
	if err != nil {
		err = fmt.Errorf("check journal append: %w", err)
		j.failed = append(j.failed, j.active)
		j.active = nil
		if serr := j.startSegment(); serr != nil {
			return errors.Join(err, serr)
		}
		return err
	}
	j.n += len(logs)
	return nil
}

// Seal closes the active segment for appends (when it holds records) and
// starts a new one. It returns the segments sealed since the last call,
// oldest first, for the caller to move and remove.
func (j *Journal) Seal() ([]*Segment, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	out := j.failed
	j.failed = nil
	if j.active == nil {
		return out, j.startSegment()
	}
	if j.n == 0 {
		return out, nil
	}
	out = append(out, j.active)
	j.active = nil
	return out, j.startSegment()
}

// Close stops appends and returns the segments still to move (an empty
// active segment is removed).
func (j *Journal) Close() ([]*Segment, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, nil
	}
	j.closed = true
	out := j.failed
	j.failed = nil
	s := j.active
	j.active = nil
	if s == nil {
		return out, nil
	}
	if j.n == 0 {
		return out, s.Remove()
	}
	return append(out, s), nil
}

// Orphans locks and returns the segments in dir that no live process holds
// (left by a crash or an unclean stop), oldest first by name. Leftover
// temporary files of unborn segments are removed.
func Orphans(dir string) ([]*Segment, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check journal: %w", err)
	}
	var out []*Segment
	for _, e := range ents {
		name := e.Name()
		tmp := strings.HasSuffix(name, Ext+tmpExt)
		if e.IsDir() || !strings.HasSuffix(name, Ext) && !tmp {
			continue
		}
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			continue // removed meanwhile by its owner
		}
		if err != nil {
			closeAll(out)
			return nil, fmt.Errorf("check journal: %w", err)
		}
		ok, err := tryLock(f)
		if err != nil || !ok {
			f.Close()
			continue // a live process holds it
		}
		// Held now: it may have been removed between ReadDir and the lock by
		// its owner after a move; only a file still linked counts.
		if st, err := os.Stat(p); err != nil || !sameFile(f, st) {
			f.Close()
			continue
		}
		if tmp {
			os.Remove(p) // never renamed: it holds no acknowledged record
			f.Close()
			continue
		}
		out = append(out, &Segment{Path: p, f: f})
	}
	return out, nil
}

func sameFile(f *os.File, st os.FileInfo) bool {
	fst, err := f.Stat()
	return err == nil && os.SameFile(fst, st)
}

func closeAll(ss []*Segment) {
	for _, s := range ss {
		s.f.Close()
	}
}

// Read returns the records of a segment. torn is the number of bytes after
// the last good frame (a torn tail, or corruption).
func (s *Segment) Read() (logs []store.CheckLog, torn int64, err error) {
	return s.ReadInto(nil, nil)
}

// ReadInto is Read appending to logs and reading through *buf (both kept by
// a caller that reads many segments, to spare the garbage).
func (s *Segment) ReadInto(logs []store.CheckLog, buf *[]byte) ([]store.CheckLog, int64, error) {
	st, err := s.f.Stat()
	if err != nil {
		return logs, 0, err
	}
	var b []byte
	if buf != nil && int64(cap(*buf)) >= st.Size() {
		b = (*buf)[:st.Size()]
	} else {
		b = make([]byte, st.Size())
		if buf != nil {
			*buf = b
		}
	}
	n, err := s.f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return logs, 0, fmt.Errorf("read %s: %w", s.Path, err)
	}
	b = b[:n]
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		return logs, int64(len(b)), nil
	}
	b = b[len(magic):]
	d := decoder{intern: map[string]string{}}
	for len(b) >= 8 {
		n := binary.LittleEndian.Uint32(b)
		sum := binary.LittleEndian.Uint32(b[4:])
		if n == 0 || n > maxFrame || int(n) > len(b)-8 {
			break
		}
		p := b[8 : 8+n]
		if crc32.Checksum(p, castagnoli) != sum {
			break
		}
		l, err := d.decode(p)
		if err != nil {
			break
		}
		logs = append(logs, l)
		b = b[8+n:]
	}
	return logs, int64(len(b)), nil
}

// Sync makes a sealed segment durable (fdatasync).
func (s *Segment) Sync() error { return datasync(s.f) }

// Remove deletes a segment whose records are in the database, then drops
// its lock.
func (s *Segment) Remove() error {
	err := os.Remove(s.Path)
	s.f.Close()
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Quarantine keeps a segment with unreadable bytes for inspection under a
// name no node reads again (its good records are in the database).
func (s *Segment) Quarantine() error {
	bad := s.Path + "." + strconv.FormatInt(time.Now().Unix(), 10) + badExt
	err := os.Rename(s.Path, bad)
	s.f.Close()
	return err
}

// Release drops the lock without removing the segment (another process or
// the next start moves it).
func (s *Segment) Release() { s.f.Close() }

func appendFrame(b []byte, l *store.CheckLog) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)
	b = append(b, version)
	b = bincode.AppendString(b, l.ID)
	b = binary.AppendVarint(b, l.At.UnixMicro())
	b = bincode.AppendString(b, l.Requester)
	b = bincode.AppendString(b, l.Dept)
	b = bincode.AppendString(b, l.Subject)
	b = binary.AppendVarint(b, l.SubjectID)
	b = bincode.AppendString(b, l.Scenario)
	b = binary.AppendVarint(b, l.AsOf.UnixMicro())
	b = binary.AppendUvarint(b, uint64(len(l.Measures)))
	for _, m := range l.Measures {
		b = bincode.AppendString(b, m)
	}
	b = bincode.AppendString(b, l.Digest)
	b = binary.AppendVarint(b, l.RulesVersion)
	p := b[start+8:]
	binary.LittleEndian.PutUint32(b[start:], uint32(len(p)))
	binary.LittleEndian.PutUint32(b[start+4:], crc32.Checksum(p, castagnoli))
	return b
}

var errBad = errors.New("bad check journal record")

type reader struct {
	bincode.Reader
	intern map[string]string
}

// common returns a string that repeats across records (requester, dept,
// scenario, measure codes) once per segment.
func (r *reader) common() string {
	b := r.Bytes()
	if s, ok := r.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.intern) < 4096 {
		r.intern[s] = s
	}
	return s
}

type decoder struct{ intern map[string]string }

func (d *decoder) decode(p []byte) (store.CheckLog, error) {
	var l store.CheckLog
	if len(p) == 0 || p[0] != version {
		return l, errBad
	}
	r := &reader{Reader: bincode.Reader{B: p[1:], Bad: errBad}, intern: d.intern}
	l.ID = r.String()
	l.At = time.UnixMicro(r.Varint()).UTC()
	l.Requester = r.common()
	l.Dept = r.common()
	l.Subject = r.String()
	l.SubjectID = r.Varint()
	l.Scenario = r.common()
	l.AsOf = time.UnixMicro(r.Varint()).UTC()
	n := r.Uvarint()
	if n > uint64(len(r.B)) {
		return l, errBad
	}
	l.Measures = make([]string, 0, n)
	for range n {
		l.Measures = append(l.Measures, r.common())
	}
	l.Digest = r.String()
	l.RulesVersion = r.Varint()
	if r.Err != nil || len(r.B) != 0 {
		return l, errBad
	}
	return l, nil
}
