package ui

import (
	"net/http"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/calendar"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/record"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web/api"
	"xinyong/internal/web/httpx"
)

type relationView struct {
	Role, Name, IDMasked, Start string
}

type subjectView struct {
	Sub        subject.Subject
	Status     string
	LegalRep   string // masked like every person on the portal
	Person     bool
	Relations  []relationView
	Bad, Good  int
	Other      int
	AsOf       string
	ReportURL  string // direct download, "" when not allowed
	NeedReason bool   // staff may download a person's report with a reason
	QR         string
	// subject_sections.go: 双公示 records, list status, commitments, measures
	Records       []subjectRecord
	Entries       []store.PublicEntry
	Commitments   []subjectCommit
	Measures      []subjectMeasure
	MeasuresReady bool // the check engine answered
}

func (s *server) subjectPage(w http.ResponseWriter, r *http.Request) error {
	code := strings.ToUpper(strings.TrimSpace(r.PathValue("code")))
	if v := subject.Identify(code, s.API.Now()); v.Kind.Personal() {
		return errs.NotFound("subject.not_found", "门户不支持按证件号码查询")
	}
	sub, err := s.API.Store.SubjectByCode(r.Context(), code)
	if err != nil {
		return err
	}
	now := s.API.Now()
	v := subjectView{Sub: sub, Status: api.StatusLabel(sub.Status), LegalRep: record.MaskName(sub.LegalRep), Person: sub.Type == subject.TypeNatural,
		AsOf: now.In(shanghai).Format("2006-01-02 15:04"), QR: "/api/v1/subjects/" + sub.Code + "/qr"}
	if !v.Person {
		rels, err := s.API.Store.PublicRelations(r.Context(), sub.ID)
		if err != nil {
			return err
		}
		for _, p := range rels {
			v.Relations = append(v.Relations, relationView{subject.RelationRole(p.Role).Label(), record.MaskName(p.PersonName), p.IDMasked, p.Start})
		}
	}
	recs, err := s.API.Store.PublicRecords(r.Context(), sub.ID, calendar.DateOf(now).String())
	if err != nil {
		return err
	}
	for _, rec := range recs {
		switch catalog.Nature(rec.Nature) {
		case catalog.NatureBad:
			v.Bad++
		case catalog.NatureGood:
			v.Good++
		default:
			v.Other++
		}
	}
	if err := s.subjectSections(r.Context(), sub, recs, &v); err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	url := "/api/v1/subjects/" + sub.Code + "/report.pdf"
	switch {
	case !v.Person, p.Role == auth.RoleSubject && p.SubjectID == sub.ID:
		v.ReportURL = url
	case p.Role == auth.RoleOperator || p.CanUnmask:
		v.NeedReason = true
	}
	title := sub.Name
	if v.Person {
		title = record.MaskName(sub.Name)
	}
	w.Header().Set("Cache-Control", "no-store") // the QR code opens this page: always the live state
	s.render(w, r, 200, "subject", view{Title: title, Data: v})
	return nil
}
