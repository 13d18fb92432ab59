package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// ListsResult summarises a list-entry load.
type ListsResult struct {
	Active, Exited, Paused int
	// Listed are codes of subjects with an entry (for benchmarks).
	Listed []int64
}

// mix is the share of each list type among generated entries (per mille).
var mix = []struct {
	code   string
	permil int
	orgs   bool // organisations only
}{
	{"court_dishonest_debtor", 500, false},
	{"tax_major_violation", 90, true},
	{"safety_serious", 60, true},
	{"market_serious", 110, true},
	{"labor_wage_arrears", 60, true},
	{"tax_a_grade", 80, true},
	{"contract_honor", 50, true},
	{"customs_aeo", 20, true},
	{"honesty_model", 30, true},
}

var facts = map[string][]string{
	"court_dishonest_debtor": {"有履行能力而拒不履行生效法律文书确定义务", "违反财产报告制度", "违反限制消费令", "以隐匿、转移财产等方法规避执行"},
	"tax_major_violation":    {"虚开增值税专用发票", "偷税数额较大且占应纳税额百分之十以上", "逃避追缴欠税"},
	"safety_serious":         {"发生较大生产安全事故负有责任", "拒不执行安全监管指令"},
	"market_serious":         {"生产销售不符合食品安全标准的食品，受到较重行政处罚", "隐瞒真实情况弄虚作假，被撤销登记"},
	"labor_wage_arrears":     {"克扣、无故拖欠农民工工资数额达到认定拒不支付劳动报酬罪数额标准"},
	"tax_a_grade":            {"年度纳税信用评价为A级"},
	"contract_honor":         {"连续两年被评为守合同重信用企业"},
	"customs_aeo":            {"经海关认证为高级认证企业"},
	"honesty_model":          {"在诚信建设中表现突出，经推荐评选为诚信典型"},
}

// LoadListEntries puts about n subjects on lists through the bulk path: a
// realistic mix of black and red lists, start dates over the last three
// years (some lapsed by now), about one in seven exited, organisations'
// legal representatives bound, and a few entries paused as if under
// objection.
func LoadListEntries(ctx context.Context, st *store.Store, seed uint64, n int, now time.Time, progress func(done int)) (ListsResult, error) {
	var res ListsResult
	if n <= 0 {
		return res, nil
	}
	if err := st.SeedRules(ctx, list.Seed(), measure.Seed()); err != nil {
		return res, err
	}
	types := map[string]list.Type{}
	for _, t := range list.Seed() {
		types[t.Code] = t
	}
	maxID, err := st.MaxSubjectID(ctx)
	if err != nil || maxID == 0 {
		return res, err
	}
	r := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	p := float64(n) / float64(maxID)
	const span = 50000
	var batch []store.BulkEntry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkEntries(batch, "system:demo") }); err != nil {
			return err
		}
		batch = batch[:0]
		if progress != nil {
			progress(res.Active + res.Exited)
		}
		return nil
	}
	loc := time.FixedZone("CST", 8*3600)
	for lo := int64(1); lo <= maxID && res.Active+res.Exited < n; lo += span {
		kinds, err := st.SubjectTypes(ctx, lo, lo+span-1)
		if err != nil {
			return res, err
		}
		for id := lo; id < lo+span && res.Active+res.Exited < n; id++ {
			typ, ok := kinds[id]
			if !ok || r.Float64() >= p {
				continue
			}
			t := pickType(r, types, subject.Type(typ) != subject.TypeNatural)
			start := now.In(loc).AddDate(0, 0, -r.IntN(3*365)).Truncate(24 * time.Hour)
			day := time.Date(start.Year(), start.Month(), start.Day(), 9, 30, 0, 0, loc)
			e := store.BulkEntry{SubjectID: id, Type: t, Facts: pickS(r, facts[t.Code]), ActivatedAt: day,
				BasisDoc: fmt.Sprintf("榕%s〔%d〕%d号", deptShort[t.IdentifyingDept], day.Year(), 1+r.IntN(9000)), Start: day.Format(time.DateOnly)}
			if end, ok := t.Expiry(day); ok {
				e.End = end.Format(time.DateOnly)
			}
			if x := day.Add(time.Duration(1+r.IntN(300)) * 24 * time.Hour); r.IntN(7) == 0 && x.Before(now) && (e.End == "" || x.Format(time.DateOnly) < e.End) {
				e.ExitedAt, e.ExitReason = x, []list.ExitReason{list.ExitRepair, list.ExitCourt, list.ExitRevocation}[r.IntN(3)]
				if t.Kind == list.Red {
					e.ExitReason = list.ExitRevocation
				}
				res.Exited++
			} else {
				res.Active++
				res.Listed = append(res.Listed, id)
			}
			batch = append(batch, e)
			if len(batch) >= 5000 {
				if err := flush(); err != nil {
					return res, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	return res, pauseSome(ctx, st, &res, now)
}

// pauseSome marks a few active entries as under objection (暂不执行).
func pauseSome(ctx context.Context, st *store.Store, res *ListsResult, now time.Time) error {
	es, err := st.Entries(ctx, store.EntryFilter{State: list.Active, Today: list.Day(now)}, 0, 20)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.Paused || res.Paused >= 5 {
			continue
		}
		if err := st.PauseEntry(ctx, e.ID, "异议核实中（演示）", "system:demo"); err != nil {
			return err
		}
		res.Paused++
	}
	return nil
}

var deptShort = map[string]string{"court": "法执", "tax": "税稽罚", "safety": "应急罚", "samr": "市监", "hrss": "人社", "customs": "关认", "xyb": "信用"}

func pickType(r *rand.Rand, types map[string]list.Type, org bool) list.Type {
	for {
		x := r.IntN(1000)
		for _, m := range mix {
			if x < m.permil {
				if m.orgs && !org {
					break
				}
				return types[m.code]
			}
			x -= m.permil
		}
	}
}

func pickS(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }
