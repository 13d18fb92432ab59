package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/importer"
	"xinyong/internal/list"
	"xinyong/internal/record"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web/httpx"
)

// Console gives the console pages the same paths as the JSON API: the same
// validation, department scoping, store calls and check logging. The caller
// is the principal of r; record, entry and check ids come from the path
// value "id".
type Console struct{ h *handlers }

// NewConsole returns the API paths for console pages.
func NewConsole(d Deps) *Console { return &Console{&handlers{d}} }

// Mask is the configured masking of identity numbers.
func (c *Console) Mask() func(string) string { return c.h.mask() }

// Import reads an uploaded CSV/XLSX file of type typ for dept and ingests it
// (good rows in, bad rows reported).
func (c *Console) Import(r *http.Request, dept, typ string, f io.Reader, filename string) (*store.BatchReport, error) {
	p := httpx.PrincipalOf(r.Context())
	dept, err := actingDept(p, dept, true)
	if err != nil {
		return nil, err
	}
	cat, err := c.h.Store.Catalog(r.Context())
	if err != nil {
		return nil, err
	}
	t, ok := cat.Lookup(typ)
	if !ok {
		return nil, errs.Field("type", "未知的信息类别："+typ)
	}
	tb, err := importer.Open(f, t)
	if err != nil {
		return nil, err
	}
	tb.Mask = c.h.mask()
	return c.h.Store.Ingest(r.Context(), tb, store.IngestOptions{
		Dept: dept, Type: t.Code, Source: "file:" + filename, Actor: p.Actor(), Header: tb.Header, PII: c.h.PII, Mask: c.h.mask()})
}

// Submit ingests one record entered in a form.
func (c *Console) Submit(r *http.Request, dept, typ string, values map[string]string) (*store.BatchReport, error) {
	p := httpx.PrincipalOf(r.Context())
	dept, err := actingDept(p, dept, true)
	if err != nil {
		return nil, err
	}
	if typ == "" {
		return nil, errs.Field("type", "请选择信息类别")
	}
	rows := []store.IngestRow{{Line: 1, Values: values}}
	return c.h.Store.Ingest(r.Context(), &store.SliceRows{Rows: rows}, store.IngestOptions{
		Dept: dept, Type: typ, Source: "console", Actor: p.Actor(), PII: c.h.PII, Mask: c.h.mask(), Outcomes: true})
}

// Batch returns a batch report the caller's department may see.
func (c *Console) Batch(r *http.Request) (*store.BatchReport, error) { return c.h.batchFor(r) }

// Record returns a record of the caller's department and its versions.
func (c *Console) Record(r *http.Request) (record.Record, []record.Record, error) {
	rec, err := c.h.ownRecord(r)
	if err != nil {
		return rec, nil, err
	}
	hist, err := c.h.Store.RecordHistory(r.Context(), rec)
	return rec, hist, err
}

// Revoke revokes a record with a reason.
func (c *Console) Revoke(r *http.Request, reason string) (record.Record, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return record.Record{}, errs.Field("reason", "请填写撤销原因（不超过 500 字）")
	}
	rec, err := c.h.ownRecord(r)
	if err != nil {
		return rec, err
	}
	p := httpx.PrincipalOf(r.Context())
	return c.h.Store.RevokeRecord(r.Context(), rec.ID, deptScope(p), reason, p.Actor())
}

// Review passes or returns a record held for review.
func (c *Console) Review(r *http.Request, action, reason string) (record.Record, error) {
	return c.h.review(r, ReasonInput{Action: action, Reason: reason})
}

// review is POST /records/{id}/review after decoding.
func (h *handlers) review(r *http.Request, in ReasonInput) (record.Record, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.Action != record.ActionPass && in.Action != record.ActionReturn:
		return record.Record{}, errs.Field("action", "action 只能是 pass（通过）或 return（退回）")
	case in.Action == record.ActionReturn && in.Reason == "":
		return record.Record{}, errs.Field("reason", "退回时须填写原因")
	case len([]rune(in.Reason)) > 500:
		return record.Record{}, errs.Field("reason", "原因不能超过 500 字")
	}
	rec, err := h.ownRecord(r)
	if err != nil {
		return rec, err
	}
	cat, err := h.Store.CatalogVersion(r.Context(), rec.CatalogVersion)
	if err != nil {
		return rec, err
	}
	cal, err := h.Store.Calendar(r.Context())
	if err != nil {
		return rec, err
	}
	late := func(x record.Record, today string) int {
		t, ok := cat.Lookup(x.Type)
		if !ok {
			return 0
		}
		return record.Lateness(t, cal, x.DecisionDate, today)
	}
	p := httpx.PrincipalOf(r.Context())
	return h.Store.ReviewRecord(r.Context(), rec.ID, deptScope(p), in.Action, in.Reason, p.Actor(), late)
}

// Propose proposes a list entry (拟列入).
func (c *Console) Propose(r *http.Request, p list.Proposal) (list.Entry, error) {
	return c.h.propose(r, p)
}

