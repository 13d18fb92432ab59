package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/importer"
	"xinyong/internal/record"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

var reviewers = []auth.Role{auth.RoleOperator, auth.RoleReviewer}

func (h *handlers) recordRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/catalog", anyone, "信用信息目录（当前版本）", h.getCatalog},
		{"GET", "/api/v1/catalog/versions", operator, "信用信息目录版本列表", h.catalogVersions},
		{"GET", "/api/v1/catalog/{type}", anyone, "信息类别及字段", h.getCatalogType},
		{"PUT", "/api/v1/catalog/{type}", operator, "新增或修改信息类别（生成新目录版本）", h.putCatalogType},
		{"GET", "/api/v1/catalog/{type}/template.xlsx", anyone, "下载导入模板（XLSX）", h.catalogTemplate},
		{"POST", "/api/v1/records", deptWriter, "报送信用记录（JSON 批量，最多 10000 行）", h.submitRecords},
		{"POST", "/api/v1/records/import", deptWriter, "导入信用记录文件（CSV/XLSX）", h.importRecords},
		{"GET", "/api/v1/records", deptStaff, "本部门信用记录", h.listRecords},
		{"GET", "/api/v1/records/timeliness", deptStaff, "双公示7个工作日及时性统计", h.recordTimeliness},
		{"GET", "/api/v1/records/{id}", deptStaff, "信用记录及其历史版本", h.getRecord},
		{"POST", "/api/v1/records/{id}/revoke", deptWriter, "撤销信用记录（立即撤下公示）", h.revokeRecord},
		{"POST", "/api/v1/records/{id}/review", reviewers, "审核信用记录（通过或退回）", h.reviewRecord},
		{"GET", "/api/v1/reviews", reviewers, "待审核信用记录", h.reviewQueue},
		{"GET", "/api/v1/batches/{id}", deptStaff, "报送批次逐行报告", h.getBatch},
		{"GET", "/api/v1/batches/{id}/report.xlsx", deptStaff, "报送批次逐行报告（XLSX）", h.batchXLSX},
		{"GET", "/api/v1/calendar", anyone, "工作日历（节假日与调休）", h.getCalendar},
		{"PUT", "/api/v1/calendar/{year}", operator, "维护某年节假日与调休", h.putCalendar},
		{"GET", "/api/v1/publicity/rules", anyone, "公示期规则", h.getPublicityRules},
		{"PUT", "/api/v1/publicity/rules", operator, "修改公示期规则", h.putPublicityRules},
		{"GET", "/api/v1/public/records", anyone, "双公示信息查询", h.publicRecords},
	}
}

// MaxBatchRows bounds a JSON submission.
const MaxBatchRows = 10000

// actingDept is the department a call acts for: the caller's own, or for
// the operator the one named (required when need is true).
func actingDept(p auth.Principal, named string, need bool) (string, error) {
	if p.Role != auth.RoleOperator {
		if named != "" && named != p.Dept {
			return "", errs.Forbidden("record.other_dept", "只能代表本部门操作")
		}
		return p.Dept, nil
	}
	if named == "" && need {
		return "", errs.Field("dept", "平台管理员代部门报送时须指定部门代码 dept")
	}
	return named, nil
}

func parseMode(m string) (bool, error) {
	switch m {
	case "", "default":
		return false, nil
	case "strict":
		return true, nil
	}
	return false, errs.Field("mode", "mode 只能是 default（好行入库、坏行报告）或 strict（全部通过才入库）")
}

// SubmitInput is the JSON batch of POST /api/v1/records.
type SubmitInput struct {
	Type           string              `json:"type"`
	Dept           string              `json:"dept"`
	Mode           string              `json:"mode"`
	IdempotencyKey string              `json:"idempotency_key"`
	Rows           []map[string]string `json:"rows"`
}

