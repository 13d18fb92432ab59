// Package httpx parses requests and writes responses: JSON, RFC 9457
// problem documents, and the request context (id, principal).
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
)

// WithRequestID stores the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyRequestID, id)
}

// Request is the per-request state the middleware keeps in the request's
// context: the id, and the principal once authentication has run. It is a
// context itself (its parent's, with the state as one more value), so that
// the middleware can embed it in a larger per-request allocation and give
// the request its state with one copy of the request and no other
// allocation. Init it before use; never reuse one for another request.
type Request struct {
	context.Context
	id   string
	p    auth.Principal
	hasP bool
}

// Init makes r the state of a request with id under parent.
func (r *Request) Init(parent context.Context, id string) {
	*r = Request{Context: parent, id: id}
}

// Value returns r itself for its key, and the parent's values otherwise.
func (r *Request) Value(key any) any {
	if k, ok := key.(ctxKey); ok && k == keyRequestID {
		return r
	}
	return r.Context.Value(key)
}

func (r *Request) String() string { return "httpx.Request(" + r.id + ")" }

// WithRequest stores the request id and room for the principal, which
// SetPrincipal fills in later without another copy of the request.
func WithRequest(ctx context.Context, id string) context.Context {
	r := new(Request)
	r.Init(ctx, id)
	return r
}

// SetPrincipal records who is calling in the state WithRequest (or a
// Request) made; false when ctx has none (use WithPrincipal). It must run
// before the handler that reads it, in the same goroutine.
func SetPrincipal(ctx context.Context, p auth.Principal) bool {
	st, ok := ctx.Value(keyRequestID).(*Request)
	if ok {
		st.p, st.hasP = p, true
	}
	return ok
}

// RequestID returns the request id, or "".
func RequestID(ctx context.Context) string {
	switch v := ctx.Value(keyRequestID).(type) {
	case string:
		return v
	case *Request:
		return v.id
	}
	return ""
}

// WithPrincipal stores who is calling.
func WithPrincipal(ctx context.Context, p auth.Principal) context.Context {
	return context.WithValue(ctx, keyPrincipal, p)
}

// PrincipalOf returns the caller, the public when nobody signed in.
func PrincipalOf(ctx context.Context) auth.Principal {
	if p, ok := ctx.Value(keyPrincipal).(auth.Principal); ok {
		return p
	}
	if st, ok := ctx.Value(keyRequestID).(*Request); ok && st.hasP {
		return st.p
	}
	return auth.Public
}

// JSON writes v with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// Problem is an RFC 9457 problem document with field-level details.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	Code      string            `json:"code"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []errs.FieldError `json:"errors,omitempty"`
}

var titles = map[int]string{
	400: "请求有误", 401: "未认证", 403: "无权访问", 404: "未找到", 405: "方法不允许", 409: "冲突",
	413: "请求体过大", 415: "不支持的媒体类型", 429: "请求过于频繁", 500: "系统内部错误",
}

// Error writes err as application/problem+json and logs it once: 5xx at
// Error with the cause, 4xx at Info.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	status := e.Kind.Status()
	p := Problem{
		Type:      "https://xinyong.local/problems/" + strings.ReplaceAll(e.Key, ".", "-"),
		Title:     titles[status],
		Status:    status,
		Detail:    e.Message,
		Instance:  SafePath(r.URL.Path),
		Code:      e.Key,
		RequestID: RequestID(r.Context()),
		Errors:    e.Fields,
	}
	attrs := []any{"request_id", p.RequestID, "method", r.Method, "path", SafePath(r.URL.Path), "status", status, "code", e.Key, "actor", PrincipalOf(r.Context()).Actor()}
	if status >= 500 {
		slog.Error("request failed", append(attrs, "err", e.Error())...)
	} else {
		slog.Info("request refused", attrs...)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="xinyong"`)
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// Decode reads a JSON body strictly: unknown fields, trailing data, a wrong
// content type and oversized bodies are refused with a clear reason.
func Decode(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &errs.Error{Kind: errs.KindInvalid, Key: "request.content_type", Message: "请求体必须是 JSON（Content-Type: application/json）"}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return errs.Invalid("request.json", "请求体只能包含一个 JSON 值")
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return decodeError(err)
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return &errs.Error{Kind: errs.KindTooLarge, Key: "request.too_large", Message: fmt.Sprintf("请求体超过上限 %d 字节", big.Limit)}
	case errors.Is(err, io.EOF):
		return errs.Invalid("request.empty", "请求体不能为空")
	case errors.As(err, &syn):
		return errs.Invalid("request.json", fmt.Sprintf("JSON 格式错误（第 %d 字节附近）", syn.Offset))
	case errors.As(err, &typ):
		return errs.Invalid("request.json", "字段类型错误", errs.FieldError{Field: typ.Field, Reason: "应为 " + typ.Type.String() + " 类型"})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Invalid("request.unknown_field", "包含未知字段", errs.FieldError{Field: f, Reason: "未知字段"})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.Invalid("request.json", "JSON 不完整")
	}
	return errs.Invalid("request.json", "无法解析请求体："+err.Error())
}

// Limit parses a limit query parameter within [1, max], default def.
func Limit(r *http.Request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, errs.Field("limit", fmt.Sprintf("limit 必须是 1 到 %d 之间的整数", max))
	}
	return n, nil
}

// Cursor parses an opaque numeric cursor parameter (0 when absent).
func Cursor(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.Field(name, name+" 游标无效")
	}
	return n, nil
}

// SafePath masks anything in a path that looks like a personal identity
// number (a run of 15 to 18 digits, possibly ending in X), so that logs and
// problem documents never carry one in clear.
func SafePath(p string) string {
	b := []byte(p)
	for i := 0; i < len(b); {
		if b[i] < '0' || b[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(b) && (b[j] >= '0' && b[j] <= '9' || (b[j] == 'X' || b[j] == 'x') && j > i) {
			j++
		}
		if n := j - i; n >= 15 && n <= 18 {
			for k := i + 4; k < j-4; k++ {
				b[k] = '*'
			}
		}
		i = j
	}
	return string(b)
}
