package checklog

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/store"
)

func logs(from, n int) []store.CheckLog {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891011000, time.UTC)
	out := make([]store.CheckLog, n)
	for i := range out {
		k := from + i
		out[i] = store.CheckLog{ID: fmt.Sprintf("CKTEST%06d", k), At: at.Add(time.Duration(k) * time.Microsecond), Requester: "token:7",
			Dept: "ggzy", Subject: "91350100M000100Y43", SubjectID: int64(k), Scenario: "procurement", AsOf: at.Add(-time.Hour),
			Measures: []string{}, Digest: fmt.Sprintf("%064x", k), RulesVersion: 3}
		if k%3 == 0 {
			out[i].Measures = []string{"P-COURT-011", "P-GEN-003"}
			out[i].Dept = "" // an operator's check
		}
	}
	return out
}

func readAll(t *testing.T, segs []*Segment) []store.CheckLog {
	t.Helper()
	var out []store.CheckLog
	for _, s := range segs {
		ls, torn, err := s.Read()
		if err != nil || torn != 0 {
			t.Fatalf("read %s: %v, %d torn bytes", s.Path, err, torn)
		}
		out = append(out, ls...)
	}
	return out
}

func TestAppendSealRead(t *testing.T) {
	dir := t.TempDir()
	j, err := Open(dir, "NODE1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if segs, err := j.Seal(); err != nil || len(segs) != 0 {
		t.Fatalf("empty journal sealed %d segments: %v", len(segs), err)
	}
	if err := j.Append(logs(0, 5)); err != nil {
		t.Fatal(err)
	}
	if err := j.Append(logs(5, 1)); err != nil {
		t.Fatal(err)
	}
	first, err := j.Seal()
	if err != nil || len(first) != 1 {
		t.Fatalf("seal: %d segments, %v", len(first), err)
	}
	if err := j.Append(logs(6, 4)); err != nil {
		t.Fatal(err)
	}
	rest, err := j.Close()
	if err != nil || len(rest) != 1 {
		t.Fatalf("close: %d segments, %v", len(rest), err)
	}
	if err := j.Append(logs(10, 1)); err != ErrClosed {
		t.Errorf("append after close: %v", err)
	}
	got := readAll(t, append(first, rest...))
	if diff := cmp.Diff(logs(0, 10), got); diff != "" {
		t.Errorf("records differ (-want +got):\n%s", diff)
	}
	for _, s := range append(first, rest...) {
		if err := s.Remove(); err != nil {
			t.Fatal(err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left after removing every segment: %v", ents)
	}
}

// A crash leaves the segments of the dead process unlocked: another journal
// on the same directory takes them over, but never a live one's.
func TestOrphansAfterCrash(t *testing.T) {
	dir := t.TempDir()
	dead, err := Open(dir, "DEAD1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := dead.Append(logs(0, 3)); err != nil {
		t.Fatal(err)
	}
	live, err := Open(dir, "LIVE1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Append(logs(100, 2)); err != nil {
		t.Fatal(err)
	}
	if o, err := Orphans(dir); err != nil || len(o) != 0 {
		t.Fatalf("live segments taken as orphans: %d %v", len(o), err)
	}
	// The dead process: its file stays, its lock goes (as at a crash).
	dead.active.f.Close()
	// A torn append of the dead process: half a frame after the good ones.
	f, err := os.OpenFile(dead.active.Path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	frame := appendFrame(nil, &logs(3, 1)[0])
	f.Write(frame[:len(frame)-5])
	f.Close()
	// And an unborn segment (crash between create and rename).
	os.WriteFile(filepath.Join(dir, "DEAD1-00000002"+Ext+tmpExt), []byte(magic), 0o600)

	o, err := Orphans(dir)
	if err != nil || len(o) != 1 || o[0].Path != dead.active.Path {
		t.Fatalf("orphans: %v %v", o, err)
	}
	got, torn, err := o[0].Read()
	if err != nil || torn != int64(len(frame)-5) {
		t.Fatalf("read orphan: %v, torn %d", err, torn)
	}
	if diff := cmp.Diff(logs(0, 3), got); diff != "" {
		t.Errorf("orphan records (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "DEAD1-00000002"+Ext+tmpExt)); !os.IsNotExist(err) {
		t.Errorf("unborn segment not cleaned: %v", err)
	}
	// Held by this call now: a second look does not return it again.
	if o2, _ := Orphans(dir); len(o2) != 0 {
		t.Errorf("held orphan returned twice")
	}
	if err := o[0].Quarantine(); err != nil {
		t.Fatal(err)
	}
	if o3, _ := Orphans(dir); len(o3) != 0 {
		t.Errorf("quarantined segment returned as orphan")
	}
	segs, _ := live.Close()
	if got := readAll(t, segs); len(got) != 2 {
		t.Errorf("live journal lost records: %d", len(got))
	}
}

// A corrupt byte inside a frame stops reading there: no record is made up.
func TestCorruptFrame(t *testing.T) {
	dir := t.TempDir()
	j, err := Open(dir, "NODE1", Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if err := j.Append(logs(i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	segs, _ := j.Close()
	b, _ := os.ReadFile(segs[0].Path)
	good := len(magic) + len(appendFrame(nil, &logs(0, 1)[0])) + len(appendFrame(nil, &logs(1, 1)[0]))
	b[good+12] ^= 0xff // inside the third record
	os.WriteFile(segs[0].Path, b, 0o600)
	got, torn, err := segs[0].Read()
	if err != nil || len(got) != 2 || torn != int64(len(b)-good) {
		t.Fatalf("read: %d records, torn %d, %v", len(got), torn, err)
	}
	if diff := cmp.Diff(logs(0, 2), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func BenchmarkAppend(b *testing.B) {
	j, err := Open(b.TempDir(), "BENCH", Options{})
	if err != nil {
		b.Fatal(err)
	}
	batch := logs(0, 64)
	b.ResetTimer()
	for range b.N {
		if err := j.Append(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	segs, _ := j.Close()
	for _, s := range segs {
		s.Remove()
	}
}
