package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/record"
	"xinyong/internal/store"
)

const recordPageSize = 50

var recordStates = [][2]string{
	{string(record.PendingReview), record.PendingReview.Label()}, {string(record.Returned), record.Returned.Label()},
	{string(record.Published), record.Published.Label()}, {string(record.Revoked), record.Revoked.Label()},
}

// recordList shows the department's records (the operator's: all) with
// filters by type, state, document number and subject.
func (s *server) recordList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, deptStaff...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	form := map[string]string{"type": q.Get("type"), "state": q.Get("state"), "doc_no": strings.TrimSpace(q.Get("doc_no")),
		"subject": strings.ToUpper(strings.TrimSpace(q.Get("subject"))), "dept": q.Get("dept")}
	v := view{Title: "信用记录", Console: true, Form: form, Fields: map[string]string{}, Flash: workFlash(r)}
	f := store.RecordFilter{Type: form["type"], State: form["state"], DocNo: form["doc_no"], Current: q.Get("all") != "1", Limit: recordPageSize}
	if p.Role == auth.RoleOperator {
		f.Dept = form["dept"]
	} else {
		f.Dept = p.Dept
	}
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
	}
	if f.State != "" && !record.State(f.State).Valid() {
		v.Fields["state"] = "未知的状态"
	}
	if form["subject"] != "" {
		sub, err := s.API.Store.SubjectByCode(r.Context(), form["subject"])
		if errs.Is(err, errs.KindNotFound) {
			v.Fields["subject"] = "未找到该主体代码"
		} else if err != nil {
			return err
		} else {
			f.Subject = sub.ID
		}
	}
	cat, err := s.API.Store.Catalog(r.Context())
	if err != nil {
		return err
	}
	var recs []record.Record
	status := 200
	if len(v.Fields) == 0 {
		if recs, err = s.API.Store.Records(r.Context(), f); err != nil {
			return err
		}
	} else {
		v.Error, status = "筛选条件有误", http.StatusBadRequest
	}
	next := int64(0)
	if len(recs) == recordPageSize {
		next = recs[len(recs)-1].ID
	}
	for i := range recs {
		if t, ok := cat.Lookup(recs[i].Type); ok {
			recs[i].TypeName = t.Name
		}
	}
	v.Data = map[string]any{"Items": recs, "Next": next, "Types": cat.Types, "States": recordStates, "Operator": p.Role == auth.RoleOperator}
	s.render(w, r, status, "console_records", v)
	return nil
}

// recordShow shows one record, its versions and the revoke form.
func (s *server) recordShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, deptStaff...); err != nil {
		return err
	}
	return s.renderRecord(w, r, 200, view{Flash: workFlash(r)})
}

func (s *server) renderRecord(w http.ResponseWriter, r *http.Request, status int, v view) error {
	rec, hist, err := s.bridge().Record(r)
	if err != nil {
		return err
	}
	cat, err := s.API.Store.CatalogVersion(r.Context(), rec.CatalogVersion)
	if err != nil {
		return err
	}
	var fields [][2]string
	if t, ok := cat.Lookup(rec.Type); ok {
		rec.TypeName = t.Name
		for _, f := range t.Fields {
			if val := rec.Content[f.Code]; val != "" {
				fields = append(fields, [2]string{f.Name, val})
			}
		}
	}
	flags := make([]string, len(rec.Flags))
	for i, f := range rec.Flags {
		flags[i] = record.FlagLabel(f)
	}
	p, _ := requireRole(r)
	v.Title, v.Console = "信用记录 "+strconv.FormatInt(rec.ID, 10), true
	v.Data = map[string]any{"Record": rec, "History": hist, "Fields": fields, "Flags": flags,
		"CanRevoke": p.Is(deptWriters...) && rec.IsCurrent && rec.State != record.Revoked,
		"CanReview": p.Is(reviewRoles...) && rec.State == record.PendingReview}
	s.render(w, r, status, "console_record", v)
	return nil
}

func (s *server) recordRevoke(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, deptWriters...); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	out, err := s.bridge().Revoke(r, reason)
	if fe := formError(err); fe != nil {
		return s.renderRecord(w, r, http.StatusBadRequest, view{Error: fe.msg, Fields: fe.fields, Form: map[string]string{"reason": reason}})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/console/records/"+strconv.FormatInt(out.ID, 10)+"?done=revoked_record", http.StatusSeeOther)
	return nil
}