func (h *handlers) submitRecords(w http.ResponseWriter, r *http.Request) error {
	var in SubmitInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	dept, err := actingDept(p, in.Dept, true)
	if err != nil {
		return err
	}
	strict, err := parseMode(in.Mode)
	if err != nil {
		return err
	}
	switch {
	case in.Type == "":
		return errs.Field("type", "请指定信息类别 type")
	case len(in.Rows) == 0:
		return errs.Field("rows", "rows 不能为空")
	case len(in.Rows) > MaxBatchRows:
		return errs.Field("rows", "每批最多 "+strconv.Itoa(MaxBatchRows)+" 行，请分批报送或使用文件导入")
	case len(in.IdempotencyKey) > 100:
		return errs.Field("idempotency_key", "idempotency_key 不能超过 100 个字符")
	}
	rows := make([]store.IngestRow, len(in.Rows))
	for i, v := range in.Rows {
		rows[i] = store.IngestRow{Line: i + 1, Values: v}
	}
	rep, err := h.Store.Ingest(r.Context(), &store.SliceRows{Rows: rows}, store.IngestOptions{
		Dept: dept, Type: in.Type, Source: "api", Actor: p.Actor(), IdempotencyKey: in.IdempotencyKey, Strict: strict,
		PII: h.PII, Mask: h.mask(), Outcomes: true})
	if err != nil {
		return err
	}
	return writeReport(w, rep, "rows")
}

func (h *handlers) importRecords(w http.ResponseWriter, r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return errs.Invalid("request.content_type", "请以 multipart/form-data 上传文件（字段 file）")
	}
	if err := r.ParseMultipartForm(16 << 20); err != nil {
		return errs.Field("file", "无法读取上传内容："+err.Error())
	}
	defer r.MultipartForm.RemoveAll()
	p := httpx.PrincipalOf(r.Context())
	dept, err := actingDept(p, r.FormValue("dept"), true)
	if err != nil {
		return err
	}
	strict, err := parseMode(r.FormValue("mode"))
	if err != nil {
		return err
	}
	cat, err := h.Store.Catalog(r.Context())
	if err != nil {
		return err
	}
	t, ok := cat.Lookup(r.FormValue("type"))
	if !ok {
		return errs.Field("type", "未知的信息类别："+r.FormValue("type"))
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return errs.Field("file", "请上传文件（字段 file）")
	}
	defer f.Close()
	tb, err := importer.Open(f, t)
	if err != nil {
		return err
	}
	tb.Mask = h.mask()
	rep, err := h.Store.Ingest(r.Context(), tb, store.IngestOptions{
		Dept: dept, Type: t.Code, Source: "file:" + fh.Filename, Actor: p.Actor(), Strict: strict, Header: tb.Header,
		PII: h.PII, Mask: h.mask()})
	if err != nil {
		return err
	}
	return writeReport(w, rep, "row")
}

// writeReport answers 200 with the row report, or, for a rejected strict
// batch, 400 problem+json listing the rows (the full report stays
// downloadable under /api/v1/batches/{id}).
func writeReport(w http.ResponseWriter, rep *store.BatchReport, prefix string) error {
	if rep.Status != "rejected" {
		httpx.JSON(w, http.StatusOK, rep)
		return nil
	}
	var fields []errs.FieldError
	for i, is := range rep.Issues {
		if i == 200 {
			break
		}
		fields = append(fields, errs.FieldError{Field: prefix + "[" + strconv.Itoa(is.Row) + "]." + is.Field, Reason: is.Reason})
	}
	return errs.Invalid("records.rejected", "严格模式：共 "+strconv.Itoa(rep.Rejected)+" 行未通过校验，整批未入库。逐行报告见 /api/v1/batches/"+strconv.FormatInt(rep.BatchID, 10), fields...)
}

func recPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field("id", "编号应为正整数")
	}
	return id, nil
}

func (h *handlers) batchFor(r *http.Request) (*store.BatchReport, error) {
	id, err := recPathID(r)
	if err != nil {
		return nil, err
	}
	rep, err := h.Store.Batch(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if p := httpx.PrincipalOf(r.Context()); p.Role != auth.RoleOperator && p.Dept != rep.Dept {
		return nil, errs.Forbidden("batch.other_dept", "只能查看本部门的报送批次")
	}
	return rep, nil
}

func (h *handlers) getBatch(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.batchFor(r)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, rep)
	return nil
}

