package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/web/api"
)

// Console pages for handling objections, repairs and reports: a queue with
// due dates (overdue ones highlighted) and a case page with its actions.

func (s *server) consoleRemedyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /console/remedies", s.wrap(s.remedyQueue))
	mux.HandleFunc("GET /console/remedies/{id}", s.wrap(s.remedyCase))
	mux.HandleFunc("POST /console/remedies/{id}", s.wrap(s.remedyAct))
}

func (s *server) remedyQueue(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.CaseFilter{Kind: remedy.Kind(q.Get("kind")), Open: q.Get("all") != "1", Overdue: q.Get("overdue") == "1", Limit: 200}
	if f.Kind != "" && remedy.States(f.Kind) == nil {
		f.Kind = ""
	}
	if p.Role != auth.RoleOperator {
		f.Dept = p.Dept
	}
	cs, err := s.API.Store.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	overdue := 0
	for _, c := range cs {
		if c.Overdue {
			overdue++
		}
	}
	s.render(w, r, 200, "console_remedies", view{Title: "异议、修复与举报办理", Console: true,
		Form: map[string]string{"kind": string(f.Kind), "overdue": q.Get("overdue"), "all": q.Get("all")},
		Data: map[string]any{"Items": cs, "Overdue": overdue}})
	return nil
}

func (s *server) remedyCase(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer); err != nil {
		return err
	}
	cv, err := api.NewPortal(s.API).Case(r)
	if err != nil {
		return err
	}
	s.renderCase(w, r, 200, cv, "", "")
	return nil
}

func (s *server) renderCase(w http.ResponseWriter, r *http.Request, status int, cv api.CaseView, flash, msg string) {
	ds, _ := s.API.Store.Departments(r.Context())
	acts := make([][2]string, len(cv.Actions))
	for i, a := range cv.Actions {
		acts[i] = [2]string{string(a), a.Label()}
	}
	mats := [][2]string{}
	for _, k := range remedy.RequiredMaterials("serious") {
		mats = append(mats, [2]string{k, remedy.MaterialLabel(k)})
	}
	s.render(w, r, status, "console_remedy", view{Title: cv.Case.KindLabel + " " + strconv.FormatInt(cv.Case.ID, 10), Console: true, Flash: flash, Error: msg,
		Data: map[string]any{"Case": cv.Case, "Actions": acts, "Departments": ds, "Materials": mats, "Missing": labels(cv.Case.Missing)}})
}

func (s *server) remedyAct(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := formCSRF(r); err != nil {
		return err
	}
	portal := api.NewPortal(s.API)
	cv, err := portal.Act(r, remedy.Action(r.PostFormValue("action")), strings.TrimSpace(r.PostFormValue("note")), r.PostFormValue("dept"), r.PostForm["missing"])
	if fe := formError(err); fe != nil {
		cur, err2 := portal.Case(r)
		if err2 != nil {
			return err2
		}
		msg := fe.msg
		for _, reason := range fe.fields {
			msg += "：" + reason
		}
		s.renderCase(w, r, 400, cur, "", msg)
		return nil
	} else if err != nil {
		return err
	}
	s.renderCase(w, r, 200, cv, "已办理："+cv.Case.StateLabel, "")
	return nil
}
