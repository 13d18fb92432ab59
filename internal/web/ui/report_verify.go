package ui

import (
	"net/http"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/web/api"
)

// verifyForm shows the verification form; with ?no=&code= (the link in a
// report's QR code) it verifies at once.
func (s *server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	no, code := strings.TrimSpace(q.Get("no")), strings.TrimSpace(q.Get("code"))
	v := view{Title: "报告核验", CSRF: s.preCSRF(w, r), Form: map[string]string{"no": no, "code": code}}
	if no != "" || code != "" {
		res, err := s.API.VerifyReportCode(r.Context(), no, code)
		if fe := formError(err); fe != nil {
			v.Error, v.Fields = fe.msg, fe.fields
			s.render(w, r, http.StatusBadRequest, "verify", v)
			return nil
		} else if err != nil {
			return err
		}
		v.Data = res
	}
	s.render(w, r, 200, "verify", v)
	return nil
}

// verifyUpload checks an uploaded PDF byte for byte.
func (s *server) verifyUpload(w http.ResponseWriter, r *http.Request) error {
	if err := checkPreCSRF(r); err != nil {
		return err
	}
	v := view{Title: "报告核验", CSRF: s.preCSRF(w, r), Form: map[string]string{}}
	pdf, err := api.ReadUpload(r, "file", api.MaxReportFile)
	if err == nil {
		var res api.Verification
		res, err = s.API.VerifyReportPDF(r.Context(), pdf)
		v.Data = res
	}
	if fe := formError(err); fe != nil {
		v.Error, v.Fields = fe.msg, map[string]string{"file": fe.msg}
		s.render(w, r, errs.As(err).Kind.Status(), "verify", v)
		return nil
	} else if err != nil {
		return err
	}
	s.render(w, r, 200, "verify", v)
	return nil
}
