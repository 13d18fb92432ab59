package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/measure"
)

// rulesList shows the list types and the measures list (operator).
func (s *server) rulesList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	types, ms, version, err := s.API.Store.Rules(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, 200, "console_rules", view{Title: "名单类型与联合奖惩措施", Console: true, Flash: workFlash(r),
		Data: map[string]any{"Types": types, "Measures": ms, "Version": version}})
	return nil
}

func (s *server) measureByCode(r *http.Request) (measure.Measure, error) {
	_, ms, _, err := s.API.Store.Rules(r.Context())
	if err != nil {
		return measure.Measure{}, err
	}
	for _, m := range ms {
		if m.Code == r.PathValue("code") {
			return m, nil
		}
	}
	return measure.Measure{}, errs.NotFound("measure.not_found", "措施清单中没有该措施："+r.PathValue("code"))
}

// measureEdit shows a measure's JSON for editing.
func (s *server) measureEdit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	m, err := s.measureByCode(r)
	if err != nil {
		return err
	}
	body, _ := json.MarshalIndent(m, "", "  ")
	s.render(w, r, 200, "console_measure", view{Title: "编辑措施 " + m.Code, Console: true, Form: map[string]string{"body": string(body)},
		Data: map[string]any{"Measure": m}})
	return nil
}

// measureSave previews (action=preview: how many subjects now on the
// triggering lists the measure binds before and after) or saves a measure.
func (s *server) measureSave(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	old, err := s.measureByCode(r)
	if err != nil {
		return err
	}
	form := map[string]string{"body": r.PostFormValue("body")}
	v := view{Title: "编辑措施 " + old.Code, Console: true, Form: form, Fields: map[string]string{}}
	data := map[string]any{"Measure": old}
	v.Data = data
	var m measure.Measure
	dec := json.NewDecoder(bytes.NewReader([]byte(form["body"])))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		v.Fields["body"] = "JSON 格式有误：" + err.Error()
	} else if m.Code != old.Code {
		v.Fields["body"] = "措施编码不能修改（应为 " + old.Code + "）"
	}
	if len(v.Fields) == 0 {
		reach, err := s.API.Store.MeasureReach(r.Context(), old.ListTypes, m.ListTypes, list.Day(s.API.Now()))
		if err != nil {
			return err
		}
		data["Reach"] = reach
		if r.PostFormValue("action") == "save" {
			err := s.API.Store.SaveMeasure(r.Context(), m, p.Actor())
			if fe := formError(err); fe != nil {
				v.Error, v.Fields = fe.msg, fe.fields
				v.Fields["body"] = joinReasons(fe.fields)
			} else if err != nil {
				return err
			} else {
				http.Redirect(w, r, "/console/rules?done=saved", http.StatusSeeOther)
				return nil
			}
		}
	}
	status := 200
	if len(v.Fields) > 0 {
		status = http.StatusBadRequest
		if v.Error == "" {
			v.Error = "措施内容有误，未保存"
		}
	}
	s.render(w, r, status, "console_measure", v)
	return nil
}

// joinReasons lists field reasons as one line (field: reason; …).
func joinReasons(fields map[string]string) string {
	var parts []string
	for f, reason := range fields {
		parts = append(parts, f+"："+reason)
	}
	return strings.Join(parts, "；")
}
