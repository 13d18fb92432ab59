package cli

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidate(t *testing.T) {
	code, out, _ := run(t, "validate", "91350100M000100Y43", "11010519491231002X", "91350100M000100Y4Z", "123")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want one line per argument:\n%s", out)
	}
	for i, want := range []string{"有效", "有效", "无效", "无效"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d %q lacks %q", i, lines[i], want)
		}
	}
	if strings.Contains(out, "11010519491231002X") || !strings.Contains(lines[1], "1101**********002X") {
		t.Errorf("ID number must be masked in output:\n%s", out)
	}
	if code, _, _ := run(t, "validate", "91350100M000100Y43"); code != 0 {
		t.Fatalf("all valid: exit %d", code)
	}
	if code, _, _ := run(t, "validate"); code != 2 {
		t.Fatalf("no args: exit %d", code)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for name := range commands {
		args := []string{name, "--help"}
		if name == "audit" {
			args = []string{"audit", "verify", "--help"}
		}
		code, out, errOut := run(t, args...)
		if code != 0 && code != 2 {
			t.Errorf("%s --help: exit %d", name, code)
		}
		if !strings.Contains(out+errOut, "xinyong") && !strings.Contains(out+errOut, "用法") {
			t.Errorf("%s --help printed nothing useful: %q", name, out+errOut)
		}
	}
	if code, _, _ := run(t, "nope"); code != 2 {
		t.Fatal("unknown command must exit 2")
	}
}

func TestAuditVerifyCLI(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := run(t, "demo", "--data", dir, "--subjects", "50"); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	code, out, _ := run(t, "audit", "verify", "--data", dir)
	if code != 0 || !strings.Contains(out, "完好") {
		t.Fatalf("intact: %d %s", code, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "xinyong.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, _ = run(t, "audit", "verify", "--data", dir)
	if code != 1 || !strings.Contains(out, "seq 2") {
		t.Fatalf("tampered: %d %s", code, out)
	}
}

func TestServeRefusesOldSchemaAndBadConfig(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	db, _ := sql.Open("sqlite", filepath.Join(dir, "xinyong.db"))
	db.Exec("DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)")
	db.Close()
	code, _, errOut := run(t, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "xinyong migrate") {
		t.Fatalf("old schema: exit %d: %s", code, errOut)
	}
	code, out, _ := run(t, "migrate", "--data", dir, "--status")
	if code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("status: %s", out)
	}
	code, _, errOut = run(t, "serve", "--data", dir, "--addr", "nonsense", "--db", "mysql://x")
	if code != 1 || !strings.Contains(errOut, "--addr") || !strings.Contains(errOut, "--db") {
		t.Fatalf("bad config must list every problem: %d %s", code, errOut)
	}
}

func TestBootstrapToken(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		secret := "bootstrap-token-for-automation-0001"
		for i := 0; i < 2; i++ { // idempotent
			if err := ensureBootstrapToken(ctx, s, secret); err != nil {
				t.Fatal(err)
			}
		}
		p, err := s.TokenPrincipal(ctx, secret)
		if err != nil || p.Role != "operator" {
			t.Fatalf("bootstrap token: %+v %v", p, err)
		}
		ts, _ := s.Tokens(ctx, "")
		if len(ts) != 1 {
			t.Fatalf("want one token, got %d", len(ts))
		}
	})
}

func TestBackupRestore(t *testing.T) {
	dir, restored := t.TempDir(), t.TempDir()
	if code, _, errOut := run(t, "demo", "--data", dir, "--subjects", "200"); code != 0 {
		t.Fatal(errOut)
	}
	bak := filepath.Join(t.TempDir(), "x.db")
	if code, out, errOut := run(t, "backup", "--data", dir, "--to", bak); code != 0 || !strings.Contains(out, "备份完成") {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	if code, _, _ := run(t, "backup", "--data", dir, "--to", bak); code != 1 {
		t.Fatal("backup must not overwrite")
	}
	// The key file travels with the data.
	copyFile(filepath.Join(dir, "xinyong.key"), filepath.Join(restored, "xinyong.key"))
	code, out, errOut := run(t, "restore", "--data", restored, "--from", bak)
	if code != 0 || !strings.Contains(out, "审计链完好") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if code, _, _ := run(t, "restore", "--data", restored, "--from", bak); code != 1 {
		t.Fatal("restore over an existing store needs --force")
	}
	// A tampered backup is refused before anything is replaced.
	db, _ := sql.Open("sqlite", bak)
	db.Exec("DELETE FROM audit_log WHERE seq = 1")
	db.Close()
	code, _, errOut = run(t, "restore", "--data", restored, "--from", bak, "--force")
	if code != 1 || !strings.Contains(errOut, "审计链") {
		t.Fatalf("tampered backup: %d %s", code, errOut)
	}
	if code, out, _ := run(t, "audit", "verify", "--data", restored); code != 0 {
		t.Fatalf("restored store must still verify: %s", out)
	}
}
