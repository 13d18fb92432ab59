package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/measure"
	"xinyong/internal/web/api"
)

// checkRoles may use the manual check tool: implementing departments' staff
// and the operator. The check is logged like an API check.
var checkRoles = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer}

// consoleAsOf turns the form's date or date-time (Asia/Shanghai) into the
// API's RFC 3339; a date alone means the end of that day (or now, today).
func consoleAsOf(v string, now time.Time) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, shanghai); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	d, err := time.ParseInLocation("2006-01-02", v, shanghai)
	if err != nil {
		return "", false
	}
	t := d.Add(24*time.Hour - time.Second)
	if t.After(now) {
		t = now
	}
	return t.Format(time.RFC3339), true
}

// checkTool shows the check form and, when a subject is given, the answer:
// entries, measures (mandatory first) with the chain entry → list type →
// measure → legal basis, related-person hits, incentives; then feedback.
func (s *server) checkTool(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, checkRoles...); err != nil {
		return err
	}
	q := r.URL.Query()
	form := map[string]string{"subject": strings.ToUpper(strings.TrimSpace(q.Get("subject"))), "scenario": q.Get("scenario"), "as_of": q.Get("as_of")}
	if q.Get("related") != "" {
		form["related"] = "on"
	}
	v := view{Title: "应查必查 · 核查工具", Console: true, Form: form, Fields: map[string]string{}}
	data := map[string]any{"Scenarios": measure.Scenarios()}
	v.Data = data
	if form["subject"] == "" && form["scenario"] == "" {
		s.render(w, r, 200, "console_check", v)
		return nil
	}
	asOf, ok := consoleAsOf(form["as_of"], s.API.Now())
	if !ok {
		v.Fields["as_of"] = "日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM"
	}
	if form["subject"] == "" {
		v.Fields["subject"] = "请输入主体代码"
	}
	if len(v.Fields) == 0 {
		related := ""
		if form["related"] != "" {
			related = "true"
		}
		res, err := s.bridge().Check(r, form["subject"], form["scenario"], asOf, related)
		if fe := formError(err); fe != nil {
			v.Fields = fe.fields
		} else if err != nil {
			return err
		} else {
			data["Answer"] = checkAnswer(res)
		}
	}
	status := 200
	if len(v.Fields) > 0 {
		v.Error, status = "核查条件有误，请按提示修改", http.StatusBadRequest
	}
	s.render(w, r, status, "console_check", v)
	return nil
}

// checkView is the answer as the page shows it.
type checkView struct {
	api.CheckResponse
	Mandatory, Recommended, Incentive []measureRow
}

type measureRow struct {
	Code, Text, Mode, Kind, Category, AppliesAs string
	Binds, Basis, Depts                         []string
	Chains                                      []chainRow
}

type chainRow struct{ Entry, Subject, Role, BasisDoc, ListName, ListBasis, Condition, Measure, Basis string }

func checkAnswer(res api.CheckResponse) checkView {
	cv := checkView{CheckResponse: res}
	for _, d := range res.Measures {
		m := measureRow{Code: d.Code, Text: d.Text, Mode: d.Mode.Label(), Kind: d.Kind.Label(), Category: d.Category.Label(), AppliesAs: d.AppliesAs,
			Basis: d.LegalBasis, Depts: d.ImplementingDepts}
		for _, b := range d.Binds {
			m.Binds = append(m.Binds, measure.Bind(b).Label())
		}
		for _, b := range d.Because {
			c := chainRow{Subject: b.Subject, Role: b.Role, BasisDoc: b.BasisDoc, ListName: b.ListName, ListBasis: b.ListBasis, Condition: b.Condition, Measure: b.Measure, Basis: b.Basis}
			if b.Entry != 0 {
				c.Entry = strconv.FormatInt(b.Entry, 10)
			}
			m.Chains = append(m.Chains, c)
		}
		switch {
		case d.Kind == measure.Reward:
			cv.Incentive = append(cv.Incentive, m)
		case d.Mode == measure.Mandatory:
			cv.Mandatory = append(cv.Mandatory, m)
		default:
			cv.Recommended = append(cv.Recommended, m)
		}
	}
	return cv
}
