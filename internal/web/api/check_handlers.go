package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/check"
	"xinyong/internal/errs"
	"xinyong/internal/measure"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web/httpx"
)

var checkers = []auth.Role{auth.RoleOperator, auth.RoleSystem}

func (h *handlers) checkRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/check", checkers, "应查必查：核查主体在场景中适用的联合奖惩措施", h.checkOne},
		{"POST", "/api/v1/checks", checkers, "批量核查（最多100个主体）", h.checkMany},
		{"GET", "/api/v1/checks/{id}", checkers, "查看核查记录及反馈", h.getCheck},
		{"POST", "/api/v1/checks/{id}/feedback", checkers, "执行反馈（逐项措施是否执行及原因）", h.checkFeedback},
		{"GET", "/api/v1/checks/feedback-stats", operator, "各实施部门核查量、反馈率与逾期未反馈", h.feedbackStats},
	}
}

// SubjectRef names the checked subject.
type SubjectRef struct {
	Code      string `json:"code"`
	Name      string `json:"name,omitempty"`
	Type      string `json:"type,omitempty"`
	TypeLabel string `json:"type_label,omitempty"`
}

// CheckResponse is the answer of one check.
type CheckResponse struct {
	CheckID string     `json:"check_id"`
	Found   bool       `json:"found"`
	Subject SubjectRef `json:"subject"`
	check.Answer
}

type checkQuery struct {
	scenario measure.Scenario
	asOf     time.Time
	related  bool
}

// checkCode validates a subject code for the check: a USCC with a correct
// check character, or a person code (P + 17 characters).
func checkCode(raw string, now time.Time) (string, string) {
	code := strings.ToUpper(strings.TrimSpace(raw))
	if code == "" {
		return "", "请提供主体代码（统一社会信用代码或自然人主体编号）"
	}
	if subject.IsPersonCode(code) {
		return code, ""
	}
	v := subject.ValidateUSCC(code)
	if !v.OK {
		return "", "统一社会信用代码有误：" + v.Reason
	}
	return v.Normalized, ""
}

func (h *handlers) parseCheckQuery(scenario, asOf, related string) (checkQuery, error) {
	var q checkQuery
	now := h.Now()
	sc, ok := measure.ScenarioByName(scenario)
	if !ok {
		if strings.TrimSpace(scenario) == "" {
			return q, errs.Field("scenario", "请提供应用场景（如 政府采购 或 procurement）")
		}
		return q, errs.Field("scenario", "未知的应用场景："+scenario)
	}
	q.scenario, q.asOf = sc, now
	if asOf != "" {
		t, err := time.Parse(time.RFC3339, asOf)
		if err != nil {
			return q, errs.Field("as_of", "时间格式应为 RFC 3339，如 2025-06-01T12:00:00+08:00")
		}
		if t.After(now) {
			return q, errs.Field("as_of", "核查时间不能晚于当前时间")
		}
		q.asOf = t
	}
	switch related {
	case "", "false":
	case "true":
		q.related = true
	default:
		return q, errs.Field("related", "related 只能是 true 或 false")
	}
	return q, nil
}

func (h *handlers) engineReady() error {
	if h.Engine == nil {
		return errs.Internal(fmt.Errorf("check engine not configured"))
	}
	return nil
}

// encBuf is a pooled response buffer with its JSON encoder.
type encBuf struct {
	buf bytes.Buffer
	enc *json.Encoder
	b   []byte // for appendCheckJSON
}

var bufPool = sync.Pool{New: func() any {
	b := new(encBuf)
	b.enc = json.NewEncoder(&b.buf)
	return b
}}

// Header values of every check answer, built once (see securityHeaders in
// package web); capacity 1 so that an Add copies.
var (
	hdrJSON    = []string{"application/json; charset=utf-8"}[:1:1]
	hdrNoStore = []string{"no-store"}[:1:1]
)

// answer evaluates a check and prepares its log row.
func (h *handlers) answer(p auth.Principal, code string, q checkQuery) (CheckResponse, store.CheckLog) {
	a, snap := h.Engine.Check(code, q.scenario, q.asOf, q.related)
	now := h.Now()
	res := CheckResponse{CheckID: h.Engine.NewCheckID(now), Subject: SubjectRef{Code: code}, Answer: a}
	l := store.CheckLog{ID: res.CheckID, At: now, Requester: p.Actor(), Dept: p.Dept, Subject: code, Scenario: q.scenario.Code, AsOf: q.asOf, RulesVersion: a.RulesVersion}
	if snap != nil {
		res.Found = true
		res.Subject = SubjectRef{Code: snap.Code, Name: snap.Name, Type: snap.Type, TypeLabel: subject.Type(snap.Type).Label()}
		l.SubjectID = snap.SubjectID
	}
	for _, d := range a.Measures {
		l.Measures = append(l.Measures, d.Code)
	}
	return res, l
}

