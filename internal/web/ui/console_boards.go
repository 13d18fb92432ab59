package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/web/api"
)

// boardPage lists published red/black boards and the period form (operator).
func (s *server) boardPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	now := s.API.Now().In(shanghai)
	first := now.AddDate(0, -1, -now.Day()+1)
	form := map[string]string{"title": first.Format("2006年1月") + "红黑榜", "period_start": first.Format("2006-01-02"),
		"period_end": first.AddDate(0, 1, -1).Format("2006-01-02")}
	return s.renderBoards(w, r, 200, view{Flash: workFlash(r), Form: form}, nil)
}

func (s *server) renderBoards(w http.ResponseWriter, r *http.Request, status int, v view, preview any) error {
	bs, err := s.API.Store.Boards(r.Context(), 0, 50)
	if err != nil {
		return err
	}
	v.Title, v.Console = "红黑榜发布", true
	v.Data = map[string]any{"Boards": bs, "Preview": preview}
	s.render(w, r, status, "console_boards", v)
	return nil
}

// boardSubmit previews (action=preview) or publishes the board of a period.
func (s *server) boardSubmit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	form := map[string]string{"title": strings.TrimSpace(r.PostFormValue("title")), "period_start": r.PostFormValue("period_start"), "period_end": r.PostFormValue("period_end")}
	publish := r.PostFormValue("action") == "publish"
	b, err := s.bridge().Board(r, api.BoardInput{Title: form["title"], PeriodStart: form["period_start"], PeriodEnd: form["period_end"]}, publish)
	if fe := formError(err); fe != nil {
		return s.renderBoards(w, r, http.StatusBadRequest, view{Error: fe.msg, Fields: fe.fields, Form: form}, nil)
	} else if err != nil {
		return err
	}
	if publish {
		http.Redirect(w, r, "/console/boards?done=board_published&id="+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
		return nil
	}
	return s.renderBoards(w, r, 200, view{Form: form}, b)
}
