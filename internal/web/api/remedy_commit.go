package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web/httpx"
)

func (m *remedyAPI) createCommitment(w http.ResponseWriter, r *http.Request) error {
	var in remedy.CommitmentInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if err := in.Validate(today(m.Store.Now())); err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	if p.Role == auth.RoleClerk && in.Dept != p.Dept {
		return errs.Forbidden("commitment.other_dept", "部门经办人只能登记向本部门作出的承诺")
	}
	sub, err := m.Store.SubjectByCode(r.Context(), in.Subject)
	if err != nil {
		return err
	}
	if p.Role == auth.RoleSubject && sub.ID != p.SubjectID {
		return errs.Forbidden("commitment.not_own", "只能以本人（本单位）名义作出承诺")
	}
	c, err := m.Store.CreateCommitment(r.Context(), sub.ID, sub.Code, in, p.Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, 201, c)
	return nil
}

func (m *remedyAPI) listCommitments(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	f := store.CommitmentFilter{State: r.URL.Query().Get("state")}
	if p.Role != auth.RoleOperator {
		f.Dept = p.Dept
	}
	cs, err := m.Store.Commitments(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"items": cs})
	return nil
}

func (m *remedyAPI) publicCommitments(w http.ResponseWriter, r *http.Request) error {
	sub, err := m.Store.SubjectByCode(r.Context(), strings.TrimSpace(r.URL.Query().Get("subject")))
	if err != nil {
		return err
	}
	cs, err := m.Store.Commitments(r.Context(), store.CommitmentFilter{SubjectID: sub.ID, PublicOnly: true})
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"items": cs})
	return nil
}

func (m *remedyAPI) actCommitment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Action remedy.Action `json:"action"`
		Note   string        `json:"note"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := m.Store.Commitment(r.Context(), id)
	if err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	role := remedy.RoleOther
	if p.Role == auth.RoleOperator {
		role = remedy.RoleOperator
	} else if p.Dept == c.Dept {
		role = remedy.RoleHandler
	}
	if _, err := remedy.Transition(remedy.Commitment, c.State, in.Action, role); err != nil {
		return err
	}
	var out store.Commitment
	if in.Action == remedy.ActBreak {
		out, err = BreakCommitment(r.Context(), m.Deps, c, role, strings.TrimSpace(in.Note), p.Actor())
	} else {
		out, err = m.Store.CloseCommitment(r.Context(), id, in.Action, role, strings.TrimSpace(in.Note), 0, p.Actor())
	}
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, out)
	return nil
}

// BreachType is the catalogue type (shipped in the seed catalogue) of the
// negative record a broken commitment becomes (失信: 未履行信用承诺).
const BreachType = "commitment_breach"

// BreakCommitment turns a commitment into a negative record (pushed like
// any record: record.published) and marks it broken (commitment.broken).
// Re-running after a failure is safe: the record is keyed by the
// commitment's document number, so a second submission is a duplicate.
func BreakCommitment(ctx context.Context, d Deps, c store.Commitment, who remedy.Role, note, actor string) (store.Commitment, error) {
	sub, err := d.Store.SubjectByCode(ctx, c.Subject)
	if err != nil {
		return c, err
	}
	day := today(d.Store.Now()).String()
	row := map[string]string{
		"CN_XDR_MC": sub.Name, "CN_BH": fmt.Sprintf("XYCN-%d", c.ID), "CN_LX": map[string]string{remedy.CommitMissing: "容缺受理型", remedy.CommitRepair: "信用修复型"}[c.Kind],
		"CN_SX": c.Matter, "CN_NR": "失信：未履行信用承诺。承诺内容：" + c.Content, "CN_CNRQ": day, "CN_LXZT": "未履行", "CN_JG": c.Dept,
	}
	if row["CN_LX"] == "" {
		row["CN_LX"] = "主动型"
	}
	if c.Due != "" {
		row["BZ"] = "履约期限 " + c.Due + " 届满未履行"
	}
	switch sub.Type {
	case subject.TypeNatural:
		sealed, err := d.Store.SubjectSealedID(ctx, sub.ID)
		if err != nil {
			return c, err
		}
		idno, err := d.PII.Open(sealed)
		if err != nil {
			return c, errs.Internal(err)
		}
		row["CN_XDR_LB"], row["CN_XDR_ZJLX"], row["CN_XDR_ZJHM"] = "自然人", "身份证", idno
	case subject.TypeIndividualBusiness:
		row["CN_XDR_LB"], row["CN_XDR_SHXYM"] = "个体工商户", sub.Code
	default:
		row["CN_XDR_LB"], row["CN_XDR_SHXYM"] = "法人及非法人组织", sub.Code
	}
	rep, err := d.Store.Ingest(ctx, &store.SliceRows{Rows: []store.IngestRow{{Line: 1, Values: row}}}, store.IngestOptions{
		Dept: c.Dept, Type: BreachType, Source: "commitment", Actor: actor, PII: d.PII, Mask: (&handlers{d}).mask(), Outcomes: true, Backfill: true})
	if err != nil {
		return c, err
	}
	var recID int64
	for _, o := range rep.Outcomes {
		recID = o.ID
	}
	if recID == 0 {
		return c, errs.Internal(fmt.Errorf("breach record of commitment %d not created: %+v", c.ID, rep.Issues))
	}
	if note == "" {
		note = "履约期限届满未履行，已形成失信记录"
	}
	return d.Store.CloseCommitment(ctx, c.ID, remedy.ActBreak, who, note, recID, actor)
}

// RemedySweep escalates overdue cases and breaks expired commitments. serve
// runs it periodically; the operator can run it at once.
func RemedySweep(ctx context.Context, d Deps) (escalated, broken int, err error) {
	if escalated, err = d.Store.EscalateOverdue(ctx); err != nil {
		return escalated, 0, err
	}
	due, err := d.Store.Commitments(ctx, store.CommitmentFilter{DueBefore: today(d.Store.Now()).String(), Limit: 500})
	if err != nil {
		return escalated, 0, err
	}
	for _, c := range due {
		if _, err := BreakCommitment(ctx, d, c, remedy.RoleSystem, "", "system"); err != nil {
			return escalated, broken, err
		}
		broken++
	}
	return escalated, broken, nil
}

// StartRemedySweep runs RemedySweep at start and then every interval until
// the returned stop function is called.
func StartRemedySweep(ctx context.Context, d Deps, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			// One node sweeps at a time (the lease outlives the interval so
			// the holder keeps it while it runs).
			_, err := d.Store.Exclusive(ctx, "remedy.sweep", interval+interval/2, func(ctx context.Context) error {
				esc, broken, err := RemedySweep(ctx, d)
				if err == nil && esc+broken > 0 {
					slog.Info("remedy sweep", "escalated", esc, "commitments_broken", broken)
				}
				return err
			})
			if err != nil && ctx.Err() == nil {
				slog.Error("remedy sweep", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}
