package api

import (
	"crypto/rand"
	"net/http"
	"strings"
	"unicode/utf8"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/push"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

// subscribe is POST /subscriptions after decoding: it returns the new
// subscription and its signing secret (shown once).
func (h *handlers) subscribe(r *http.Request, in SubscriptionInput) (store.Subscription, string, error) {
	p := httpx.PrincipalOf(r.Context())
	in.Dept = strings.TrimSpace(in.Dept)
	if p.Role != auth.RoleOperator {
		if in.Dept != "" && in.Dept != p.Dept {
			return store.Subscription{}, "", errs.Forbidden("subscription.other_dept", "只能为本部门创建推送订阅")
		}
		in.Dept = p.Dept
	}
	var fes []errs.FieldError
	spec, err := push.Spec{URL: in.URL, Description: in.Description, EventTypes: in.EventTypes, ListTypes: in.ListTypes}.Normalize()
	if err != nil {
		fes = append(fes, errs.As(err).Fields...)
	}
	if in.Dept == "" {
		fes = append(fes, errs.FieldError{Field: "dept", Reason: "请指定订阅所属部门"})
	}
	secret := strings.TrimSpace(in.Secret)
	if secret != "" {
		if _, err := push.SecretKey(secret); err != nil {
			fes = append(fes, errs.FieldError{Field: "secret", Reason: err.Error()})
		}
	} else if secret, err = push.NewSecret(rand.Reader); err != nil {
		return store.Subscription{}, "", errs.Internal(err)
	}
	if len(fes) > 0 {
		return store.Subscription{}, "", errs.Invalid("subscription.invalid", "订阅信息有误", fes...)
	}
	sub, err := h.Store.CreateSubscription(r.Context(), store.Subscription{Dept: in.Dept, URL: spec.URL, Description: spec.Description,
		EventTypes: spec.EventTypes, ListTypes: spec.ListTypes, Secret: secret}, p.Actor())
	return sub, secret, err
}

// Subscribe creates a push subscription; the secret is shown once.
func (c *Console) Subscribe(r *http.Request, in SubscriptionInput) (store.Subscription, string, error) {
	return c.h.subscribe(r, in)
}

// Subscription returns a subscription the caller may see and its latest
// deliveries.
func (c *Console) Subscription(r *http.Request, limit int) (store.Subscription, []store.Delivery, error) {
	sub, err := c.h.subscription(r)
	if err != nil {
		return sub, nil, err
	}
	ds, err := c.h.Store.Deliveries(r.Context(), sub.ID, 0, limit)
	return sub, ds, err
}

// SetSubscriptionActive disables (with a reason) or enables a subscription.
func (c *Console) SetSubscriptionActive(r *http.Request, active bool, reason string) (store.Subscription, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 200 {
		return store.Subscription{}, errs.Field("reason", "停用原因最多 200 个字符")
	}
	if reason == "" && !active {
		reason = "手动停用"
	}
	cur, err := c.h.subscription(r)
	if err != nil {
		return cur, err
	}
	return c.h.Store.SetSubscriptionActive(r.Context(), cur.ID, active, reason, httpx.PrincipalOf(r.Context()).Actor())
}

// Redeliver queues one change of the feed for redelivery.
func (c *Console) Redeliver(r *http.Request, seq int64) error {
	if seq < 1 {
		return errs.Field("seq", "请指定要重新推送的变更序号（正整数）")
	}
	sub, err := c.h.subscription(r)
	if err != nil {
		return err
	}
	if sub.State != store.SubActive {
		return errs.Conflict("subscription.disabled", "订阅已停用，请先启用后再重新推送")
	}
	return c.h.Store.RequestRedelivery(r.Context(), sub.ID, seq, httpx.PrincipalOf(r.Context()).Actor())
}
