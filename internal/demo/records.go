package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"xinyong/internal/catalog"
	"xinyong/internal/record"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// Departments that submit demo records, with the short prefix of their
// document numbers and their (demo) USCC.
var recordDepts = []struct{ Code, Name, Prefix, USCC string }{
	{"samr", "福州市市场监督管理局", "榕市监", "11350100MB0000000X"},
	{"tax", "国家税务总局福州市税务局", "榕税", "11350100MB0000001X"},
	{"env", "福州市生态环境局", "榕环", "11350100MB0000002X"},
	{"safety", "福州市应急管理局", "榕应急", "11350100MB0000003X"},
	{"transport", "福州市交通运输局", "榕交", "11350100MB0000004X"},
	{"housing", "福州市住房和城乡建设局", "榕建", "11350100MB0000005X"},
}

type violation struct{ kind, fact, basis, category, content, amount string }

var violations = []violation{
	{"销售超过保质期的食品", "当事人在经营场所销售超过保质期的预包装食品", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项", "警告;罚款", "警告，并处罚款", ""},
	{"未按规定公示年度报告", "当事人未按规定期限公示年度报告", "《企业信息公示暂行条例》第十七条", "警告", "警告", ""},
	{"虚假广告", "当事人在网络平台发布含有虚假内容的广告", "《中华人民共和国广告法》第五十五条", "罚款;没收违法所得", "罚款并没收违法所得", ""},
	{"逾期未申报纳税", "当事人未按照规定期限办理纳税申报", "《中华人民共和国税收征收管理法》第六十二条", "罚款", "罚款", ""},
	{"超标排放大气污染物", "当事人排放大气污染物超过国家规定的排放标准", "《中华人民共和国大气污染防治法》第九十九条", "罚款;责令停产停业", "责令停产整治，并处罚款", ""},
	{"未落实安全生产责任制", "当事人未建立健全全员安全生产责任制", "《中华人民共和国安全生产法》第九十七条", "警告;罚款", "责令限期改正，并处罚款", ""},
	{"无证经营道路运输", "当事人未取得道路运输经营许可擅自从事道路运输经营", "《中华人民共和国道路运输条例》第六十三条", "罚款;没收违法所得", "没收违法所得，并处罚款", ""},
	{"违法转包工程", "当事人将承包的工程违法转包", "《建设工程质量管理条例》第六十二条", "罚款;暂扣许可证件", "罚款，并责令停业整顿", ""},
	{"生产销售不合格产品", "当事人生产销售以不合格产品冒充合格产品", "《中华人民共和国产品质量法》第五十条", "吊销许可证件;罚款", "吊销许可证件，并处罚款", ""},
}

var licences = []struct{ doc, cert, content string }{
	{"食品经营许可决定", "食品经营许可证", "预包装食品（含冷藏冷冻食品）销售；散装食品销售"},
	{"建筑施工企业安全生产许可决定", "安全生产许可证", "建筑施工"},
	{"道路运输经营许可决定", "道路运输经营许可证", "道路普通货物运输"},
	{"排污许可决定", "排污许可证", "废气、废水污染物排放"},
	{"建筑业企业资质许可决定", "建筑业企业资质证书", "建筑工程施工总承包三级"},
}

// Rand exposes the generator's source (benchmarks generating identifiers).
func (g *Generator) Rand() *rand.Rand { return g.r }

// PenaltyRow returns a realistic 行政处罚 row (field codes) of department
// dept decided on the civil date decided.
func (g *Generator) PenaltyRow(code, name, doc, dept, decided string) map[string]string {
	d := deptOf(dept)
	v := violations[g.r.IntN(len(violations))]
	fine := float64(1+g.r.IntN(200)) / 10 // 0.1–20 万元
	row := map[string]string{
		"CF_XDR_MC": name, "CF_XDR_LB": catalog.SubjectOrg, "CF_XDR_SHXYM": code, "CF_FRDB": g.PersonName(),
		"CF_WSH": doc, "CF_WFXW": v.kind, "CF_SY": v.fact, "CF_YJ": v.basis, "CF_CFLB": v.category,
		"CF_NR": fmt.Sprintf("%s%.1f万元", v.content, fine), "CF_JDRQ": decided, "CF_YXQ": addYears(decided, 1),
		"CF_CFJG": d.Name, "CF_CFJGDM": d.USCC, "CF_SJLY": d.Name, "CF_SJLYDM": d.USCC,
	}
	if v.category != "警告" {
		row["CF_NR_FK"] = fmt.Sprintf("%.1f", fine)
	}
	if strings.Contains(v.category, "许可证件") {
		row["CF_NR_ZKDX"] = fmt.Sprintf("%s（%s%08d）", licences[g.r.IntN(len(licences))].cert, d.Prefix, g.r.IntN(1e8))
	}
	if v.category == "罚款;没收违法所得" {
		row["CF_NR_WFFF"] = fmt.Sprintf("%.1f", fine/2)
	}
	return row
}

// LicenseRow returns a realistic 行政许可 row.
func (g *Generator) LicenseRow(code, name, doc, dept, decided string) map[string]string {
	d := deptOf(dept)
	l := licences[g.r.IntN(len(licences))]
	return map[string]string{
		"XK_XDR_MC": name, "XK_XDR_LB": catalog.SubjectOrg, "XK_XDR_SHXYM": code, "XK_FRDB": g.PersonName(),
		"XK_XKWS": "关于准予" + name + l.doc, "XK_WSH": doc, "XK_XKLB": "普通", "XK_XKZS": l.cert,
		"XK_XKBH": fmt.Sprintf("%s%08d", d.Prefix, g.r.IntN(1e8)), "XK_NR": l.content,
		"XK_JDRQ": decided, "XK_YXQZ": decided, "XK_YXQZI": addYears(decided, 5),
		"XK_XKJG": d.Name, "XK_XKJGDM": d.USCC, "XK_LYDW": d.Name, "XK_LYDWDM": d.USCC,
	}
}

func deptOf(code string) struct{ Code, Name, Prefix, USCC string } {
	for _, d := range recordDepts {
		if d.Code == code {
			return d
		}
	}
	return recordDepts[0]
}

func addYears(date string, n int) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	return t.AddDate(n, 0, -1).Format("2006-01-02")
}