func (h *handlers) batchXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.batchFor(r)
	if err != nil {
		return err
	}
	b, err := importer.ReportXLSX(rep)
	if err != nil {
		return err
	}
	writeXLSX(w, "报送批次"+strconv.FormatInt(rep.BatchID, 10)+"逐行报告.xlsx", b)
	return nil
}

func writeXLSX(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"report.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (h *handlers) listRecords(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := httpx.PrincipalOf(r.Context())
	dept, err := actingDept(p, q.Get("dept"), false)
	if err != nil {
		return err
	}
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	if s := q.Get("state"); s != "" && !record.State(s).Valid() {
		return errs.Field("state", "state 只能是 pending_review、returned、published 或 revoked")
	}
	f := store.RecordFilter{Dept: dept, Type: q.Get("type"), State: q.Get("state"), DocNo: q.Get("doc_no"), Current: q.Get("all_versions") != "true", Before: before, Limit: limit}
	if code := q.Get("subject"); code != "" {
		sub, err := h.Store.SubjectByCode(r.Context(), code)
		if err != nil {
			return err
		}
		f.Subject = sub.ID
	}
	recs, err := h.Store.Records(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, page(recs, limit, func(x record.Record) int64 { return x.ID }))
	return nil
}

// ownRecord loads a record the caller's department may act on.
func (h *handlers) ownRecord(r *http.Request) (record.Record, error) {
	id, err := recPathID(r)
	if err != nil {
		return record.Record{}, err
	}
	rec, err := h.Store.Record(r.Context(), id)
	if err != nil {
		return rec, err
	}
	if p := httpx.PrincipalOf(r.Context()); p.Role != auth.RoleOperator && p.Dept != rec.Dept {
		return rec, errs.Forbidden("record.other_dept", "只能查看或处理本部门报送的信用记录")
	}
	return rec, nil
}

func (h *handlers) getRecord(w http.ResponseWriter, r *http.Request) error {
	rec, err := h.ownRecord(r)
	if err != nil {
		return err
	}
	hist, err := h.Store.RecordHistory(r.Context(), rec)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"record": rec, "history": hist})
	return nil
}

// ReasonInput carries the reason of a revocation or review.
type ReasonInput struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

func (h *handlers) revokeRecord(w http.ResponseWriter, r *http.Request) error {
	var in ReasonInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || len([]rune(in.Reason)) > 500 {
		return errs.Field("reason", "请填写撤销原因（不超过 500 字）")
	}
	rec, err := h.ownRecord(r)
	if err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	out, err := h.Store.RevokeRecord(r.Context(), rec.ID, deptScope(p), in.Reason, p.Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

func deptScope(p auth.Principal) string {
	if p.Role == auth.RoleOperator {
		return ""
	}
	return p.Dept
}

func (h *handlers) reviewRecord(w http.ResponseWriter, r *http.Request) error {
	var in ReasonInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	out, err := h.review(r, in) // console_bridge.go
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

func (h *handlers) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	dept, err := actingDept(p, r.URL.Query().Get("dept"), false)
	if err != nil {
		return err
	}
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	recs, err := h.Store.Records(r.Context(), store.RecordFilter{Dept: dept, State: string(record.PendingReview), Before: before, Limit: limit})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, page(recs, limit, func(x record.Record) int64 { return x.ID }))
	return nil
}

func (h *handlers) recordTimeliness(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := httpx.PrincipalOf(r.Context())
	dept, err := actingDept(p, q.Get("dept"), false)
	if err != nil {
		return err
	}
	for _, k := range []string{"from", "to"} {
		if v := q.Get(k); v != "" && !isDate(v) {
			return errs.Field(k, "日期格式应为 YYYY-MM-DD")
		}
	}
	cat, err := h.Store.Catalog(r.Context())
	if err != nil {
		return err
	}
	rows, err := h.Store.RecordTimeliness(r.Context(), dept, q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	items := []store.Timeliness{}
	for _, x := range rows {
		if t, ok := cat.Lookup(x.Type); ok && t.DualPublicity {
			items = append(items, x)
		}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": items, "deadline_workdays": 7})
	return nil
}
