package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/store"
)

// The 红黑榜 pages: published boards, one board by domain, and the subjects
// currently on public red and black lists.

const listsPage = 50

type listTypeView struct {
	list.Type
	KindLabel, Dept string
	Basis           []string
}

type entryRow struct {
	Code, Name, ListName, KindLabel, Dept, BasisDoc, Start, End string
	Red, Paused                                                 bool
}

// publicTypes returns the public list types by code, red lists first.
func (s *server) publicTypes(r *http.Request, names map[string]string) (map[string]list.Type, []listTypeView, error) {
	types, _, _, err := s.API.Store.Rules(r.Context())
	if err != nil {
		return nil, nil, err
	}
	byCode := map[string]list.Type{}
	var red, black []listTypeView
	for _, t := range types {
		if !t.Public {
			continue
		}
		byCode[t.Code] = t
		v := listTypeView{Type: t, KindLabel: t.Kind.Label(), Dept: pubDept(names, t.IdentifyingDept)}
		for _, b := range t.Basis {
			v.Basis = append(v.Basis, b.String())
		}
		if t.Kind == list.Red {
			red = append(red, v)
		} else {
			black = append(black, v)
		}
	}
	return byCode, append(red, black...), nil
}

func (s *server) lists(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := map[string]string{"type": strings.TrimSpace(q.Get("type")), "kind": strings.TrimSpace(q.Get("kind"))}
	names, err := s.deptNames(r.Context())
	if err != nil {
		return err
	}
	byCode, views, err := s.publicTypes(r, names)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if t := form["type"]; t != "" && byCode[t].Code == "" {
		fields["type"] = "未知或不公开的名单类型"
	}
	if k := form["kind"]; k != "" && k != string(list.Red) && k != string(list.Black) {
		fields["kind"] = "只能选择红名单或黑名单"
	}
	var after int64
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			fields["after"] = "翻页参数无效，请从第一页重新查询"
		}
	}
	boards, err := s.API.Store.Boards(r.Context(), 0, 12)
	if err != nil {
		return err
	}
	data := map[string]any{"Boards": boards, "Types": views, "AsOf": s.today(), "Paged": after > 0}
	v := view{Title: "红黑榜", Form: form, Fields: fields, Data: data}
	if len(fields) > 0 {
		v.Error = "查询条件有误，请按提示修改后重试"
		s.render(w, r, http.StatusBadRequest, "lists", v)
		return nil
	}
	es, err := s.API.Store.Entries(r.Context(), store.EntryFilter{ListType: form["type"], State: list.Active, Today: s.today()}, after, listsPage)
	if err != nil {
		return err
	}
	rows := []entryRow{}
	for _, e := range es {
		t, ok := byCode[e.ListType]
		if !ok || (form["kind"] != "" && string(t.Kind) != form["kind"]) {
			continue
		}
		rows = append(rows, entryRow{Code: e.SubjectCode, Name: publicName(e.SubjectCode, e.SubjectName, false), ListName: t.Name, KindLabel: t.Kind.Label(),
			Dept: pubDept(names, e.Dept), BasisDoc: e.BasisDoc, Start: e.Start, End: e.End, Red: t.Kind == list.Red, Paused: e.Paused})
	}
	data["Entries"] = rows
	if len(es) == listsPage {
		next := url.Values{}
		for k, x := range form {
			if x != "" {
				next.Set(k, x)
			}
		}
		next.Set("after", strconv.FormatInt(es[len(es)-1].ID, 10))
		data["Next"] = "/lists?" + next.Encode() + "#entries"
	}
	s.render(w, r, http.StatusOK, "lists", v)
	return nil
}

type boardItemView struct {
	store.BoardItem
	Shown string // the name as the portal shows it
}

type boardDomainView struct {
	DomainName string
	Red, Black []boardItemView
}

func (s *server) listBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.NotFound("board.not_found", "红黑榜编号无效，请从红黑榜列表进入。")
	}
	b, err := s.API.Store.Board(r.Context(), id)
	if err != nil {
		return err
	}
	conv := func(items []store.BoardItem) []boardItemView {
		out := make([]boardItemView, len(items))
		for i, it := range items {
			out[i] = boardItemView{BoardItem: it, Shown: publicName(it.Subject, it.Name, false)}
		}
		return out
	}
	var domains []boardDomainView
	for _, d := range b.Domains {
		domains = append(domains, boardDomainView{DomainName: d.DomainName, Red: conv(d.Red), Black: conv(d.Black)})
	}
	s.render(w, r, http.StatusOK, "lists_board", view{Title: b.Title, Data: map[string]any{"Board": b, "Domains": domains}})
	return nil
}
