package demo

import (
	"context"
	"fmt"
	"time"

	"xinyong/internal/calendar"
	"xinyong/internal/catalog"
	"xinyong/internal/list"
	"xinyong/internal/record"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
)

// RemediesResult summarises the demo cases; Codes maps a description to a
// query code that opens it on the portal's progress page.
type RemediesResult struct {
	Cases, Commitments int
	Codes              map[string]string
}

type demoStep struct {
	a   remedy.Action
	who remedy.Role
}

var (
	objectionPaths = [][]demoStep{
		{}, // submitted
		{{remedy.ActAccept, remedy.RoleOperator}},
		{{remedy.ActAccept, remedy.RoleOperator}, {remedy.ActForward, remedy.RoleOperator}},
		{{remedy.ActAccept, remedy.RoleOperator}, {remedy.ActForward, remedy.RoleOperator}, {remedy.ActVerify, remedy.RoleHandler}},
		{{remedy.ActAccept, remedy.RoleOperator}, {remedy.ActForward, remedy.RoleOperator}, {remedy.ActVerify, remedy.RoleHandler}, {remedy.ActUphold, remedy.RoleHandler}},
		{{remedy.ActReject, remedy.RoleOperator}},
		{{remedy.ActWithdraw, remedy.RoleApplicant}},
	}
	repairPaths = [][]demoStep{
		{},
		{{remedy.ActNotice, remedy.RoleHandler}},
		{{remedy.ActNotice, remedy.RoleHandler}, {remedy.ActSupplement, remedy.RoleApplicant}},
		{{remedy.ActAccept, remedy.RoleHandler}},
		{{remedy.ActAccept, remedy.RoleHandler}, {remedy.ActVerify, remedy.RoleHandler}},
		{{remedy.ActAccept, remedy.RoleHandler}, {remedy.ActVerify, remedy.RoleHandler}, {remedy.ActApprove, remedy.RoleHandler}},
		{{remedy.ActReject, remedy.RoleHandler}},
		{{remedy.ActWithdraw, remedy.RoleApplicant}},
	}
	reportPaths = [][]demoStep{
		{},
		{{remedy.ActRoute, remedy.RoleOperator}},
		{{remedy.ActRoute, remedy.RoleOperator}, {remedy.ActHandle, remedy.RoleHandler}},
		{{remedy.ActRoute, remedy.RoleOperator}, {remedy.ActHandle, remedy.RoleHandler}, {remedy.ActSubstantiate, remedy.RoleHandler}},
		{{remedy.ActRoute, remedy.RoleOperator}, {remedy.ActHandle, remedy.RoleHandler}, {remedy.ActDismiss, remedy.RoleHandler}},
		{{remedy.ActReject, remedy.RoleOperator}},
	}
)

