package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/web/api"
)

// checkShow shows a logged check (its measures) and the feedback so far.
func (s *server) checkShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, checkRoles...); err != nil {
		return err
	}
	return s.renderCheckLog(w, r, 200, view{Flash: workFlash(r)})
}

func (s *server) renderCheckLog(w http.ResponseWriter, r *http.Request, status int, v view) error {
	l, fb, err := s.bridge().CheckLog(r)
	if err != nil {
		return err
	}
	given := map[string]bool{}
	for _, f := range fb {
		given[f.Measure] = true
	}
	var open []string
	for _, m := range l.Measures {
		if !given[m] {
			open = append(open, m)
		}
	}
	v.Title, v.Console = "核查记录 "+l.ID, true
	v.Data = map[string]any{"Log": l, "Feedback": fb, "Open": open}
	s.render(w, r, status, "console_check_log", v)
	return nil
}

// checkFeedback records, per measure, whether it was applied and why not.
// Measures left blank are skipped (feedback can be given in parts).
func (s *server) checkFeedback(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, checkRoles...); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	form := map[string]string{}
	var items []api.FeedbackItem
	for _, m := range r.PostForm["measure"] {
		applied, reason := r.PostFormValue("applied_"+m), strings.TrimSpace(r.PostFormValue("reason_"+m))
		form["applied_"+m], form["reason_"+m] = applied, reason
		if applied == "" && reason == "" {
			continue
		}
		it := api.FeedbackItem{Measure: m, Reason: reason}
		switch applied {
		case "yes":
			it.Applied = ptrBool(true)
		case "no":
			it.Applied = ptrBool(false)
		}
		items = append(items, it)
	}
	_, err := s.bridge().Feedback(r, items)
	if fe := formError(err); fe != nil {
		fields := map[string]string{}
		for k, reason := range fe.fields {
			fields[feedbackField(k, items)] = reason
		}
		return s.renderCheckLog(w, r, http.StatusBadRequest, view{Error: fe.msg, Fields: fields, Form: form})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/console/checks/"+r.PathValue("id")+"?done=feedback", http.StatusSeeOther)
	return nil
}

// feedbackField maps the API's items[i].x to the form's x_CODE.
func feedbackField(k string, items []api.FeedbackItem) string {
	idx, f, ok := strings.Cut(strings.TrimPrefix(k, "items["), "].")
	if i, err := strconv.Atoi(idx); ok && err == nil && i >= 0 && i < len(items) {
		if f == "measure" {
			f = "applied"
		}
		return f + "_" + items[i].Measure
	}
	return "items"
}

func ptrBool(b bool) *bool { return &b }