// RecordsResult summarises a record load.
type RecordsResult struct{ Licences, Penalties, Late, Revoked int }

// LoadRecords submits n licences and penalties (about 2:3) over the given
// organisations through the real ingestion path, department by department:
// decisions spread over the last three years (older ones as historical
// backfill, so some penalties have already left publicity), recent ones
// submitted now (some after the 7-working-day deadline), and about 3% of
// penalties revoked afterwards.
func LoadRecords(ctx context.Context, st *store.Store, g *Generator, p subject.Protector, mask func(string) string, orgs [][2]string, n int, progress func(done int)) (RecordsResult, error) {
	var res RecordsResult
	if len(orgs) == 0 || n == 0 {
		return res, nil
	}
	type key struct{ typ, dept string }
	type batch struct {
		hist, recent []store.IngestRow
	}
	batches := map[key]*batch{}
	var order []key
	today := g.now.In(catalog.Shanghai)
	for i := 0; i < n; i++ {
		o := orgs[g.r.IntN(len(orgs))]
		dept := recordDepts[g.r.IntN(len(recordDepts))]
		recent := g.r.IntN(10) == 0
		age := 30 + g.r.IntN(3*365-30)
		if recent {
			age = 1 + g.r.IntN(20)
		}
		decided := today.AddDate(0, 0, -age)
		year := decided.Year()
		var k key
		var row map[string]string
		if g.r.IntN(5) < 2 {
			k = key{"license", dept.Code}
			row = g.LicenseRow(o[0], o[1], fmt.Sprintf("%s许〔%d〕%d号", dept.Prefix, year, 10000+i), dept.Code, decided.Format("2006-01-02"))
			res.Licences++
		} else {
			k = key{"penalty", dept.Code}
			row = g.PenaltyRow(o[0], o[1], fmt.Sprintf("%s罚〔%d〕%d号", dept.Prefix, year, 10000+i), dept.Code, decided.Format("2006-01-02"))
			res.Penalties++
		}
		b := batches[k]
		if b == nil {
			b = &batch{}
			batches[k] = b
			order = append(order, k)
		}
		r := store.IngestRow{Line: len(b.hist) + len(b.recent) + 1, Values: row}
		if recent {
			b.recent = append(b.recent, r)
		} else {
			b.hist = append(b.hist, r)
		}
	}
	done := 0
	for _, k := range order {
		b := batches[k]
		for _, part := range []struct {
			rows     []store.IngestRow
			backfill bool
		}{{b.hist, true}, {b.recent, false}} {
			if len(part.rows) == 0 {
				continue
			}
			rep, err := st.Ingest(ctx, &store.SliceRows{Rows: part.rows}, store.IngestOptions{
				Dept: k.dept, Type: k.typ, Source: "demo", Actor: "system:demo", PII: p, Mask: mask, Backfill: part.backfill, Outcomes: true})
			if err != nil {
				return res, fmt.Errorf("demo %s/%s: %w", k.dept, k.typ, err)
			}
			res.Late += rep.Late
			for _, oc := range rep.Outcomes {
				if k.typ == "penalty" && oc.Result == "created" && oc.State == string(record.Published) && g.r.IntN(33) == 0 {
					if _, err := st.RevokeRecord(ctx, oc.ID, "", "行政复议决定撤销原处罚决定", "system:demo"); err != nil {
						return res, err
					}
					res.Revoked++
				}
			}
			done += len(part.rows)
			if progress != nil {
				progress(done)
			}
		}
	}
	return res, nil
}
