package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/errs"
)

func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	var n int64
	if ix := s.API.Search; ix != nil && ix.Ready() {
		n = int64(ix.Len())
	} else {
		var err error
		if n, err = s.API.Store.SubjectCount(r.Context()); err != nil {
			return err
		}
	}
	ds, err := s.API.Store.Departments(r.Context())
	if err != nil {
		return err
	}
	reports, err := s.API.Store.ReportCount(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, 200, "home", view{Title: "首页", Data: map[string]any{"Subjects": n, "Departments": len(ds), "Reports": reports}})
	return nil
}

const searchPage = 50

func (s *server) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := view{Title: "信用查询", Form: map[string]string{"q": q}}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	switch {
	case q == "":
	case len([]rune(q)) > 100:
		v.Error = "查询词不能超过 100 个字符"
	default:
		subs, err := s.API.FindSubjects(r.Context(), q, max(after, 0), searchPage)
		if err != nil {
			return err
		}
		if len(subs) == 1 && after == 0 && strings.EqualFold(subs[0].Code, q) {
			http.Redirect(w, r, "/subjects/"+subs[0].Code, http.StatusSeeOther)
			return nil
		}
		data := map[string]any{"Items": subs, "Page": after > 0}
		if len(subs) == searchPage {
			data["Next"] = subs[len(subs)-1].ID
		}
		v.Data = data
	}
	s.render(w, r, 200, "search", v)
	return nil
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return errs.NotFound("page.not_found", "您访问的页面不存在或已被移除，请检查网址，或从首页重新查询。")
}

func (s *server) rights(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, 200, "rights", view{Title: "信用主体的权利"})
	return nil
}
