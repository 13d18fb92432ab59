package ui

import (
	"bytes"
	"encoding/json"
	"net/http"

	"xinyong/internal/auth"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
)

// catalogList shows the catalog's record types (operator).
func (s *server) catalogList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	cat, err := s.API.Store.Catalog(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, 200, "console_catalog", view{Title: "信用信息目录", Console: true, Flash: workFlash(r), Data: cat})
	return nil
}

// catalogType shows one type's fields and its JSON for editing.
func (s *server) catalogType(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	t, err := s.currentType(r)
	if err != nil {
		return err
	}
	body, _ := json.MarshalIndent(t, "", "  ")
	s.render(w, r, 200, "console_catalog_type", view{Title: "信息类别 " + t.Name, Console: true, Flash: workFlash(r), Form: map[string]string{"body": string(body)}, Data: t})
	return nil
}

func (s *server) currentType(r *http.Request) (*catalog.Type, error) {
	cat, err := s.API.Store.Catalog(r.Context())
	if err != nil {
		return nil, err
	}
	t, ok := cat.Lookup(r.PathValue("type"))
	if !ok {
		return nil, errs.NotFound("catalog.type_not_found", "目录中没有该信息类别："+r.PathValue("type"))
	}
	return t, nil
}

// catalogSave stores an edited type as a new catalog version; the whole
// catalog is validated and refusals come back beside the JSON.
func (s *server) catalogSave(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	cur, err := s.currentType(r)
	if err != nil {
		return err
	}
	form := map[string]string{"body": r.PostFormValue("body")}
	var t catalog.Type
	reason := ""
	dec := json.NewDecoder(bytes.NewReader([]byte(form["body"])))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		reason = "JSON 格式有误：" + err.Error()
	} else if t.Code != cur.Code {
		reason = "类别代码不能修改（应为 " + cur.Code + "）"
	} else {
		_, err := s.API.Store.PutCatalogType(r.Context(), t, p.Actor())
		if fe := formError(err); fe != nil {
			reason = fe.msg
			if len(fe.fields) > 0 {
				reason = joinReasons(fe.fields)
			}
		} else if err != nil {
			return err
		}
	}
	if reason != "" {
		s.render(w, r, http.StatusBadRequest, "console_catalog_type", view{Title: "信息类别 " + cur.Name, Console: true, Error: "未保存，目录校验未通过",
			Fields: map[string]string{"body": reason}, Form: form, Data: cur})
		return nil
	}
	http.Redirect(w, r, "/console/catalog/"+cur.Code+"?done=saved", http.StatusSeeOther)
	return nil
}
