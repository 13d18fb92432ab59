package pii

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenHash(t *testing.T) {
	k := make([]byte, 32)
	p, err := New(k)
	if err != nil {
		t.Fatal(err)
	}
	id := "11010519491231002X"
	s1, s2 := p.Seal(id), p.Seal(id)
	if s1 == s2 || strings.Contains(s1, id) {
		t.Fatal("seal must be randomised and opaque")
	}
	if got, err := p.Open(s1); err != nil || got != id {
		t.Fatalf("open: %q %v", got, err)
	}
	if p.Hash("id_card", id) != p.Hash("id_card", id) || p.Hash("id_card", id) == p.Hash("passport", id) {
		t.Fatal("hash must be deterministic and kind-scoped")
	}
	k2 := make([]byte, 32)
	k2[0] = 1
	p2, _ := New(k2)
	if _, err := p2.Open(s1); err == nil {
		t.Fatal("wrong key must fail")
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadOrCreateKey("", dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "xinyong.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
	k2, _ := LoadOrCreateKey("", dir)
	if string(k1) != string(k2) {
		t.Fatal("key must persist")
	}
	if _, err := LoadOrCreateKey("bm90LWEta2V5", dir); err == nil {
		t.Fatal("short key must fail")
	}
}
