package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/push"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

// pushAdmins may manage subscriptions: the operator for every department,
// a department's clerk or system token for its own.
var pushAdmins = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleSystem}

func (h *handlers) pushRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/push/event-types", pushAdmins, "可订阅的推送事件类型", h.pushEventTypes},
		{"GET", "/api/v1/subscriptions", pushAdmins, "推送订阅列表（部门只见本部门）", h.listSubscriptions},
		{"POST", "/api/v1/subscriptions", pushAdmins, "新建推送订阅（签名密钥仅显示一次）", h.createSubscription},
		{"GET", "/api/v1/subscriptions/{id}", pushAdmins, "查看推送订阅", h.getSubscription},
		{"PATCH", "/api/v1/subscriptions/{id}", pushAdmins, "修改推送订阅（地址、事件类型、名单类型、说明）", h.updateSubscription},
		{"POST", "/api/v1/subscriptions/{id}/disable", pushAdmins, "停用推送订阅", h.disableSubscription},
		{"POST", "/api/v1/subscriptions/{id}/enable", pushAdmins, "启用推送订阅（清除失败状态，从未送达处继续）", h.enableSubscription},
		{"GET", "/api/v1/subscriptions/{id}/deliveries", pushAdmins, "推送记录（新的在前）", h.listDeliveries},
		{"POST", "/api/v1/subscriptions/{id}/redeliver", pushAdmins, "重新推送一个事件", h.redeliver},
		{"POST", "/api/v1/subscriptions/{id}/replay", pushAdmins, "从指定变更序号起重新推送", h.replaySubscription},
		{"GET", "/api/v1/notices", operator, "平台通知（如推送订阅因持续失败被自动停用）", h.listNotices},
	}
}

func (h *handlers) pushEventTypes(w http.ResponseWriter, r *http.Request) error {
	httpx.JSON(w, 200, map[string]any{"items": push.EventTypes()})
	return nil
}

// subscription loads a subscription the caller may see; other departments'
// subscriptions are reported as not found.
func (h *handlers) subscription(r *http.Request) (store.Subscription, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.Subscription{}, errs.Field("id", "订阅编号无效")
	}
	sub, err := h.Store.Subscription(r.Context(), id)
	if err != nil {
		return sub, err
	}
	if !httpx.PrincipalOf(r.Context()).OwnsDept(sub.Dept) {
		return store.Subscription{}, errs.NotFound("subscription.not_found", fmt.Sprintf("未找到订阅 %d", id))
	}
	return sub, nil
}

func (h *handlers) listSubscriptions(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.Limit(r, 100, 500)
	if err != nil {
		return err
	}
	after, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	dept := r.URL.Query().Get("dept")
	if p.Role != auth.RoleOperator {
		dept = p.Dept
	}
	subs, err := h.Store.Subscriptions(r.Context(), dept, after, limit)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, page(subs, limit, func(s store.Subscription) int64 { return s.ID }))
	return nil
}

// SubscriptionInput is what POST /subscriptions accepts.
type SubscriptionInput struct {
	Dept        string   `json:"dept"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	EventTypes  []string `json:"event_types"`
	ListTypes   []string `json:"list_types"`
	Secret      string   `json:"secret"`
}

func (h *handlers) createSubscription(w http.ResponseWriter, r *http.Request) error {
	var in SubscriptionInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	sub, secret, err := h.subscribe(r, in) // console_push.go
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.JSON(w, http.StatusCreated, map[string]any{"subscription": sub, "secret": secret, "notice": "签名密钥只显示这一次，请立即妥善保存"})
	return nil
}

func (h *handlers) getSubscription(w http.ResponseWriter, r *http.Request) error {
	sub, err := h.subscription(r)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, sub)
	return nil
}

// SubscriptionPatch is what PATCH /subscriptions/{id} accepts; absent
// fields stay as they are.
type SubscriptionPatch struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	EventTypes  *[]string `json:"event_types"`
	ListTypes   *[]string `json:"list_types"`
}

func (h *handlers) updateSubscription(w http.ResponseWriter, r *http.Request) error {
	var in SubscriptionPatch
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	cur, err := h.subscription(r)
	if err != nil {
		return err
	}
	sub, err := h.Store.UpdateSubscription(r.Context(), cur.ID, func(s *store.Subscription) error {
		spec := push.Spec{URL: s.URL, Description: s.Description, EventTypes: s.EventTypes, ListTypes: s.ListTypes}
		if in.URL != nil {
			spec.URL = *in.URL
		}
		if in.Description != nil {
			spec.Description = *in.Description
		}
		if in.EventTypes != nil {
			spec.EventTypes = *in.EventTypes
		}
		if in.ListTypes != nil {
			spec.ListTypes = *in.ListTypes
		}
		spec, err := spec.Normalize()
		if err != nil {
			return err
		}
		s.URL, s.Description, s.EventTypes, s.ListTypes = spec.URL, spec.Description, spec.EventTypes, spec.ListTypes
		return nil
	}, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, sub)
	return nil
}

func (h *handlers) disableSubscription(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Reason) > 200 {
		return errs.Field("reason", "停用原因最多 200 个字符")
	}
	if in.Reason == "" {
		in.Reason = "手动停用"
	}
	cur, err := h.subscription(r)
	if err != nil {
		return err
	}
	sub, err := h.Store.SetSubscriptionActive(r.Context(), cur.ID, false, in.Reason, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, sub)
	return nil
}

func (h *handlers) enableSubscription(w http.ResponseWriter, r *http.Request) error {
	cur, err := h.subscription(r)
	if err != nil {
		return err
	}
	sub, err := h.Store.SetSubscriptionActive(r.Context(), cur.ID, true, "", httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, sub)
	return nil
}

func (h *handlers) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "before")
	if err != nil {
		return err
	}
	sub, err := h.subscription(r)
	if err != nil {
		return err
	}
	ds, err := h.Store.Deliveries(r.Context(), sub.ID, before, limit)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, page(ds, limit, func(d store.Delivery) int64 { return d.ID }))
	return nil
}

func (h *handlers) redeliver(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Seq int64 `json:"seq"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if in.Seq < 1 {
		return errs.Field("seq", "请指定要重新推送的变更序号（正整数）")
	}
	sub, err := h.subscription(r)
	if err != nil {
		return err
	}
	if sub.State != store.SubActive {
		return errs.Conflict("subscription.disabled", "订阅已停用，请先启用后再重新推送")
	}
	if err := h.Store.RequestRedelivery(r.Context(), sub.ID, in.Seq, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	httpx.JSON(w, http.StatusAccepted, map[string]any{"queued": true, "seq": in.Seq, "notice": "已加入重新推送队列，结果见推送记录"})
	return nil
}

func (h *handlers) replaySubscription(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		FromSeq *int64 `json:"from_seq"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if in.FromSeq == nil {
		return errs.Field("from_seq", "请指定起始变更序号")
	}
	cur, err := h.subscription(r)
	if err != nil {
		return err
	}
	sub, err := h.Store.ReplaySubscription(r.Context(), cur.ID, *in.FromSeq, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, sub)
	return nil
}

func (h *handlers) listNotices(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "before")
	if err != nil {
		return err
	}
	ns, err := h.Store.Notices(r.Context(), before, limit)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, page(ns, limit, func(n store.Notice) int64 { return n.ID }))
	return nil
}
