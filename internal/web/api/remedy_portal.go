package api

import (
	"net/http"

	"xinyong/internal/errs"
	"xinyong/internal/notify"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
)

// CaseInput is a submission as the portal forms build it (the same
// validation and target checks as the JSON API).
type CaseInput = caseInput

// Portal gives the portal pages the API's submission and progress paths.
type Portal struct{ m *remedyAPI }

// NewPortal returns the remedy paths for pages.
func NewPortal(d Deps) *Portal {
	return &Portal{&remedyAPI{handlers: &handlers{d}, dl: RemedyDeadlines(), policy: remedy.DefaultPolicy(), mail: notify.FromEnv()}}
}

// Submit files an objection, a repair application or a report for the
// caller of r and returns the case and its query code (shown once).
func (p *Portal) Submit(r *http.Request, k remedy.Kind, in CaseInput) (store.Case, string, error) {
	var (
		c    store.Case
		code string
		err  error
	)
	switch k {
	case remedy.Objection:
		c, code, err = p.m.objection(r, in)
	case remedy.Repair:
		c, code, err = p.m.repair(r, in)
	case remedy.Report:
		c, code, err = p.m.report(r, in)
	default:
		return c, "", errs.NotFound("remedy.kind", "未知的办理事项")
	}
	if err != nil {
		return c, "", err
	}
	p.m.tell(c, code)
	c.Redact()
	return c, code, nil
}

// Progress returns the case of a query code without identities.
func (p *Portal) Progress(r *http.Request, code string) (store.Case, error) {
	return p.m.byCode(r, code)
}

// Eligibility returns the earliest repair date and the refusal, if any.
func (p *Portal) Eligibility(r *http.Request, targetKind string, id int64) (string, error) {
	t, err := p.m.resolveTarget(r, caseInput{Target: targetKind, TargetID: id})
	if err != nil {
		return "", err
	}
	return p.m.eligibility(r, t)
}

// CaseView is a case with the actions the caller may take.
type CaseView struct {
	Case    store.Case
	Actions []remedy.Action
}

// Case loads the case named by r's {id} path value as the API would show it
// to the caller.
func (p *Portal) Case(r *http.Request) (CaseView, error) {
	c, role, err := p.m.visibleCase(r)
	return CaseView{c, remedy.Actions(c.Kind, c.State, role)}, err
}

// Act applies an action to the case named by r's {id} path value.
func (p *Portal) Act(r *http.Request, a remedy.Action, note, dept string, missing []string) (CaseView, error) {
	c, role, err := p.m.visibleCase(r)
	if err != nil {
		return CaseView{}, err
	}
	out, err := p.m.act(r, c, role, actionInput{Action: a, Note: note, Dept: dept, Missing: missing})
	return CaseView{out, remedy.Actions(out.Kind, out.State, role)}, err
}
