package api_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/pii"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/xtest"
)

// BenchmarkCheckHandler measures one check through the real router and
// middleware (token auth, evaluation, JSON, digest, durable group-committed
// log in the check journal) without the network, on SQLite.
func BenchmarkCheckHandler(b *testing.B) {
	ctx := context.Background()
	s := xtest.SQLiteStore(b, xtest.Options{})
	p, _ := pii.New(make([]byte, 32))
	g := demo.NewGenerator(1, s.Now())
	res, err := demo.LoadSubjects(ctx, s, g, p, func(v string) string { return subject.MaskID(v, 4, 4) }, 5000, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := xtest.NewServer(b, s)
	eng, err := engine.Start(ctx, s, engine.Options{JournalDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	d := srv.Deps
	d.Engine = eng
	h := web.New(web.Options{API: d})
	token := srv.Tokens[auth.RoleSystem]
	sc := url.QueryEscape("政府采购")
	b.ReportAllocs()
	b.SetParallelism(32) // many concurrent checks share a journal write, as under load
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			code := res.Codes[i%len(res.Codes)]
			i++
			req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/check?subject=%s&scenario=%s", code, sc), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}
