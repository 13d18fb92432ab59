package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/tracking"
	"xinyong/internal/tracking/export"
	"xinyong/internal/web/httpx"
)

func (h *handlers) trackingRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/tracking", deptStaff, "跟踪问效：各部门归集、时效、差错、积压、核查反馈、异议修复、名单、逾期（部门只见本部门）", h.trackingFigures},
		{"GET", "/api/v1/tracking/index", anyone, "区域信用环境指数（按月，含各项构成）", h.environmentIndex},
		{"PUT", "/api/v1/tracking/index/indicators", operator, "配置信用环境指数的指标与权重", h.putIndexIndicators},
		{"GET", "/api/v1/tracking/reports", deptStaff, "已生成的季度报告列表", h.listTrackingReports},
		{"POST", "/api/v1/tracking/reports", deptStaff, "生成季度跟踪问效报告（XLSX）", h.createTrackingReport},
		{"GET", "/api/v1/tracking/reports/{id}", deptStaff, "下载季度报告（XLSX）", h.downloadTrackingReport},
	}
}

// Figures computes the tracking figures a principal may see.
func (d Deps) Figures(ctx context.Context, p auth.Principal, period tracking.Period, dept string) (*tracking.Figures, error) {
	dept, err := trackDept(p, dept)
	if err != nil {
		return nil, err
	}
	f, err := d.Store.TrackingFigures(ctx, period, d.Now(), store.TrackingOptions{})
	if err != nil {
		return nil, err
	}
	if dept != "" {
		f.Only(dept)
	}
	return f, nil
}

func (h *handlers) trackingFigures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := tracking.ParsePeriod(q.Get("period"), q.Get("from"), q.Get("to"), h.Now())
	if err != nil {
		return err
	}
	f, err := h.Figures(r.Context(), httpx.PrincipalOf(r.Context()), p, q.Get("dept"))
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, f)
	return nil
}

func (h *handlers) environmentIndex(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := store.IndexAsOf(h.Now())
	if q.Get("from") != "" || q.Get("to") != "" {
		from, to := q.Get("from"), q.Get("to")
		var err error
		if p, err = tracking.ParsePeriod("", from+"-01", to+"-01", h.Now()); err != nil {
			return errs.Field("from", "起止月份格式应为 YYYY-MM，跨度不超过三年")
		}
		last := p.Months()[len(p.Months())-1]
		p.To = last.To
	}
	cfg, err := h.Store.IndexIndicators(r.Context())
	if err != nil {
		return err
	}
	ms, err := h.Store.EnvironmentIndex(r.Context(), p, cfg)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"indicators": cfg, "months": ms})
	return nil
}

// GenerateTrackingReport builds and stores the XLSX report of a period for
// a department ("" = overall).
func (d Deps) GenerateTrackingReport(ctx context.Context, period tracking.Period, dept, actor string) (store.TrackingReport, error) {
	f, err := d.Store.TrackingFigures(ctx, period, d.Now(), store.TrackingOptions{})
	if err != nil {
		return store.TrackingReport{}, err
	}
	scope := ""
	var index []tracking.IndexMonth
	if dept != "" {
		f.Only(dept)
		scope = dept
		if dd, err := d.Store.Department(ctx, dept); err == nil {
			scope = dd.Name
		}
	} else {
		cfg, err := d.Store.IndexIndicators(ctx)
		if err != nil {
			return store.TrackingReport{}, err
		}
		if index, err = d.Store.EnvironmentIndex(ctx, period, cfg); err != nil {
			return store.TrackingReport{}, err
		}
	}
	body, err := export.Quarterly(f, scope, index, d.Now())
	if err != nil {
		return store.TrackingReport{}, errs.Internal(fmt.Errorf("render report: %w", err))
	}
	return d.Store.SaveTrackingReport(ctx, store.TrackingReport{Kind: "quarterly", Period: period.Key, Dept: dept, Body: body, CreatedBy: actor})
}

// TrackingReportInput is what POST /tracking/reports accepts.
type TrackingReportInput struct {
	Period string `json:"period"`
	Dept   string `json:"dept"`
}

func (h *handlers) createTrackingReport(w http.ResponseWriter, r *http.Request) error {
	var in TrackingReportInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	dept, err := trackDept(p, in.Dept)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.Period) == "" {
		return errs.Field("period", "请指定统计期，如 2026Q1")
	}
	period, err := tracking.ParsePeriod(in.Period, "", "", h.Now())
	if err != nil {
		return err
	}
	rep, err := h.GenerateTrackingReport(r.Context(), period, dept, p.Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, 201, rep)
	return nil
}

func (h *handlers) listTrackingReports(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	reps, err := h.Store.TrackingReports(r.Context(), p.Dept, p.Role == auth.RoleOperator, 100)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"items": reps})
	return nil
}

func (h *handlers) downloadTrackingReport(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.NotFound("tracking.report_not_found", "未找到该报告")
	}
	rep, err := h.Store.TrackingReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	if p := httpx.PrincipalOf(r.Context()); p.Role != auth.RoleOperator && (rep.Dept != p.Dept || rep.Kind != "quarterly") {
		return errs.Forbidden("tracking.forbidden", "只能下载本部门的报告")
	}
	SendXLSX(w, fmt.Sprintf("%s-%s-%s.xlsx", rep.Kind, rep.Period, orAll(rep.Dept)), rep.Body)
	return nil
}

func orAll(dept string) string {
	if dept == "" {
		return "all"
	}
	return dept
}

// SendXLSX writes a workbook as a download.
func SendXLSX(w http.ResponseWriter, name string, body []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(200)
	w.Write(body)
}

func (h *handlers) putIndexIndicators(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Indicators []tracking.IndexIndicator `json:"indicators"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if err := h.Store.SaveIndexIndicators(r.Context(), in.Indicators, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"indicators": in.Indicators})
	return nil
}
