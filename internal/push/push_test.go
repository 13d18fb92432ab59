package push

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/errs"
)

// The published Standard Webhooks test vector.
func TestSignStandardWebhooksVector(t *testing.T) {
	key, err := SecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	got := Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	secret, err := NewSecret(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	key, err := SecretKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"entry.activated"}`)
	h := http.Header{}
	SetHeaders(h, key, "evt_1", now, body)
	other, _ := NewSecret(bytes.NewReader(bytes.Repeat([]byte{8}, 32)))
	tests := []struct {
		name   string
		secret string
		header func(http.Header)
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", secret, nil, body, now, nil},
		{"several signatures, one valid", secret, func(h http.Header) { h.Set(HeaderSignature, "v1,AAAA "+h.Get(HeaderSignature)) }, body, now, nil},
		{"tampered body", secret, nil, []byte(`{"type":"entry.exited"}`), now, ErrSignature},
		{"other secret", other, nil, body, now, ErrSignature},
		{"changed id", secret, func(h http.Header) { h.Set(HeaderID, "evt_2") }, body, now, ErrSignature},
		{"too old", secret, nil, body, now.Add(6 * time.Minute), ErrTimestamp},
		{"missing", secret, func(h http.Header) { h.Del(HeaderSignature) }, body, now, ErrNoHeaders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hh := h.Clone()
			if tt.header != nil {
				tt.header(hh)
			}
			if err := Verify(tt.secret, hh, tt.body, tt.now, 5*time.Minute); err != tt.want {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSecretKey(t *testing.T) {
	for _, s := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!!", "whsec_c2hvcnQ=", "whsec_" + strings.Repeat("A", 100)} {
		if _, err := SecretKey(s); err == nil {
			t.Errorf("SecretKey(%q) accepted", s)
		}
	}
}

func TestPolicy(t *testing.T) {
	if DefaultPolicy.Span() < 24*time.Hour {
		t.Fatalf("default policy spans %v, want at least 24h", DefaultPolicy.Span())
	}
	var got []time.Duration
	for f := 1; ; f++ {
		d, ok := DefaultPolicy.Next(f)
		if !ok {
			break
		}
		got = append(got, d)
	}
	if diff := cmp.Diff(DefaultPolicy.Delays, got); diff != "" {
		t.Fatal(diff)
	}
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			t.Fatalf("delays not increasing at %d: %v", i, got)
		}
	}
}

func TestFilterMatch(t *testing.T) {
	entry := func(kind, lt string) Event {
		return Event{Seq: 1, Kind: kind, Data: json.RawMessage(`{"list_type":"` + lt + `","kind":"black","dept":"court"}`)}
	}
	tests := []struct {
		name string
		f    Filter
		e    Event
		want bool
	}{
		{"type listed", Filter{EventTypes: []string{EntryActivated}}, entry(EntryActivated, "x_y"), true},
		{"type not listed", Filter{EventTypes: []string{EntryExited}}, entry(EntryActivated, "x_y"), false},
		{"list type listed", Filter{EventTypes: []string{EntryActivated}, ListTypes: []string{"court_dishonest_debtor"}}, entry(EntryActivated, "court_dishonest_debtor"), true},
		{"list type other", Filter{EventTypes: []string{EntryActivated}, ListTypes: []string{"tax_a_grade"}}, entry(EntryActivated, "court_dishonest_debtor"), false},
		{"record ignores list types", Filter{EventTypes: []string{RecordRevoked}, ListTypes: []string{"tax_a_grade"}}, Event{Kind: RecordRevoked, Data: json.RawMessage(`{"type":"xzcf"}`)}, true},
		{"entry without data", Filter{EventTypes: []string{EntryPaused}, ListTypes: []string{"tax_a_grade"}}, Event{Kind: EntryPaused}, false},
		{"foreign kind", Filter{EventTypes: []string{EntryActivated}}, Event{Kind: "subject.updated"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Match(tt.e); got != tt.want {
				t.Fatalf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBody(t *testing.T) {
	e := Event{Seq: 42, At: time.Date(2025, 3, 1, 8, 0, 0, 123000, time.UTC), Kind: EntryExited, Subject: "91350100M000100Y43", Object: "entry:7", Data: json.RawMessage(`{"list_type":"court_dishonest_debtor"}`)}
	b, err := Body(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"entry.exited","timestamp":"2025-03-01T08:00:00.000123Z","data":{"seq":42,"kind":"entry.exited","subject":"91350100M000100Y43","object":"entry:7","data":{"list_type":"court_dishonest_debtor"}}}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Fatal(diff)
	}
	if e.ID() != "evt_42" {
		t.Fatalf("ID = %s", e.ID())
	}
}

func TestSpecNormalize(t *testing.T) {
	ok := Spec{URL: " https://dept.example.gov.cn/hook ", EventTypes: []string{EntryExited, EntryActivated, EntryActivated}, ListTypes: []string{"court_dishonest_debtor"}}
	got, err := ok.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	want := Spec{URL: "https://dept.example.gov.cn/hook", EventTypes: []string{EntryActivated, EntryExited}, ListTypes: []string{"court_dishonest_debtor"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
	bad := []struct {
		name  string
		spec  Spec
		field string
	}{
		{"ftp", Spec{URL: "ftp://127.0.0.1/x", EventTypes: []string{EntryActivated}}, "url"},
		{"no host", Spec{URL: "http:///path", EventTypes: []string{EntryActivated}}, "url"},
		{"not a url", Spec{URL: "not a url", EventTypes: []string{EntryActivated}}, "url"},
		{"empty url", Spec{EventTypes: []string{EntryActivated}}, "url"},
		{"credentials", Spec{URL: "http://u:p@127.0.0.1/", EventTypes: []string{EntryActivated}}, "url"},
		{"no event types", Spec{URL: "http://127.0.0.1/"}, "event_types"},
		{"unknown event type", Spec{URL: "http://127.0.0.1/", EventTypes: []string{"entry.deleted"}}, "event_types"},
		{"bad list type", Spec{URL: "http://127.0.0.1/", EventTypes: []string{EntryActivated}, ListTypes: []string{"黑名单"}}, "list_types"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.spec.Normalize()
			e := errs.As(err)
			if e.Kind != errs.KindInvalid || len(e.Fields) == 0 || e.Fields[0].Field != tt.field {
				t.Fatalf("err = %v, want invalid %s", err, tt.field)
			}
		})
	}
}
