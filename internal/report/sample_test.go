package report

import (
	"fmt"
	"time"
)

// sampleReport is a typical report: a company with n administrative
// penalty records and a few other sections.
func sampleReport(n int) Report {
	gen := time.Date(2026, 11, 23, 7, 30, 5, 0, time.UTC)
	r := Report{
		Number:      NewNumber(gen, 123),
		GeneratedAt: gen,
		AsOf:        gen.Add(-30 * time.Minute),
		Subject: Header{
			Name:     "福州市示例信息技术有限公司",
			Code:     "91350100M000100Y43",
			Type:     "有限责任公司（自然人投资或控股）",
			Region:   "福建省福州市鼓楼区",
			LegalRep: "张三",
			Status:   "存续（在营、开业、在册）",
		},
		Issuer: "市社会信用体系建设联席会议办公室（信用办）",
		Notes: []string{
			"本报告依据《公共信用信息管理办法》由公共信用信息平台自动生成，所列信息截至上述信息截止时间。",
			"本报告仅包含依法公开的公共信用信息，不作为认定主体信用状况的唯一依据；信息主体对信息有异议的，可向信用办提出异议申请。",
			"报告内容如与平台核验结果不一致，以平台核验结果为准。ABC 0123456789",
		},
	}
	pen := Section{Title: "行政处罚信息", Columns: []string{"序号", "决定文书号", "处罚事由", "处罚结果", "处罚机关", "处罚日期"}}
	for i := 0; i < n; i++ {
		pen.Rows = append(pen.Rows, []string{
			fmt.Sprint(i + 1),
			fmt.Sprintf("榕市监处罚〔2026〕%03d号", 100+i),
			"未按规定公示年度报告，且在责令限期改正期间逾期未改正，违反了《企业信息公示暂行条例》第八条的规定，情节较重",
			fmt.Sprintf("罚款人民币%d元，并列入经营异常名录", 5000+i*100),
			"市市场监督管理局",
			fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28),
		})
	}
	r.Sections = []Section{
		{Title: "严重失信主体名单信息", Columns: []string{"名单类型", "列入原因", "认定机关", "列入日期"}},
		pen,
		{Title: "行政许可信息", Columns: []string{"许可文件编号", "许可内容", "许可机关", "有效期"}, Rows: [][]string{
			{"JY13501020012345", "食品经营许可（预包装食品销售）", "市市场监督管理局", "2024-03-01 至 2029-02-28"},
		}},
		{Title: "守信激励信息", Empty: "暂无记录", Columns: []string{"荣誉名称", "授予机关", "授予日期"}},
	}
	r.VerifyCode = VerifyCode(r.Number, ContentDigest(r))
	r.VerifyURL = "https://credit.example.gov.cn/verify?no=" + r.Number + "&code=" + r.VerifyCode
	return r
}
