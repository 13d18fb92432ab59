package ui

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"xinyong/internal/calendar"
	"xinyong/internal/catalog"
	"xinyong/internal/list"
	"xinyong/internal/record"
	"xinyong/internal/subject"
)

// Helpers shared by the public pages (双公示, 红黑榜, 措施清单, subject page).

// publicName is how the portal shows a subject: a natural person (public
// code P…) keeps the surname only.
func publicName(code, name string, person bool) string {
	if person || subject.IsPersonCode(code) {
		return record.MaskName(name)
	}
	return name
}

// idMask masks identity numbers with the configured pattern.
func (s *server) idMask() func(string) string {
	head, tail := s.API.Config.MaskHeadTail()
	return func(v string) string { return subject.MaskID(v, head, tail) }
}

// today is the civil date (Asia/Shanghai) of the server's clock.
func (s *server) today() string { return calendar.DateOf(s.API.Now()).String() }

// deptNames maps department codes to names (stored departments first, the
// seed names of docs/conventions.md otherwise).
func (s *server) deptNames(ctx context.Context) (map[string]string, error) {
	ds, err := s.API.Store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ds))
	for _, d := range ds {
		out[d.Code] = d.Name
	}
	return out, nil
}

// pubDept returns the Chinese name of a department code.
func pubDept(names map[string]string, code string) string {
	if n := names[code]; n != "" {
		return n
	}
	if n, ok := list.DepartmentName(code); ok {
		return n
	}
	return code
}

// summaryRoles are the record fields that say what the decision was about.
var summaryRoles = map[catalog.Role]bool{catalog.RoleContent: true, catalog.RoleNone: true, catalog.RoleSeverityHint: true, catalog.RoleAmount: true}

// contentSummary joins the public content fields of a record (at most 120
// characters); identity numbers are masked and, for persons, names too.
func contentSummary(t *catalog.Type, content map[string]string, person bool, mask func(string) string) string {
	roles := make(map[string]catalog.Role, len(t.Fields))
	for _, f := range t.Fields {
		roles[f.Code] = f.Role
	}
	var parts []string
	for _, f := range record.PublicFields(t, content, person, mask) {
		if summaryRoles[roles[f.Code]] {
			parts = append(parts, f.Name+"："+f.Value)
		}
	}
	s := strings.Join(parts, "；")
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:119]) + "…"
	}
	return s
}

// rawSummary is contentSummary over stored JSON content.
func rawSummary(t *catalog.Type, raw json.RawMessage, person bool, mask func(string) string) string {
	var content map[string]string
	if json.Unmarshal(raw, &content) != nil {
		return ""
	}
	return contentSummary(t, content, person, mask)
}

// pubIsDate reports whether v is a valid civil date YYYY-MM-DD.
func pubIsDate(v string) bool {
	if len(v) != 10 || v[4] != '-' || v[7] != '-' {
		return false
	}
	_, err := calendar.ParseDate(v)
	return err == nil
}
