package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/store"
)

var entryStates = [][2]string{
	{string(list.Proposed), list.Proposed.Label()}, {string(list.Notified), list.Notified.Label()},
	{string(list.Active), list.Active.Label()}, {string(list.Exited), list.Exited.Label()},
}

// entryTypes are the list types the caller may identify: its department's
// (the operator: all).
func (s *server) entryTypes(r *http.Request, p auth.Principal) ([]list.Type, map[string]list.Type, error) {
	types, _, _, err := s.API.Store.Rules(r.Context())
	if err != nil {
		return nil, nil, err
	}
	byCode := map[string]list.Type{}
	var own []list.Type
	for _, t := range types {
		byCode[t.Code] = t
		if p.Role == auth.RoleOperator || (p.Role == auth.RoleClerk && t.IdentifyingDept == p.Dept) {
			own = append(own, t)
		}
	}
	return own, byCode, nil
}

// entryList lists the department's list entries and holds the proposal form.
func (s *server) entryList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, deptStaff...); err != nil {
		return err
	}
	return s.renderEntries(w, r, 200, view{Flash: workFlash(r), Form: map[string]string{}})
}

func (s *server) renderEntries(w http.ResponseWriter, r *http.Request, status int, v view) error {
	p, _ := requireRole(r)
	q := r.URL.Query()
	own, byCode, err := s.entryTypes(r, p)
	if err != nil {
		return err
	}
	now := s.API.Now()
	f := store.EntryFilter{ListType: q.Get("list_type"), Today: list.Day(now)}
	filter := map[string]string{"state": q.Get("state"), "list_type": f.ListType, "subject": strings.ToUpper(strings.TrimSpace(q.Get("subject")))}
	switch st := list.State(filter["state"]); st {
	case list.Proposed, list.Notified, list.Active, list.Exited:
		f.State = st
	}
	if p.Role != auth.RoleOperator {
		f.Dept = p.Dept
	}
	var es []list.Entry
	found := true
	if filter["subject"] != "" {
		sub, err := s.API.Store.SubjectByCode(r.Context(), filter["subject"])
		if errs.Is(err, errs.KindNotFound) {
			found = false
		} else if err != nil {
			return err
		} else {
			f.SubjectID = sub.ID
		}
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	if found {
		if es, err = s.API.Store.Entries(r.Context(), f, after, 100); err != nil {
			return err
		}
	}
	for i := range es {
		es[i] = es[i].Effective(now, byCode[es[i].ListType])
		es[i].ListName = byCode[es[i].ListType].Name
	}
	next := int64(0)
	if len(es) == 100 {
		next = es[len(es)-1].ID
	}
	if v.Form["start"] == "" && status == 200 {
		v.Form["start"] = list.Day(now)
	}
	v.Title, v.Console = "红黑名单认定", true
	v.Data = map[string]any{"Items": es, "Next": next, "Own": own, "States": entryStates, "Filter": filter, "NotFound": !found,
		"CanPropose": len(own) > 0 && p.Is(deptWriters...)}
	s.render(w, r, status, "console_entries", v)
	return nil
}

// entryPropose proposes an entry (拟列入) from the form.
func (s *server) entryPropose(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, deptWriters...); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"subject", "list_type", "facts", "basis_doc", "start", "end"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	form["subject"] = strings.ToUpper(form["subject"])
	e, err := s.bridge().Propose(r, list.Proposal{Subject: form["subject"], ListType: form["list_type"], Facts: form["facts"],
		BasisDoc: form["basis_doc"], Start: form["start"], End: form["end"]})
	if fe := formError(err); fe != nil {
		return s.renderEntries(w, r, http.StatusBadRequest, view{Error: fe.msg, Fields: fe.fields, Form: form})
	} else if errs.Is(err, errs.KindForbidden) {
		return s.renderEntries(w, r, http.StatusForbidden, view{Error: errs.As(err).Message, Fields: map[string]string{"list_type": errs.As(err).Message}, Form: form})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/console/entries/"+strconv.FormatInt(e.ID, 10)+"?done=proposed", http.StatusSeeOther)
	return nil
}
