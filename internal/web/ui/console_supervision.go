package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/score"
	"xinyong/internal/store"
)

type supervisionView struct {
	Items []store.StoredScore
	Model *score.Model
	Next  int64
}

// supervisionPage lists scored subjects by supervision class and grade
// (分级分类监管): the operator sees all, a department the subjects it holds
// records of, as GET /api/v1/supervision does.
func (s *server) supervisionPage(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	form := map[string]string{"class": strings.ToUpper(q.Get("class")), "grade": strings.ToUpper(q.Get("grade"))}
	fields := map[string]string{}
	if c := form["class"]; c != "" && c != "A" && c != "B" && c != "C" {
		fields["class"] = "监管类别应为 A、B 或 C"
	}
	if g := form["grade"]; g != "" && score.GradeRank(g) < 0 {
		fields["grade"] = "信用等级应为 AAA、AA、A、BBB、BB、B、CCC、CC、C 之一"
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	v := view{Title: "分级分类监管", Console: true, Form: form, Fields: fields}
	status := http.StatusOK
	if len(fields) > 0 {
		status = http.StatusBadRequest
		v.Error = "筛选条件有误"
	} else {
		dept := p.Dept
		if p.Role == auth.RoleOperator {
			dept = ""
		}
		items, err := s.API.Store.Supervision(r.Context(), store.SupervisionFilter{Dept: dept, Class: form["class"], Grade: form["grade"], After: after, Limit: 50})
		if err != nil {
			return err
		}
		m, err := s.API.Store.ActiveScoreModel(r.Context())
		if err != nil {
			return err
		}
		sv := supervisionView{Items: items, Model: m}
		if len(items) == 50 {
			sv.Next = items[len(items)-1].SubjectID
		}
		v.Data = sv
	}
	s.render(w, r, status, "console_supervision", v)
	return nil
}
