package api

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/calendar"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/importer"
	"xinyong/internal/publicity"
	"xinyong/internal/record"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web/httpx"
)

func (h *handlers) getCatalog(w http.ResponseWriter, r *http.Request) error {
	cat, err := h.Store.Catalog(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, cat)
	return nil
}

func (h *handlers) catalogVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.Store.CatalogVersions(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": vs})
	return nil
}

func (h *handlers) catalogType(r *http.Request) (*catalog.Type, error) {
	cat, err := h.Store.Catalog(r.Context())
	if err != nil {
		return nil, err
	}
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, errs.Field("version", "目录版本号应为正整数")
		}
		if cat, err = h.Store.CatalogVersion(r.Context(), n); err != nil {
			return nil, err
		}
	}
	t, ok := cat.Lookup(r.PathValue("type"))
	if !ok {
		return nil, errs.NotFound("catalog.type_not_found", "目录中没有该信息类别："+r.PathValue("type"))
	}
	return t, nil
}

func (h *handlers) getCatalogType(w http.ResponseWriter, r *http.Request) error {
	t, err := h.catalogType(r)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, t)
	return nil
}

func (h *handlers) putCatalogType(w http.ResponseWriter, r *http.Request) error {
	var t catalog.Type
	if err := httpx.Decode(r, &t); err != nil {
		return err
	}
	code := r.PathValue("type")
	if t.Code == "" {
		t.Code = code
	}
	if t.Code != code {
		return errs.Field("code", "类别代码与路径不一致")
	}
	cat, err := h.Store.PutCatalogType(r.Context(), t, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	nt, _ := cat.Lookup(code)
	httpx.JSON(w, http.StatusOK, map[string]any{"catalog_version": cat.Version, "type": nt})
	return nil
}

func (h *handlers) catalogTemplate(w http.ResponseWriter, r *http.Request) error {
	t, err := h.catalogType(r)
	if err != nil {
		return err
	}
	b, err := importer.Template(t)
	if err != nil {
		return err
	}
	writeXLSX(w, t.Name+"导入模板.xlsx", b)
	return nil
}

func (h *handlers) getCalendar(w http.ResponseWriter, r *http.Request) error {
	year := 0
	if v := r.URL.Query().Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			return errs.Field("year", "年份应在 2000–2100 之间")
		}
		year = n
	}
	ovs, err := h.Store.CalendarYear(r.Context(), year)
	if err != nil {
		return err
	}
	cal, err := calendar.New(ovs)
	if err != nil {
		return err
	}
	out := map[string]any{"overrides": ovs, "years": cal.Years()}
	if d := r.URL.Query().Get("decision_date"); d != "" {
		full, err := h.Store.Calendar(r.Context())
		if err != nil {
			return err
		}
		dd, err := calendar.ParseDate(d)
		if err != nil {
			return errs.Field("decision_date", "日期格式应为 YYYY-MM-DD")
		}
		out["deadline"] = publicity.Deadline(full, dd).String()
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

// CalendarInput replaces one year's overrides.
type CalendarInput struct {
	Overrides []calendar.Override `json:"overrides"`
}

func (h *handlers) putCalendar(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return errs.Field("year", "年份应为四位数字")
	}
	var in CalendarInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if err := h.Store.ReplaceCalendarYear(r.Context(), year, in.Overrides, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	ovs, err := h.Store.CalendarYear(r.Context(), year)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"year": year, "overrides": ovs})
	return nil
}

func (h *handlers) getPublicityRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := h.Store.PublicityRules(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"rules": rules})
	return nil
}

// RulesInput replaces the publicity rule set.
type RulesInput struct {
	Rules []publicity.Rule `json:"rules"`
}

func (h *handlers) putPublicityRules(w http.ResponseWriter, r *http.Request) error {
	var in RulesInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if err := h.Store.ReplacePublicityRules(r.Context(), in.Rules, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	return h.getPublicityRules(w, r)
}

// PublicItem is one record in the public 双公示 view.
type PublicItem struct {
	ID           int64          `json:"id"`
	Type         string         `json:"type"`
	TypeName     string         `json:"type_name"`
	Dept         string         `json:"dept"`
	DocNo        string         `json:"doc_no"`
	Subject      string         `json:"subject"`
	SubjectName  string         `json:"subject_name"`
	DecisionDate string         `json:"decision_date"`
	PublicityEnd string         `json:"publicity_end,omitempty"`
	Severity     string         `json:"severity,omitempty"`
	Fields       []record.Field `json:"fields"`
}

func (h *handlers) publicRecords(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := httpx.Limit(r, 20, 100)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	asOf := h.Now().In(catalog.Shanghai).Format("2006-01-02")
	if v := q.Get("as_of"); v != "" {
		if !isDate(v) {
			return errs.Field("as_of", "日期格式应为 YYYY-MM-DD")
		}
		asOf = v
	}
	f := store.PublicFilter{AsOf: asOf, Type: q.Get("type"), Dept: q.Get("dept"), Subject: strings.ToUpper(strings.TrimSpace(q.Get("subject"))),
		Text: strings.TrimSpace(q.Get("q")), From: q.Get("from"), To: q.Get("to"), Before: before, Limit: limit}
	for k, v := range map[string]string{"from": f.From, "to": f.To} {
		if v != "" && !isDate(v) {
			return errs.Field(k, "日期格式应为 YYYY-MM-DD")
		}
	}
	if len([]rune(f.Text)) > 100 {
		return errs.Field("q", "查询词不能超过 100 个字符")
	}
	cat, err := h.Store.Catalog(r.Context())
	if err != nil {
		return err
	}
	if f.Type != "" {
		if _, ok := cat.Lookup(f.Type); !ok {
			return errs.Field("type", "未知的信息类别："+f.Type)
		}
	}
	recs, err := h.Store.PublicListing(r.Context(), f)
	if err != nil {
		return err
	}
	mask := h.mask()
	items := make([]PublicItem, 0, len(recs))
	for _, x := range recs {
		c, err := h.Store.CatalogVersion(r.Context(), x.CatalogVersion)
		if err != nil {
			return err
		}
		t, ok := c.Lookup(x.Type)
		if !ok {
			continue
		}
		person := x.SubjectType == subject.TypeNatural
		name := x.SubjectName
		if person {
			name = record.MaskName(name)
		}
		items = append(items, PublicItem{ID: x.ID, Type: x.Type, TypeName: t.Name, Dept: x.Dept, DocNo: x.DocNo, Subject: x.Subject, SubjectName: name,
			DecisionDate: x.DecisionDate, PublicityEnd: x.PublicityEnd, Severity: x.Severity.Label(), Fields: record.PublicFields(t, x.Content, person, mask)})
	}
	httpx.JSON(w, http.StatusOK, page(items, limit, func(x PublicItem) int64 { return x.ID }))
	return nil
}