// send encodes v, logs the checks with the digest of the body durably and
// only then writes the answer.
func (h *handlers) send(ctx context.Context, w http.ResponseWriter, v any, logs []store.CheckLog) error {
	eb := bufPool.Get().(*encBuf)
	defer eb.put()
	eb.buf.Reset()
	if err := eb.enc.Encode(v); err != nil {
		return errs.Internal(err)
	}
	return h.sendBody(ctx, w, eb.buf.Bytes(), logs)
}

// sendOne is send for the answer of one check (GET /check), encoded
// without reflection (check_json.go).
func (h *handlers) sendOne(ctx context.Context, w http.ResponseWriter, res *CheckResponse, l store.CheckLog) error {
	eb := bufPool.Get().(*encBuf)
	defer eb.put()
	logs := [1]store.CheckLog{l}
	b, ok := appendCheckJSON(eb.b[:0], res)
	eb.b = b
	if !ok {
		// A copy, so that res itself does not escape to the heap on
		// every check for the sake of this rare path.
		v := *res
		eb.buf.Reset()
		if err := eb.enc.Encode(&v); err != nil {
			return errs.Internal(err)
		}
		b = eb.buf.Bytes()
	}
	return h.sendBody(ctx, w, b, logs[:])
}

func (eb *encBuf) put() {
	if eb.buf.Cap() <= 1<<20 && cap(eb.b) <= 1<<20 { // keep no huge buffer
		bufPool.Put(eb)
	}
}

// sendBody logs the checks with the digest of the encoded body and then
// writes it.
func (h *handlers) sendBody(ctx context.Context, w http.ResponseWriter, body []byte, logs []store.CheckLog) error {
	digest, err := h.logChecks(ctx, body, logs) // console_bridge.go
	if err != nil {
		return err
	}
	hd := w.Header()
	hd["Content-Type"] = hdrJSON
	hd["Cache-Control"] = hdrNoStore
	hd["X-Check-Digest"] = []string{digest}
	// net/http sets it itself for a body that fits its 2 KB buffer; a
	// longer answer would otherwise go out chunked.
	if len(body) > 2048 {
		hd["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	_, err = w.Write(body)
	return err
}

func (h *handlers) checkOne(w http.ResponseWriter, r *http.Request) error {
	if err := h.engineReady(); err != nil {
		return err
	}
	var qv checkParams
	qv.parse(r.URL.RawQuery)
	code, reason := checkCode(qv[pSubject], h.Now())
	if reason != "" {
		return errs.Field("subject", reason)
	}
	q, err := h.parseCheckQuery(qv[pScenario], qv[pAsOf], qv[pRelated])
	if err != nil {
		return err
	}
	res, l := h.answer(httpx.PrincipalOf(r.Context()), code, q)
	return h.sendOne(r.Context(), w, &res, l)
}

// checkParams are the query parameters of GET /check, each the first
// value given, as url.ParseQuery and Values.Get would read them (pairs
// with a semicolon or a bad escape are skipped), without building the map.
type checkParams [4]string

const (
	pSubject = iota
	pScenario
	pAsOf
	pRelated
)

var checkParamNames = [...]string{pSubject: "subject", pScenario: "scenario", pAsOf: "as_of", pRelated: "related"}

func (p *checkParams) parse(raw string) {
	var seen [len(checkParamNames)]bool
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := queryUnescape(k)
		if err != nil {
			continue
		}
		for i, name := range checkParamNames {
			if k != name || seen[i] {
				continue
			}
			if v, err := queryUnescape(v); err == nil {
				p[i], seen[i] = v, true
			}
			break
		}
	}
}

// queryUnescape is url.QueryUnescape without its work (and allocation) for
// the plain strings most parameters are.
func queryUnescape(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// ChecksInput is what POST /checks accepts.
type ChecksInput struct {
	Subjects []string `json:"subjects"`
	Scenario string   `json:"scenario"`
	AsOf     string   `json:"as_of"`
	Related  bool     `json:"related"`
}

func (h *handlers) checkMany(w http.ResponseWriter, r *http.Request) error {
	if err := h.engineReady(); err != nil {
		return err
	}
	var in ChecksInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if len(in.Subjects) == 0 || len(in.Subjects) > 100 {
		return errs.Field("subjects", "一次核查 1 至 100 个主体")
	}
	related := ""
	if in.Related {
		related = "true"
	}
	q, err := h.parseCheckQuery(in.Scenario, in.AsOf, related)
	if err != nil {
		return err
	}
	var fe []errs.FieldError
	codes := make([]string, len(in.Subjects))
	for i, s := range in.Subjects {
		code, reason := checkCode(s, h.Now())
		if reason != "" {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("subjects[%d]", i), Reason: reason})
		}
		codes[i] = code
	}
	if len(fe) > 0 {
		return errs.Invalid("check.subjects", "主体代码有误", fe...)
	}
	p := httpx.PrincipalOf(r.Context())
	items := make([]CheckResponse, len(codes))
	logs := make([]store.CheckLog, len(codes))
	for i, c := range codes {
		items[i], logs[i] = h.answer(p, c, q)
	}
	return h.send(r.Context(), w, map[string]any{"items": items}, logs)
}

