package ui

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/store"
)

// maxUploadFile bounds a record file uploaded in the console.
const maxUploadFile = 16 << 20

func init() { funcs["input"] = fieldInput }

// recordImport takes a CSV/XLSX upload and shows the row-by-row report in
// the page, with the XLSX report to download.
func (s *server) recordImport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, deptWriters...)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return errs.Invalid("request.content_type", "请通过页面表单上传文件")
	}
	if err := r.ParseMultipartForm(maxUploadFile); err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return &errs.Error{Kind: errs.KindTooLarge, Key: "request.too_large", Message: "上传的文件过大（不超过 16 MB）"}
		}
		return errs.Field("file", "无法读取上传内容")
	}
	defer r.MultipartForm.RemoveAll()
	if err := checkCSRF(r); err != nil {
		return err
	}
	typ := r.FormValue("type")
	d, err := s.submitData(r, p, typ)
	if err != nil {
		return err
	}
	form := map[string]string{"dept": r.FormValue("dept")}
	v := view{Title: "报送信用记录", Console: true, Form: form, Fields: map[string]string{}, Data: d}
	refuse := func(field, msg string, status int) error {
		v.Error, v.Fields[field] = msg, msg
		s.render(w, r, status, "console_record_new", v)
		return nil
	}
	if d.Type == nil {
		return refuse("type", "请选择本部门可报送的信息类别", http.StatusBadRequest)
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return refuse("file", "请选择要上传的文件", http.StatusBadRequest)
	}
	defer f.Close()
	if fh.Size > maxUploadFile {
		return refuse("file", "上传的文件过大（不超过 16 MB）", http.StatusRequestEntityTooLarge)
	}
	switch strings.ToLower(filepath.Ext(fh.Filename)) {
	case ".csv", ".xlsx":
	default:
		return refuse("file", "只接受 CSV 或 Excel（.xlsx）文件", http.StatusBadRequest)
	}
	rep, err := s.bridge().Import(r, form["dept"], d.Type.Code, f, filepath.Base(fh.Filename))
	if fe := formError(err); fe != nil {
		msg := fe.msg
		for _, reason := range fe.fields {
			msg = reason
		}
		return refuse("file", msg, errs.As(err).Kind.Status())
	} else if err != nil {
		return err
	}
	s.render(w, r, 200, "console_batch", view{Title: "报送结果", Console: true, Data: batchPage{rep, d.Type.Name}})
	return nil
}

// batchPage is a batch report with its type's name.
type batchPage struct {
	*store.BatchReport
	TypeName string
}

// batchShow shows the row report of an earlier batch of the department.
func (s *server) batchShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, deptStaff...); err != nil {
		return err
	}
	rep, err := s.bridge().Batch(r)
	if err != nil {
		return err
	}
	name := rep.Type
	if cat, err := s.API.Store.CatalogVersion(r.Context(), rep.CatalogVersion); err == nil {
		if t, ok := cat.Lookup(rep.Type); ok {
			name = t.Name
		}
	}
	s.render(w, r, 200, "console_batch", view{Title: "报送结果", Console: true, Data: batchPage{rep, name}})
	return nil
}
