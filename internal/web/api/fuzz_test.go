package api_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
	"xinyong/internal/web/httpx"
	"xinyong/internal/xtest"
)

// FuzzWriteEndpoints sends arbitrary bodies to every write endpoint as the
// operator: whatever the body, the answer is never a server error.
func FuzzWriteEndpoints(f *testing.F) {
	for _, b := range []string{`{}`, `{"type":"legal","code":"91350100M000100Y43","name":"甲"}`, `[]`, `{"a":`, `null`, `{"name":"` + strings.Repeat("长", 300) + `"}`,
		`{"type":"natural","id_number":"11010519491231002X","name":"x"}`, `{"role":"system","name":"t","dept":"samr"}`, `{"version":-1}`, "\x00\xff"} {
		for i := 0; i < 40; i++ {
			f.Add(uint8(i), []byte(b))
		}
	}
	s := xtest.SQLiteStore(f, xtest.Options{})
	srv := xtest.NewServer(f, s)
	h := web.New(web.Options{API: srv.Deps})
	var writes []api.Route
	for _, r := range api.Routes(srv.Deps) {
		if r.Method != http.MethodGet {
			writes = append(writes, r)
		}
	}
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		rt := writes[int(which)%len(writes)]
		path := param.ReplaceAllString(rt.Path, "1")
		if strings.Contains(rt.Path, "{code}") {
			path = strings.Replace(rt.Path, "{code}", srv.SubjectCode, 1)
			path = param.ReplaceAllString(path, "1")
		}
		req := httptest.NewRequest(rt.Method, path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+srv.Tokens[auth.RoleOperator])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s with %q: %d %s", rt.Method, path, body, rec.Code, rec.Body)
		}
		_ = httpx.RequestID
	})
}