// ownCheck loads a logged check the caller may see: the operator every
// check, an implementing system its department's.
func (h *handlers) ownCheck(r *http.Request) (store.CheckLog, error) {
	l, err := h.Store.CheckLogByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return l, err
	}
	if p := httpx.PrincipalOf(r.Context()); p.Role != auth.RoleOperator && p.Dept != l.Dept {
		return l, errs.Forbidden("check.forbidden", "只能查看和反馈本部门的核查记录")
	}
	return l, nil
}

func (h *handlers) getCheck(w http.ResponseWriter, r *http.Request) error {
	l, err := h.ownCheck(r)
	if err != nil {
		return err
	}
	fb, err := h.Store.CheckFeedback(r.Context(), l.ID)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"check": l, "feedback": fb})
	return nil
}

// FeedbackInput is what POST /checks/{id}/feedback accepts.
type FeedbackInput struct {
	Items []FeedbackItem `json:"items"`
}

// FeedbackItem is the feedback on one measure.
type FeedbackItem struct {
	Measure string `json:"measure"`
	Applied *bool  `json:"applied"`
	Reason  string `json:"reason"`
}

func (h *handlers) checkFeedback(w http.ResponseWriter, r *http.Request) error {
	var in FeedbackInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	l, err := h.feedback(r, in)
	if err != nil {
		return err
	}
	fb, err := h.Store.CheckFeedback(r.Context(), l.ID)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"check_id": l.ID, "feedback": fb, "complete": len(fb) >= len(l.Measures)})
	return nil
}

// feedback validates and saves feedback on the caller's check.
func (h *handlers) feedback(r *http.Request, in FeedbackInput) (store.CheckLog, error) {
	l, err := h.ownCheck(r)
	if err != nil {
		return l, err
	}
	if len(in.Items) == 0 || len(in.Items) > 200 {
		return l, errs.Field("items", "请逐项反馈措施执行情况（1 至 200 项）")
	}
	returned := map[string]bool{}
	for _, m := range l.Measures {
		returned[m] = true
	}
	var fe []errs.FieldError
	var items []store.Feedback
	seen := map[string]bool{}
	for i, it := range in.Items {
		f := fmt.Sprintf("items[%d]", i)
		reason := strings.TrimSpace(it.Reason)
		switch {
		case !returned[it.Measure]:
			fe = append(fe, errs.FieldError{Field: f + ".measure", Reason: "该核查未返回此措施：" + it.Measure})
		case seen[it.Measure]:
			fe = append(fe, errs.FieldError{Field: f + ".measure", Reason: "措施重复：" + it.Measure})
		case it.Applied == nil:
			fe = append(fe, errs.FieldError{Field: f + ".applied", Reason: "须说明是否执行（true/false）"})
		case !*it.Applied && reason == "":
			fe = append(fe, errs.FieldError{Field: f + ".reason", Reason: "未执行的措施须说明原因"})
		case len([]rune(reason)) > 500:
			fe = append(fe, errs.FieldError{Field: f + ".reason", Reason: "原因不能超过500字"})
		default:
			items = append(items, store.Feedback{Measure: it.Measure, Applied: *it.Applied, Reason: reason})
		}
		seen[it.Measure] = true
	}
	if len(fe) > 0 {
		return l, errs.Invalid("check.feedback", "执行反馈有误", fe...)
	}
	return l, h.Store.SaveFeedback(r.Context(), l, items, httpx.PrincipalOf(r.Context()).Actor())
}

func (h *handlers) feedbackStats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	now := h.Now()
	from := now.AddDate(0, 0, -90)
	if v := q.Get("since"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, time.FixedZone("CST", 8*3600))
		if err != nil {
			return errs.Field("since", "日期格式应为 YYYY-MM-DD")
		}
		from = t
	}
	days := 5
	if v := q.Get("overdue_days"); v != "" {
		if _, err := fmt.Sscanf(v, "%d", &days); err != nil || days < 0 || days > 365 || fmt.Sprint(days) != v {
			return errs.Field("overdue_days", "逾期天数应为 0 至 365 的整数")
		}
	}
	stats, err := h.Store.FeedbackStats(r.Context(), from, now.AddDate(0, 0, -days))
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"since": from, "overdue_days": days, "items": stats})
	return nil
}
