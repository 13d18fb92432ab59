package measure

import "strings"

// Scenario is a business situation in which an implementing department
// checks a subject (应查必查), e.g. a licence application or a tender.
type Scenario struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

var scenarios = []Scenario{
	{"licensing", "行政许可"},
	{"procurement", "政府采购"},
	{"bidding", "招标投标"},
	{"funding", "财政资金"},
	{"honors", "评先评优"},
	{"employment", "公职录用任职"},
	{"credit", "融资授信"},
	{"consumption", "高消费"},
	{"exit", "出境"},
	{"supervision", "日常监管"},
	{"land", "土地供应"},
	{"bonds", "债券发行"},
	{"securities", "股票发行与股权激励"},
	{"market_access", "市场准入"},
	{"qualification", "资质认定"},
	{"franchise", "特许经营"},
	{"customs", "通关"},
	{"tax_service", "涉税事项"},
	{"insurance", "保险服务"},
	{"public_service", "公共服务"},
	{"industry", "行业自律"},
	{"publicity", "信息公示"},
}

// aliases maps other common names to scenario codes.
var aliases = map[string]string{
	"招投标":      "bidding",
	"工程招投标":    "bidding",
	"公共资源交易":   "bidding",
	"财政性资金":    "funding",
	"政府补贴":     "funding",
	"政府资金支持":   "funding",
	"评优评先":     "honors",
	"公职录用/任职":  "employment",
	"公职录用":     "employment",
	"任职":       "employment",
	"融资":       "credit",
	"授信":       "credit",
	"融资信贷":     "credit",
	"信贷":       "credit",
	"高消费及有关消费": "consumption",
	"限制出境":     "exit",
	"事中事后监管":   "supervision",
	"监管":       "supervision",
	"土地":       "land",
	"政府供应土地":   "land",
	"国有土地出让":   "land",
	"发行债券":     "bonds",
	"资质":       "qualification",
	"资质审核":     "qualification",
	"行政审批":     "licensing",
	"审批":       "licensing",
	"公示":       "publicity",
	"公开披露":     "publicity",
	"纳税服务":     "tax_service",
}

// Scenarios returns the known scenarios in display order.
func Scenarios() []Scenario { return append([]Scenario(nil), scenarios...) }

// ScenarioByName finds a scenario by its code, its Chinese name or a common
// alias (e.g. "政府采购", "procurement", "招投标").
func ScenarioByName(s string) (Scenario, bool) {
	s = strings.TrimSpace(s)
	if code, ok := aliases[s]; ok {
		s = code
	}
	low := strings.ToLower(s)
	for _, sc := range scenarios {
		if sc.Code == low || sc.Name == s {
			return sc, true
		}
	}
	return Scenario{}, false
}

// KnownScenario reports whether code is a scenario code.
func KnownScenario(code string) bool {
	for _, sc := range scenarios {
		if sc.Code == code {
			return true
		}
	}
	return false
}
