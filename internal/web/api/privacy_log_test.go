package api_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/xtest"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestIDNumbersNeverLogged drives every path that handles a personal ID
// number (create, lookups by number allowed and refused, validation
// failures, reveal) with debug logging on, then greps the whole log.
func TestIDNumbersNeverLogged(t *testing.T) {
	var buf syncBuf
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)

	s := xtest.SQLiteStore(t, xtest.Options{})
	srv := xtest.NewServer(t, s)
	ids := []string{"440524188001010014", "11010519491231002X", "110105194912310021", "440524800101001"}
	srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subjects", map[string]any{"type": "natural", "id_number": ids[0], "name": "赵六"})
	srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subjects", map[string]any{"type": "natural", "id_number": ids[2], "name": "坏号"})
	srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subjects", map[string]any{"type": "natural", "id_number": ids[3], "name": "旧号"})
	for _, id := range ids {
		for _, role := range []auth.Role{auth.RolePublic, auth.RoleClerk, auth.RoleOperator} {
			srv.Do(t, role, "GET", "/api/v1/subjects/"+id, nil)
			srv.Do(t, role, "GET", "/api/v1/subjects/"+id+"/identity?reason=x", nil)
		}
	}
	srv.Do(t, auth.RoleSubject, "GET", "/api/v1/subjects/"+srv.SubjectCode+"/identity", nil)
	logs := buf.String()
	if !strings.Contains(logs, "request refused") {
		t.Fatalf("expected refusals to be logged; got:\n%s", logs)
	}
	for _, id := range ids {
		for _, frag := range []string{id, id[6:14]} { // the number, and its birth-date core
			if strings.Contains(logs, frag) {
				t.Fatalf("log contains %q:\n%s", frag, logs)
			}
		}
	}
}
