package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/catalog"
	"xinyong/internal/store"
)

// submitPage is what the submission page shows: the catalog types the
// department may submit, the chosen type's fields, and a row report.
type submitPage struct {
	Types    []catalog.Type
	Type     *catalog.Type
	Depts    []store.Department
	Operator bool
	Report   *store.BatchReport
}

// fieldInput is how a catalog field is entered in the form.
func fieldInput(f catalog.Field) string {
	switch f.Type {
	case catalog.FieldDate:
		return "date"
	case catalog.FieldEnum, catalog.FieldIDKind:
		return "select"
	case catalog.FieldText:
		return "textarea"
	}
	return "text"
}

func (s *server) submitData(r *http.Request, p auth.Principal, typ string) (submitPage, error) {
	cat, err := s.API.Store.Catalog(r.Context())
	if err != nil {
		return submitPage{}, err
	}
	d := submitPage{Operator: p.Role == auth.RoleOperator}
	for _, t := range cat.Types {
		if d.Operator || t.AllowsDepartment(p.Dept) {
			d.Types = append(d.Types, t)
		}
	}
	if t, ok := cat.Lookup(typ); ok && (d.Operator || t.AllowsDepartment(p.Dept)) {
		d.Type = t
	}
	if d.Operator {
		if d.Depts, err = s.API.Store.Departments(r.Context()); err != nil {
			return d, err
		}
	}
	return d, nil
}

// recordNew shows the single-record form (fields from the chosen type's
// schema) and the file upload form.
func (s *server) recordNew(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, deptWriters...)
	if err != nil {
		return err
	}
	typ := r.URL.Query().Get("type")
	d, err := s.submitData(r, p, typ)
	if err != nil {
		return err
	}
	if d.Type == nil && typ == "" && len(d.Types) > 0 {
		d.Type = &d.Types[0]
	}
	s.render(w, r, 200, "console_record_new", view{Title: "报送信用记录", Console: true, Data: d, Form: map[string]string{"dept": r.URL.Query().Get("dept")}})
	return nil
}

// recordSubmit ingests one record from the form: accepted, it opens the
// record; refused, the form comes back with the reason beside each field.
func (s *server) recordSubmit(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, deptWriters...)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	typ := r.PostFormValue("type")
	d, err := s.submitData(r, p, typ)
	if err != nil {
		return err
	}
	form := map[string]string{"dept": r.PostFormValue("dept")}
	v := view{Title: "报送信用记录", Console: true, Form: form, Fields: map[string]string{}}
	if d.Type == nil {
		v.Error, v.Fields["type"] = "请选择本部门可报送的信息类别", "请选择信息类别"
		v.Data = d
		s.render(w, r, http.StatusBadRequest, "console_record_new", v)
		return nil
	}
	values := map[string]string{}
	for _, f := range d.Type.Fields {
		if val := strings.TrimSpace(r.PostFormValue(f.Code)); val != "" {
			values[f.Code], form[f.Code] = val, val
		}
	}
	rep, err := s.bridge().Submit(r, form["dept"], d.Type.Code, values)
	if fe := formError(err); fe != nil {
		v.Error, v.Fields, v.Data = fe.msg, fe.fields, d
		s.render(w, r, http.StatusBadRequest, "console_record_new", v)
		return nil
	} else if err != nil {
		return err
	}
	if rep.Rejected > 0 || len(rep.Outcomes) == 0 {
		for _, is := range rep.Issues {
			if v.Fields[is.Field] == "" {
				v.Fields[is.Field] = is.Reason
			} else {
				v.Fields[is.Field] += "；" + is.Reason
			}
		}
		d.Report = rep
		v.Error, v.Data = "记录未通过校验，未入库。请按提示修改后重新提交。", d
		s.render(w, r, http.StatusBadRequest, "console_record_new", v)
		return nil
	}
	o := rep.Outcomes[0]
	done := map[string]string{"created": "created_record", "corrected": "corrected_record", "duplicate": "duplicate_record"}[o.Result]
	http.Redirect(w, r, "/console/records/"+strconv.FormatInt(o.ID, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}
