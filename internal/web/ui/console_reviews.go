package ui

import (
	"net/http"
	"strconv"

	"xinyong/internal/auth"
	"xinyong/internal/record"
	"xinyong/internal/store"
)

// reviewList is the department's review queue (预留审核): records held
// until a reviewer passes or returns them.
func (s *server) reviewList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, reviewRoles...)
	if err != nil {
		return err
	}
	f := store.RecordFilter{State: string(record.PendingReview), Limit: 200}
	if p.Role != auth.RoleOperator {
		f.Dept = p.Dept
	}
	recs, err := s.API.Store.Records(r.Context(), f)
	if err != nil {
		return err
	}
	cat, err := s.API.Store.Catalog(r.Context())
	if err != nil {
		return err
	}
	for i := range recs {
		if t, ok := cat.Lookup(recs[i].Type); ok {
			recs[i].TypeName = t.Name
		}
	}
	review := true
	if p.Dept != "" {
		d, err := s.API.Store.Department(r.Context(), p.Dept)
		if err != nil {
			return err
		}
		review = d.ReviewRequired
	}
	s.render(w, r, 200, "console_reviews", view{Title: "审核队列", Console: true, Flash: workFlash(r), Data: map[string]any{"Items": recs, "ReviewOn": review}})
	return nil
}

// reviewSubmit passes or returns one record; a refusal comes back on the
// record page with the reason beside the field.
func (s *server) reviewSubmit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, reviewRoles...); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	action, reason := r.PostFormValue("action"), r.PostFormValue("reason")
	out, err := s.bridge().Review(r, action, reason)
	if fe := formError(err); fe != nil {
		return s.renderRecord(w, r, http.StatusBadRequest, view{Error: fe.msg, Fields: fe.fields, Form: map[string]string{"reason": reason}})
	} else if err != nil {
		return err
	}
	done := "passed"
	if action == record.ActionReturn {
		done = "returned"
	}
	http.Redirect(w, r, "/console/reviews?done="+done+"&id="+strconv.FormatInt(out.ID, 10), http.StatusSeeOther)
	return nil
}
