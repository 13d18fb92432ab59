package ui

import (
	"net/http"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/subject"
)

func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	n, err := s.API.Store.SubjectCount(r.Context())
	if err != nil {
		return err
	}
	ds, err := s.API.Store.Departments(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, 200, "home", view{Title: "首页", Data: map[string]any{"Subjects": n, "Departments": len(ds)}})
	return nil
}

func (s *server) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := view{Title: "信用查询", Form: map[string]string{"q": q}}
	if q != "" {
		if len([]rune(q)) > 100 {
			v.Error = "查询词不能超过 100 个字符"
		} else {
			subs, err := s.API.Store.SearchSubjects(r.Context(), q, 0, 50)
			if err != nil {
				return err
			}
			if len(subs) == 1 && strings.EqualFold(subs[0].Code, q) {
				http.Redirect(w, r, "/subjects/"+subs[0].Code, http.StatusSeeOther)
				return nil
			}
			if len(subs) > 0 {
				v.Data = subs
			}
		}
	}
	s.render(w, r, 200, "search", v)
	return nil
}

func (s *server) subjectPage(w http.ResponseWriter, r *http.Request) error {
	code := strings.ToUpper(strings.TrimSpace(r.PathValue("code")))
	if v := subject.Identify(code, s.API.Now()); v.Kind.Personal() {
		return errs.NotFound("subject.not_found", "门户不支持按证件号码查询")
	}
	sub, err := s.API.Store.SubjectByCode(r.Context(), code)
	if err != nil {
		return err
	}
	s.render(w, r, 200, "subject", view{Title: sub.Name, Data: sub})
	return nil
}
