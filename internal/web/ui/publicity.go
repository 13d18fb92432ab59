package ui

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// The 双公示 page: administrative licences and penalties in their publicity
// window, filtered by type, department, subject, text and decision dates.

const publicityPage = 20

// publicityTypes are the record types of 双公示, in display order.
var publicityTypes = [][2]string{{"license", "行政许可"}, {"penalty", "行政处罚"}}

type publicityRow struct {
	TypeName, DocNo, DecisionDate, PublicityEnd, Dept, Summary string
	Code, Name                                                 string
	Person                                                     bool
}

func (s *server) publicity(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := map[string]string{}
	for _, k := range []string{"type", "dept", "q", "from", "to"} {
		form[k] = strings.TrimSpace(q.Get(k))
	}
	names, err := s.deptNames(r.Context())
	if err != nil {
		return err
	}
	fields := map[string]string{}
	f := store.PublicFilter{AsOf: s.today(), Dept: form["dept"], From: form["from"], To: form["to"], Limit: publicityPage + 1}
	types := []string{"license", "penalty"}
	switch form["type"] {
	case "":
	case "license", "penalty":
		types = []string{form["type"]}
	default:
		fields["type"] = "类别只能是行政许可或行政处罚"
	}
	if f.Dept != "" && names[f.Dept] == "" {
		fields["dept"] = "未知的部门"
	}
	switch text := form["q"]; {
	case len([]rune(text)) > 100:
		fields["q"] = "查询词不能超过 100 个字符"
	case subject.IsPersonCode(strings.ToUpper(text)):
		f.Subject = strings.ToUpper(text)
	case len(text) == 18 && subject.ValidateUSCC(strings.ToUpper(text)).OK:
		f.Subject = strings.ToUpper(text)
	default:
		f.Text = text
	}
	for _, k := range []string{"from", "to"} {
		if form[k] != "" && !pubIsDate(form[k]) {
			fields[k] = "日期格式应为 YYYY-MM-DD，如 2025-06-01"
		}
	}
	if fields["from"] == "" && fields["to"] == "" && f.From != "" && f.To != "" && f.To < f.From {
		fields["to"] = "结束日期不能早于开始日期"
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fields["before"] = "翻页参数无效，请从第一页重新查询"
		}
		f.Before = n
	}
	v := view{Title: "双公示", Form: form, Fields: fields}
	data := map[string]any{"Types": publicityTypes, "Depts": deptOptions(names), "AsOf": f.AsOf}
	v.Data = data
	if len(fields) > 0 {
		v.Error = "查询条件有误，请按提示修改后重试"
		s.render(w, r, http.StatusBadRequest, "publicity", v)
		return nil
	}
	var recs []store.ListedRecord
	for _, t := range types {
		f.Type = t
		got, err := s.API.Store.PublicListing(r.Context(), f)
		if err != nil {
			return err
		}
		recs = append(recs, got...)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].ID > recs[j].ID })
	if len(recs) > publicityPage {
		recs = recs[:publicityPage]
		next := url.Values{}
		for k, x := range form {
			if x != "" {
				next.Set(k, x)
			}
		}
		next.Set("before", strconv.FormatInt(recs[len(recs)-1].ID, 10))
		data["Next"] = "/publicity?" + next.Encode()
	}
	data["Paged"] = f.Before > 0
	rows, err := s.publicityRows(r, recs, names)
	if err != nil {
		return err
	}
	data["Rows"] = rows
	s.render(w, r, http.StatusOK, "publicity", v)
	return nil
}

func (s *server) publicityRows(r *http.Request, recs []store.ListedRecord, names map[string]string) ([]publicityRow, error) {
	cats := map[int]catalog.Catalog{}
	mask := s.idMask()
	rows := make([]publicityRow, 0, len(recs))
	for _, x := range recs {
		c, ok := cats[x.CatalogVersion]
		if !ok {
			var err error
			if c, err = s.API.Store.CatalogVersion(r.Context(), x.CatalogVersion); errs.Is(err, errs.KindNotFound) {
				c, err = s.API.Store.Catalog(r.Context()) // a version not kept: describe it by the current catalogue
			}
			if err != nil {
				return nil, err
			}
			cats[x.CatalogVersion] = c
		}
		t, ok := c.Lookup(x.Type)
		if !ok {
			continue
		}
		person := x.SubjectType == subject.TypeNatural
		rows = append(rows, publicityRow{TypeName: t.Name, DocNo: x.DocNo, DecisionDate: x.DecisionDate, PublicityEnd: x.PublicityEnd,
			Dept: pubDept(names, x.Dept), Summary: contentSummary(t, x.Content, person, mask),
			Code: x.Subject, Name: publicName(x.Subject, x.SubjectName, person), Person: person})
	}
	return rows, nil
}

// deptOptions lists departments (code, name) sorted by code for a select.
func deptOptions(names map[string]string) [][2]string {
	out := make([][2]string, 0, len(names))
	for c, n := range names {
		out = append(out, [2]string{c, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