// LoadRemedies creates objections, repairs and reports in every state and
// commitments pending, fulfilled and past due (the serve sweep turns the
// last into a negative record). It uses published negative records and
// active list entries already loaded.
func LoadRemedies(ctx context.Context, st *store.Store, now time.Time) (RemediesResult, error) {
	res := RemediesResult{Codes: map[string]string{}}
	cal, err := st.Calendar(ctx)
	if err != nil {
		return res, err
	}
	recs, err := st.Records(ctx, store.RecordFilter{State: string(record.Published), Current: true, Limit: 500})
	if err != nil {
		return res, err
	}
	var bad []record.Record
	for _, r := range recs {
		if r.Nature == catalog.NatureBad {
			bad = append(bad, r)
		}
	}
	entries, err := st.Entries(ctx, store.EntryFilter{State: list.Active, Today: list.Day(now)}, 0, 50)
	if err != nil {
		return res, err
	}
	dl := remedy.DefaultDeadlines()
	run := func(k remedy.Kind, n store.NewCase, steps []demoStep, label string) error {
		code := remedy.NewQueryCode()
		n.Kind, n.QueryHash = k, remedy.HashQueryCode(code)
		n.Due = cal.AddWorkdays(calendar.DateOf(now), dl.StageDays(k, remedy.Submitted)).String()
		c, err := st.CreateCase(ctx, n, "demo")
		if err != nil {
			return err
		}
		for _, s := range steps {
			a := store.CaseAction{Action: s.a, Who: s.who, Note: "演示数据", Deadlines: dl, Cal: cal}
			switch s.a {
			case remedy.ActNotice:
				a.Missing = []string{remedy.MatProof}
			case remedy.ActSupplement:
				a.Attachments = []remedy.Attachment{{Kind: remedy.MatProof, Name: "缴款凭证.pdf", Data: []byte("%PDF-1.4\n%demo\n"), ContentType: "application/pdf"}}
			case remedy.ActRoute:
				a.Dept = "samr"
			}
			if c, err = st.ActOnCase(ctx, c.ID, a, "demo"); err != nil {
				return fmt.Errorf("demo %s %s: %w", k, s.a, err)
			}
		}
		res.Cases++
		res.Codes[fmt.Sprintf("%s（%s）%s", k.Label(), c.StateLabel, label)] = code
		return nil
	}
	next := 0
	takeRecord := func() (record.Record, bool) {
		if next >= len(bad) {
			return record.Record{}, false
		}
		next++
		return bad[next-1], true
	}
	for i, path := range objectionPaths {
		n := store.NewCase{Reason: remedy.ReasonCodes[i%len(remedy.ReasonCodes)], Body: "处罚决定已被复议机关变更，平台公示内容与认定机关信息不一致",
			ApplicantName: "演示申请人", Contact: "0591-00000000"}
		if i < len(entries) && i%2 == 1 {
			e := entries[i]
			n.SubjectID, n.SubjectCode, n.TargetKind, n.TargetID, n.TargetType, n.Dept = e.SubjectID, e.SubjectCode, "entry", e.ID, e.ListType, e.Dept
			if len(path) < 4 {
				n.Pause = []int64{e.ID}
			}
		} else if r, ok := takeRecord(); ok {
			n.SubjectID, n.SubjectCode, n.TargetKind, n.TargetID, n.TargetType, n.Dept = r.SubjectID, r.Subject, "record", r.ID, r.Type, r.Dept
		} else {
			continue
		}
		if err := run(remedy.Objection, n, path, n.SubjectCode); err != nil {
			return res, err
		}
	}
	for _, path := range repairPaths {
		r, ok := takeRecord()
		if !ok {
			break
		}
		n := store.NewCase{SubjectID: r.SubjectID, SubjectCode: r.Subject, TargetKind: "record", TargetID: r.ID, TargetType: r.Type, Dept: r.Dept,
			Body: "罚款已缴清，违法行为已整改完毕", Severity: string(r.Severity), ApplicantName: "演示申请人", Contact: "0591-00000000",
			Missing: remedy.Missing(remedy.RequiredMaterials(string(r.Severity)), []string{remedy.MatCommitment})}
		if err := run(remedy.Repair, n, path, r.Subject); err != nil {
			return res, err
		}
	}
	for _, path := range reportPaths {
		r, ok := takeRecord()
		if !ok {
			break
		}
		n := store.NewCase{SubjectID: r.SubjectID, SubjectCode: r.Subject, Reason: "虚假宣传", Body: "该企业在容缺受理后未按承诺补齐材料仍继续经营",
			ApplicantName: "演示举报人", Contact: "13800000000"}
		if err := run(remedy.Report, n, path, r.Subject); err != nil {
			return res, err
		}
	}
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
	for i, c := range []remedy.CommitmentInput{
		{Kind: remedy.CommitGeneral, Dept: "samr", Matter: "综合信用承诺", Content: "承诺依法诚信经营，自觉接受监督"},
		{Kind: remedy.CommitMissing, Dept: "samr", Matter: "食品经营许可容缺受理", Content: "承诺在期限内补齐经营场所证明", Due: day(20)},
		{Kind: remedy.CommitRepair, Dept: "samr", Matter: "信用修复承诺", Content: "承诺不再发生同类失信行为"},
		{Kind: remedy.CommitMissing, Dept: "samr", Matter: "建设工程许可容缺受理", Content: "承诺补齐施工图审查合格书", Due: day(-3)},
	} {
		if i >= len(bad) {
			break
		}
		cm, err := st.CreateCommitment(ctx, bad[i].SubjectID, bad[i].Subject, c, "demo")
		if err != nil {
			return res, err
		}
		if c.Kind == remedy.CommitRepair {
			if _, err := st.CloseCommitment(ctx, cm.ID, remedy.ActFulfil, remedy.RoleOperator, "已按承诺整改", 0, "demo"); err != nil {
				return res, err
			}
		}
		res.Commitments++
	}
	return res, nil
}