// propose is POST /list-entries after decoding.
func (h *handlers) propose(r *http.Request, p list.Proposal) (list.Entry, error) {
	ctx := r.Context()
	t, err := h.Store.ListType(ctx, strings.TrimSpace(p.ListType))
	if errs.Is(err, errs.KindNotFound) {
		return list.Entry{}, errs.Field("list_type", "未知的名单类型："+p.ListType)
	} else if err != nil {
		return list.Entry{}, err
	}
	pr := httpx.PrincipalOf(ctx)
	if actorFor(pr, t) == list.ActorOther {
		return list.Entry{}, errs.Forbidden("list_entry.forbidden", "只有认定部门（"+t.IdentifyingDept+"）或信用办可以认定“"+t.Name+"”")
	}
	now := h.Now()
	if err := p.Validate(t, list.Day(now)); err != nil {
		return list.Entry{}, err
	}
	sub, err := h.Store.SubjectByCode(ctx, p.Subject)
	if errs.Is(err, errs.KindNotFound) {
		return list.Entry{}, errs.Field("subject", "未找到该主体："+p.Subject)
	} else if err != nil {
		return list.Entry{}, err
	}
	if t.ExcludeMinors && sub.Type == subject.TypeNatural {
		if minor, err := h.isMinor(r, sub, p.Start); err != nil {
			return list.Entry{}, err
		} else if minor {
			return list.Entry{}, errs.Field("subject", "未成年人不得纳入“"+t.Name+"”")
		}
	}
	e, err := h.Store.ProposeEntry(ctx, sub.ID, p, t, h.redYears(), pr.Actor())
	if err != nil {
		return e, err
	}
	return e.Effective(now, t), nil
}

// Entry returns an entry the caller may see, its type and its history.
func (c *Console) Entry(r *http.Request) (list.Entry, list.Type, []store.HistoryItem, error) {
	e, t, err := c.h.ownEntry(r)
	if err != nil {
		return e, t, nil, err
	}
	hist, err := c.h.Store.EntryHistory(r.Context(), e.ID)
	e = e.Effective(c.h.Now(), t)
	e.ListName = t.Name
	return e, t, hist, err
}

// Transition notifies, activates or exits an entry.
func (c *Console) Transition(r *http.Request, a list.Action, reason, note string) (list.Entry, error) {
	return c.h.transit(r, a, TransitionBody{Reason: reason, Note: note})
}

// transit is POST /list-entries/{id}/{action} after decoding.
func (h *handlers) transit(r *http.Request, a list.Action, in TransitionBody) (list.Entry, error) {
	e, t, err := h.ownEntry(r)
	if err != nil {
		return e, err
	}
	p := httpx.PrincipalOf(r.Context())
	ti := store.TransitionInput{Action: a, Who: actorFor(p, t), Note: strings.TrimSpace(in.Note), RedYears: h.redYears()}
	if len([]rune(ti.Note)) > 1000 {
		return e, errs.Field("note", "说明不能超过1000个字")
	}
	switch a {
	case list.ActExit:
		reason, ok := list.ParseExitReason(strings.TrimSpace(in.Reason))
		if !ok {
			return e, errs.Field("reason", "移出原因应为 expiry（期满）、repair（信用修复）、revocation（撤销认定）、court（法院删除）、withdrawn（撤回）或 other（其他）")
		}
		ti.ExitReason = reason
	case list.ActNotify:
		ti.Notice = list.Notice(e, t, h.measureTexts(t))
	}
	out, err := h.Store.TransitionEntry(r.Context(), e.ID, t, ti, p.Actor())
	if err != nil {
		return out, err
	}
	out = out.Effective(h.Now(), t)
	out.ListName = t.Name
	return out, nil
}

// Check answers one check exactly as GET /check does and logs it (with the
// digest of the JSON answer) before returning it.
func (c *Console) Check(r *http.Request, code, scenario, asOf, related string) (CheckResponse, error) {
	h := c.h
	if err := h.engineReady(); err != nil {
		return CheckResponse{}, err
	}
	code, reason := checkCode(code, h.Now())
	if reason != "" {
		return CheckResponse{}, errs.Field("subject", reason)
	}
	q, err := h.parseCheckQuery(scenario, asOf, related)
	if err != nil {
		return CheckResponse{}, err
	}
	res, l := h.answer(httpx.PrincipalOf(r.Context()), code, q)
	body, err := json.Marshal(res)
	if err != nil {
		return res, errs.Internal(err)
	}
	if _, err := h.logChecks(r.Context(), append(body, '\n'), []store.CheckLog{l}); err != nil {
		return res, err
	}
	return res, nil
}

// logChecks stamps the logs with the digest of body and logs them durably.
func (h *handlers) logChecks(ctx context.Context, body []byte, logs []store.CheckLog) (string, error) {
	sum := sha256.Sum256(body)
	var hx [2 * sha256.Size]byte
	hex.Encode(hx[:], sum[:])
	digest := string(hx[:]) // one allocation (hex.EncodeToString makes two)
	for i := range logs {
		logs[i].Digest = digest
	}
	if err := h.Engine.Log(ctx, logs...); err != nil {
		return "", errs.Internal(fmt.Errorf("log check: %w", err))
	}
	return digest, nil
}

// CheckLog returns a logged check the caller may see and its feedback.
func (c *Console) CheckLog(r *http.Request) (store.CheckLog, []store.Feedback, error) {
	l, err := c.h.ownCheck(r)
	if err != nil {
		return l, nil, err
	}
	fb, err := c.h.Store.CheckFeedback(r.Context(), l.ID)
	return l, fb, err
}

// Feedback records per-measure feedback on a logged check.
func (c *Console) Feedback(r *http.Request, items []FeedbackItem) (store.CheckLog, error) {
	return c.h.feedback(r, FeedbackInput{Items: items})
}
