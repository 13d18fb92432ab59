package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/push"
	"xinyong/internal/web/api"
)

// pushRoles manage push subscriptions: the operator for every department,
// a clerk for its own (as in the API).
var pushRoles = []auth.Role{auth.RoleOperator, auth.RoleClerk}

func (s *server) subscriptionList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, pushRoles...); err != nil {
		return err
	}
	return s.renderSubscriptions(w, r, 200, view{Flash: workFlash(r), Form: map[string]string{}})
}

func (s *server) renderSubscriptions(w http.ResponseWriter, r *http.Request, status int, v view) error {
	p, _ := requireRole(r)
	dept := ""
	if p.Role != auth.RoleOperator {
		dept = p.Dept
	}
	subs, err := s.API.Store.Subscriptions(r.Context(), dept, 0, 500)
	if err != nil {
		return err
	}
	types, _, _, err := s.API.Store.Rules(r.Context())
	if err != nil {
		return err
	}
	ds, err := s.API.Store.Departments(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Console = "推送订阅", true
	v.Data = map[string]any{"Items": subs, "EventTypes": push.EventTypes(), "ListTypes": types, "Depts": ds, "Operator": p.Role == auth.RoleOperator,
		"Checked": checkedSet(r.PostForm["event_types"], r.PostForm["list_types"])}
	s.render(w, r, status, "console_subscriptions", v)
	return nil
}

func checkedSet(lists ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, x := range l {
			m[x] = true
		}
	}
	return m
}

func (s *server) subscriptionCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, pushRoles...); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	form := map[string]string{"url": strings.TrimSpace(r.PostFormValue("url")), "description": strings.TrimSpace(r.PostFormValue("description")), "dept": r.PostFormValue("dept")}
	sub, secret, err := s.bridge().Subscribe(r, api.SubscriptionInput{Dept: form["dept"], URL: form["url"], Description: form["description"],
		EventTypes: r.PostForm["event_types"], ListTypes: r.PostForm["list_types"]})
	if fe := formError(err); fe != nil {
		fields := map[string]string{}
		for k, reason := range fe.fields {
			k, _, _ = strings.Cut(k, "[")
			fields[k] = reason
		}
		return s.renderSubscriptions(w, r, http.StatusBadRequest, view{Error: "新建订阅失败，请按提示修改", Fields: fields, Form: form})
	} else if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusCreated, "console_subscription", view{Title: "订阅已创建", Console: true, Flash: "订阅已创建。签名密钥只显示这一次，请立即妥善保存。",
		Data: map[string]any{"Sub": sub, "Secret": secret}})
	return nil
}

func (s *server) subscriptionShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, pushRoles...); err != nil {
		return err
	}
	return s.renderSubscription(w, r, 200, view{Flash: workFlash(r)})
}

func (s *server) renderSubscription(w http.ResponseWriter, r *http.Request, status int, v view) error {
	sub, ds, err := s.bridge().Subscription(r, 100)
	if err != nil {
		return err
	}
	v.Title, v.Console = "推送订阅 "+strconv.FormatInt(sub.ID, 10), true
	v.Data = map[string]any{"Sub": sub, "Deliveries": ds}
	s.render(w, r, status, "console_subscription", v)
	return nil
}

// subscriptionAct disables (with a reason), enables or redelivers one change.
func (s *server) subscriptionAct(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, pushRoles...); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	form := map[string]string{"reason": r.PostFormValue("reason"), "seq": strings.TrimSpace(r.PostFormValue("seq"))}
	var err error
	switch op := r.PathValue("op"); op {
	case "disable", "enable":
		_, err = s.bridge().SetSubscriptionActive(r, op == "enable", form["reason"])
	case "redeliver":
		seq, _ := strconv.ParseInt(form["seq"], 10, 64)
		err = s.bridge().Redeliver(r, seq)
	default:
		return notFound(w, r)
	}
	if fe := formError(err); fe != nil {
		msg := fe.msg
		if len(fe.fields) > 0 {
			msg = joinReasons(fe.fields)
		}
		return s.renderSubscription(w, r, http.StatusBadRequest, view{Error: msg, Fields: fe.fields, Form: form})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/console/subscriptions/"+r.PathValue("id")+"?done=sub_"+r.PathValue("op"), http.StatusSeeOther)
	return nil
}
