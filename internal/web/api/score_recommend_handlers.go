package api

import (
	"context"
	"net/http"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/tracking"
	"xinyong/internal/tracking/export"
	"xinyong/internal/web/httpx"
)

// RecommendGrades are the grades that qualify for the 信易贷 list without a
// red-list entry.
var RecommendGrades = []string{"AAA", "AA", "A"}

func (h *handlers) recommendRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/recommendations", bankReaders, "信易贷推荐名单（授权金融机构令牌：pboc 部门的系统令牌）", h.recommendations},
		{"GET", "/api/v1/recommendations.xlsx", bankReaders, "信易贷推荐名单 XLSX", h.recommendationsXLSX},
	}
}

// bankOnly lets the operator and the system tokens of the bank department in.
func bankOnly(p auth.Principal) error {
	if p.Role == auth.RoleOperator || (p.Role == auth.RoleSystem && p.Dept == BankDept) {
		return nil
	}
	return errs.Forbidden("recommend.forbidden", "信易贷推荐名单仅向授权金融机构（人民银行分行签发的系统令牌）提供")
}

func (h *handlers) recommendations(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	if err := bankOnly(p); err != nil {
		return err
	}
	limit, err := httpx.Limit(r, 100, 1000)
	if err != nil {
		return err
	}
	after, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	today := h.Now().In(tracking.Shanghai).Format("2006-01-02")
	items, err := h.Store.Recommendations(r.Context(), RecommendGrades, today, after, limit)
	if err != nil {
		return err
	}
	if err := h.Store.AuditExport(r.Context(), p.Actor(), "recommendations:"+today, "信易贷推荐名单查询"); err != nil {
		return err
	}
	pg := page(items, limit, func(x store.Recommended) int64 { return x.ID })
	httpx.JSON(w, 200, map[string]any{"period": tracking.QuarterOf(h.Now()).Key, "grades": RecommendGrades, "items": pg.Items, "next": pg.Next})
	return nil
}

// RecommendationsXLSX renders the whole list (capped at 100,000 rows).
func (d Deps) RecommendationsXLSX(ctx context.Context, actor string) ([]byte, string, error) {
	now := d.Now()
	today := now.In(tracking.Shanghai).Format("2006-01-02")
	var rows []export.RecommendRow
	var after int64
	for len(rows) < 100000 {
		items, err := d.Store.Recommendations(ctx, RecommendGrades, today, after, 5000)
		if err != nil {
			return nil, "", err
		}
		for _, it := range items {
			rows = append(rows, export.RecommendRow{Code: it.Code, Name: it.Name, Region: it.Region, Grade: it.Grade, Total: it.Total,
				RedLists: strings.Join(it.RedLists, "、"), Reason: it.Reason})
		}
		if len(items) < 5000 {
			break
		}
		after = items[len(items)-1].ID
	}
	period := tracking.QuarterOf(now).Key
	body, err := export.Recommendations(period, rows, now)
	if err != nil {
		return nil, "", errs.Internal(err)
	}
	if err := d.Store.AuditExport(ctx, actor, "recommendations:"+period, "信易贷推荐名单导出"); err != nil {
		return nil, "", err
	}
	return body, "xinyidai-" + period + ".xlsx", nil
}

func (h *handlers) recommendationsXLSX(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	if err := bankOnly(p); err != nil {
		return err
	}
	body, name, err := h.RecommendationsXLSX(r.Context(), p.Actor())
	if err != nil {
		return err
	}
	SendXLSX(w, name, body)
	return nil
}
