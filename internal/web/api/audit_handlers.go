package api

import (
	"errors"
	"net/http"

	"xinyong/internal/audit"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

func (h *handlers) listAudit(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "before")
	if err != nil {
		return err
	}
	var subjectID int64
	if code := r.URL.Query().Get("subject"); code != "" {
		sub, err := h.Store.SubjectByCode(r.Context(), code)
		if err != nil {
			return err
		}
		subjectID = sub.ID
	}
	es, err := h.Store.AuditEntries(r.Context(), subjectID, r.URL.Query().Get("action"), before, limit)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, page(es, limit, func(e audit.Entry) int64 { return e.Seq }))
	return nil
}

func (h *handlers) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	n, err := h.Store.VerifyAudit(r.Context())
	var b *audit.Break
	if errors.As(err, &b) {
		httpx.JSON(w, 200, map[string]any{"ok": false, "checked": n, "broken_at": b.Seq, "reason": b.Reason})
		return nil
	}
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"ok": true, "checked": n})
	return nil
}

func (h *handlers) changes(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.Limit(r, 100, 1000)
	if err != nil {
		return err
	}
	after, err := httpx.Cursor(r, "after")
	if err != nil {
		return err
	}
	cs, err := h.Store.Changes(r.Context(), after, limit)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []store.Change{}
	}
	next := after
	if len(cs) > 0 {
		next = cs[len(cs)-1].Seq
	}
	httpx.JSON(w, 200, map[string]any{"items": cs, "next": next})
	return nil
}
