package ui

import (
	"net/http"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/list"
)

var exitReasons = [][2]string{
	{string(list.ExitRevocation), list.ExitRevocation.Label()}, {string(list.ExitRepair), list.ExitRepair.Label()},
	{string(list.ExitCourt), list.ExitCourt.Label()}, {string(list.ExitExpiry), list.ExitExpiry.Label()},
	{string(list.ExitWithdrawn), list.ExitWithdrawn.Label()}, {string(list.ExitOther), list.ExitOther.Label()},
}

func init() {
	funcs["actionlabel"] = func(a string) string {
		if a == "propose" {
			return "拟列入"
		}
		return list.Action(a).Label()
	}
	funcs["statelabel"] = func(st string) string { return list.State(st).Label() }
}

// entryShow shows an entry: facts, type and basis, notice, bound persons,
// pauses, history and the actions its state allows.
func (s *server) entryShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, deptStaff...); err != nil {
		return err
	}
	return s.renderEntry(w, r, 200, view{Flash: workFlash(r)})
}

func (s *server) renderEntry(w http.ResponseWriter, r *http.Request, status int, v view) error {
	e, t, hist, err := s.bridge().Entry(r)
	if err != nil {
		return err
	}
	p, _ := requireRole(r)
	var acts []string
	if p.Is(deptWriters...) && (p.Role != auth.RoleClerk || p.Dept == t.IdentifyingDept) {
		switch e.State {
		case list.Proposed:
			acts = []string{"notify", "exit"}
		case list.Notified:
			acts = []string{"activate", "exit"}
		case list.Active:
			acts = []string{"exit"}
		}
	}
	objectionEnds := ""
	if e.State == list.Notified && t.ObjectionDays > 0 {
		objectionEnds = list.ObjectionEnds(e.NotifiedAt, t).In(shanghai).Format("2006-01-02 15:04")
	}
	v.Title, v.Console = "名单条目 "+e.SubjectName, true
	v.Data = map[string]any{"Entry": e, "Type": t, "History": hist, "Actions": acts, "ExitReasons": exitReasons, "ObjectionEnds": objectionEnds,
		"Notice": strings.Split(strings.TrimSpace(e.Notice), "\n")}
	s.render(w, r, status, "console_entry", v)
	return nil
}

// entryAct notifies, activates or exits an entry.
func (s *server) entryAct(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, deptWriters...); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	a := list.Action(r.PathValue("action"))
	if a != list.ActNotify && a != list.ActActivate && a != list.ActExit {
		return notFound(w, r)
	}
	form := map[string]string{"reason": r.PostFormValue("reason"), "note": strings.TrimSpace(r.PostFormValue("note")), "action": string(a)}
	_, err := s.bridge().Transition(r, a, form["reason"], form["note"])
	if fe := formError(err); fe != nil {
		msg := fe.msg
		if len(fe.fields) == 0 {
			msg = errs.As(err).Message
		}
		return s.renderEntry(w, r, errs.As(err).Kind.Status(), view{Error: msg, Fields: fe.fields, Form: form})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/console/entries/"+r.PathValue("id")+"?done="+string(a), http.StatusSeeOther)
	return nil
}
