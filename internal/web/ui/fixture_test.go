package ui_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/pii"
	"xinyong/internal/report"
	"xinyong/internal/search"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
	"xinyong/internal/web/ui"
	"xinyong/internal/xtest"
)

// XSSName is a subject name that must always render as text.
const XSSName = "<script>alert(1)</script>有限公司"

type fixture struct {
	st      *store.Store
	deps    api.Deps
	srv     *httptest.Server
	org     subject.Subject // 福州华信建材贸易有限公司, with a legal representative
	xss     subject.Subject
	person  subject.Subject
	today   string
	adminPW string
}

// newFixture starts the real server (API, portal, console) on 127.0.0.1:0
// over a fresh SQLite store with a few subjects and records.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := xtest.SQLiteStore(t, xtest.Options{})
	p, err := pii.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := report.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadDepartments(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadAccounts(ctx, st); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r := rand.New(rand.NewPCG(1, 2))
	mask := func(s string) string { return subject.MaskID(s, 4, 4) }
	mk := func(typ subject.Type, name, rep string) subject.Subject {
		in := subject.Input{Type: string(typ), Name: name, LegalRep: rep, Region: "350102", RegisteredOn: "2015-06-01", Address: "福州市鼓楼区五四路 1 号"}
		if typ == subject.TypeNatural {
			in.IDNumber = subject.GenerateIDCard(r, "350102", time.Date(1980, 5, 6, 0, 0, 0, 0, time.UTC), true)
			in.RegisteredOn, in.Address = "", ""
		} else {
			in.Code = subject.GenerateUSCC(r, "350102", '9', '1')
		}
		s, err := subject.Prepare(in, p, mask, now, false)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	subs := []subject.Subject{
		mk(subject.TypeNatural, "张三丰", ""),
		mk(subject.TypeLegal, "福州华信建材贸易有限公司", "张三丰"),
		mk(subject.TypeLegal, XSSName, "李四"),
		mk(subject.TypeLegal, "福建鑫源物流有限公司", "王五"),
	}
	rels := []store.BulkRelation{{Org: 1, Person: 0, Role: subject.RoleLegalRep, Start: "2015-06-01"}}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkSubjects(subs, rels, "test") }); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, org: subs[1], xss: subs[2], person: subs[0], today: now.Format("2006-01-02"), adminPW: demo.Password}
	f.addRecord(t, subs[1].ID, "penalty", "bad", "public", "published", "榕市监罚〔2026〕1号", now.AddDate(0, -1, 0).Format("2006-01-02"), now.AddDate(1, 0, 0).Format("2006-01-02"))
	f.addRecord(t, subs[1].ID, "penalty", "bad", "public", "published", "榕市监罚〔2020〕9号", "2020-01-01", "2021-01-01")
	f.addRecord(t, subs[1].ID, "penalty", "bad", "shared", "published", "榕市监罚〔2026〕2号", now.Format("2006-01-02"), "")
	f.addRecord(t, subs[1].ID, "license", "neutral", "public", "published", "JY13501020012345", "2024-03-01", "")

	eng, err := engine.Start(ctx, st, engine.Options{TailInterval: 50 * time.Millisecond}) // seeds list types and measures; the console check tool needs it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	ix := search.New()
	if err := search.NewFollower(st, ix, time.Hour).Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewUnstartedServer(nil)
	cfg := config.Defaults()
	cfg.PublicURL = "http://" + f.srv.Listener.Addr().String() // reports and QR codes point at the test server
	f.deps = api.Deps{Store: st, Config: cfg, PII: p, Now: time.Now, Search: ix, Reports: signer, Engine: eng}
	f.srv.Config.Handler = web.New(web.Options{API: f.deps, UI: ui.New(ui.Deps{API: f.deps})})
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) addRecord(t testing.TB, subjectID int64, typ, nature, disclosure, state, docNo, decided, publicityEnd string) {
	t.Helper()
	content := `{"CF_WSH":"` + docNo + `","CF_SY":"未按规定公示年度报告","CF_CFLB":"罚款","CF_NR":"罚款人民币五千元"}`
	_, err := f.st.DB().Exec(`INSERT INTO records (subject_id, type, dept, doc_no, version, is_current, catalog_version, nature, severity, disclosure, state, decision_date, publicity_end, content, content_hash, submitted_by, received_at)
		VALUES (?,?,?,?,1,1,1,?,?,?,?,?,?,?,?,?,?)`, subjectID, typ, "samr", docNo, nature, "general", disclosure, state, decided, publicityEnd, content, "h-"+docNo, "test", time.Now().UnixMicro())
	if err != nil {
		t.Fatal(err)
	}
}

// session signs a user in directly and returns a client carrying the
// session cookie and the session's CSRF token.
func (f *fixture) session(t testing.TB, u store.User) (*http.Client, string) {
	t.Helper()
	id, csrf, err := f.st.CreateSession(context.Background(), u, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	jar := &cookieJar{cookies: []*http.Cookie{{Name: web.SessionCookie, Value: id}}}
	return &http.Client{Jar: jar, CheckRedirect: noRedirect}, csrf
}

func (f *fixture) user(t testing.TB, username string) store.User {
	t.Helper()
	us, err := f.st.Users(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Username == username {
			return u
		}
	}
	t.Fatalf("no user %s", username)
	return store.User{}
}

// subjectUser creates a credit-subject account for sub.
func (f *fixture) subjectUser(t testing.TB, sub subject.Subject) store.User {
	t.Helper()
	hash, _ := auth.HashPassword("subject-password-1")
	u, err := f.st.CreateUser(context.Background(), store.User{Username: "self-" + sub.Code, DisplayName: sub.Name, Role: auth.RoleSubject, SubjectID: sub.ID}, hash, "test")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

type cookieJar struct{ cookies []*http.Cookie }

func (j *cookieJar) SetCookies(u *url.URL, cs []*http.Cookie) { j.cookies = append(j.cookies, cs...) }
func (j *cookieJar) Cookies(u *url.URL) []*http.Cookie        { return j.cookies }

var public = &http.Client{CheckRedirect: noRedirect}

// do sends a request and returns status, headers and body.
func do(t testing.TB, c *http.Client, method, url string, body io.Reader, ctype string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func form(vals map[string]string) io.Reader {
	v := url.Values{}
	for k, x := range vals {
		v.Set(k, x)
	}
	return strings.NewReader(v.Encode())
}
