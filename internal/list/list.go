// Package list defines the red and black list types (红名单/黑名单) of the
// joint reward-and-punishment system: who identifies each list, on which
// legal basis, for how long, and how a subject leaves it.
//
// The package is pure: it holds no state besides the embedded seed data and
// never reads the clock.
package list

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// Kind says whether a list rewards (red) or punishes (black).
type Kind string

const (
	Red   Kind = "red"
	Black Kind = "black"
)

// Label returns the Chinese label.
func (k Kind) Label() string {
	switch k {
	case Red:
		return "红名单"
	case Black:
		return "黑名单"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Red || k == Black }

// ParseKind accepts the English code or the Chinese label.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "red", "红名单", "红", "红榜", "守信联合激励对象名单", "守信激励对象":
		return Red, nil
	case "black", "黑名单", "黑", "黑榜", "失信联合惩戒对象名单", "严重失信主体名单":
		return Black, nil
	}
	return "", errs.Field("kind", "名单类别只能是红名单或黑名单："+s)
}

// UnmarshalText lets seed documents use English or Chinese.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Basis is one legal or policy basis (依据): a document, optionally an
// article, optionally the words that matter.
type Basis struct {
	// Document names the law or document with its number, e.g.
	// 《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）.
	Document string `json:"document"`
	// Article is e.g. 第一条 or 第八条第一款; empty when the document as a
	// whole is cited.
	Article string `json:"article,omitempty"`
	// Excerpt quotes or summarises the relevant words.
	Excerpt string `json:"excerpt,omitempty"`
}

// String gives a one-line Chinese citation:
// 《…》（…）第八条第一款：“…”.
func (b Basis) String() string {
	s := strings.TrimSpace(b.Document) + strings.TrimSpace(b.Article)
	if e := oneLine(b.Excerpt); e != "" {
		s += "：“" + e + "”"
	}
	return s
}

// Validate checks that the basis names a document in book-title marks.
// Errors are *errs.Error with field "document".
func (b Basis) Validate() error {
	d := strings.TrimSpace(b.Document)
	switch {
	case d == "":
		return errs.Field("document", "依据文件名称不能为空")
	case !strings.Contains(d, "《") || !strings.Contains(d, "》"):
		return errs.Field("document", "依据文件名称须用书名号《》标明："+d)
	case utf8.RuneCountInString(d) > 200:
		return errs.Field("document", "依据文件名称过长")
	case utf8.RuneCountInString(b.Article) > 50:
		return errs.Field("article", "条款过长")
	}
	return nil
}

// oneLine collapses whitespace, including line breaks, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Domain is the area of governance a list type belongs to.
type Domain struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

var domains = []Domain{
	{"court", "司法"},
	{"tax", "税务"},
	{"safety", "安全生产"},
	{"market", "市场监管"},
	{"labor", "劳动保障"},
	{"customs", "海关"},
	{"contract", "合同履约"},
	{"honor", "诚信荣誉"},
}

// Domains returns the known domains in display order.
func Domains() []Domain { return append([]Domain(nil), domains...) }

// DomainName returns the Chinese name of a domain code.
func DomainName(code string) (string, bool) {
	for _, d := range domains {
		if d.Code == code {
			return d.Name, true
		}
	}
	return "", false
}

// departments mirrors the department codes of docs/conventions.md.
var departments = map[string]string{
	"xyb":       "市社会信用体系建设联席会议办公室（信用办）",
	"court":     "市中级人民法院",
	"tax":       "市税务局",
	"samr":      "市市场监督管理局",
	"safety":    "市应急管理局",
	"hrss":      "市人力资源和社会保障局",
	"customs":   "海关",
	"ndrc":      "市发展和改革委员会",
	"finance":   "市财政局",
	"housing":   "市住房和城乡建设局",
	"ggzy":      "市公共资源交易中心",
	"pboc":      "中国人民银行市分行",
	"police":    "市公安局",
	"land":      "市自然资源和规划局",
	"transport": "市交通运输局",
	"env":       "市生态环境局",
	"health":    "市卫生健康委员会",
	"org":       "市委组织部",
	"civil":     "市民政局",
	"culture":   "市文化和旅游局",
}

// DepartmentName returns the Chinese name of a department code used by the
// seed data (docs/conventions.md).
func DepartmentName(code string) (string, bool) {
	n, ok := departments[code]
	return n, ok
}

// Type is a red or black list type.
type Type struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       Kind   `json:"kind"`
	Domain     string `json:"domain"` // court, tax, safety, market, labor, customs, contract, honor
	DomainName string `json:"domain_name"`
	// IdentifyingDept is the department code of the identifying (认定) body.
	IdentifyingDept string  `json:"identifying_dept"`
	Basis           []Basis `json:"basis"`
	// Criteria says who is put on the list.
	Criteria string `json:"criteria"`
	// DefaultMonths is the listing period; 0 means indefinite, until an exit
	// condition is met.
	DefaultMonths int `json:"default_months"`
	// Extension explains when and how far the period may be extended or
	// differs from the default.
	Extension      string   `json:"extension,omitempty"`
	ExitConditions []string `json:"exit_conditions"`
	// MonitorMonths is the key-monitoring (重点监测) period after a black-list
	// exit; always 0 for red lists.
	MonitorMonths int  `json:"monitor_months"`
	ExcludeMinors bool `json:"exclude_minors"`
	Public        bool `json:"public"`
	// ObjectionDays is how many days the subject has to object (陈述申辩)
	// after being notified; 0 means the listing takes effect on decision.
	ObjectionDays int `json:"objection_days"`
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// ValidCode reports whether s is a well-formed list type code.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// Validate checks a list type. The error is an *errs.Error listing every
// field that is wrong, with Chinese reasons.
func (t Type) Validate() error {
	var fe []errs.FieldError
	add := func(field, reason string) { fe = append(fe, errs.FieldError{Field: field, Reason: reason}) }

	if !ValidCode(t.Code) {
		add("code", "编码须以小写字母开头，由2至40位小写字母、数字或下划线组成")
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(t.Name)); {
	case n == 0:
		add("name", "名称不能为空")
	case n > 100:
		add("name", "名称不能超过100个字")
	}
	if !t.Kind.Valid() {
		add("kind", "名单类别只能是红名单或黑名单")
	}
	if name, ok := DomainName(t.Domain); !ok {
		add("domain", "未知的领域："+t.Domain)
	} else if t.DomainName != name {
		add("domain_name", fmt.Sprintf("领域名称应为“%s”", name))
	}
	if _, ok := DepartmentName(t.IdentifyingDept); !ok {
		add("identifying_dept", "未知的认定部门："+t.IdentifyingDept)
	}
	if t.Kind == Black && len(t.Basis) == 0 {
		add("basis", "黑名单必须有法律法规或党中央、国务院政策文件依据")
	}
	for i, b := range t.Basis {
		if err := b.Validate(); err != nil {
			for _, f := range errs.As(err).Fields {
				add(fmt.Sprintf("basis[%d].%s", i, f.Field), f.Reason)
			}
		}
	}
	if strings.TrimSpace(t.Criteria) == "" {
		add("criteria", "认定标准不能为空")
	}
	if t.DefaultMonths < 0 {
		add("default_months", "名单期限不能为负数")
	} else if t.DefaultMonths > 120 {
		add("default_months", "名单期限不能超过120个月")
	}
	if t.MonitorMonths < 0 {
		add("monitor_months", "重点监测期限不能为负数")
	} else if t.Kind == Red && t.MonitorMonths > 0 {
		add("monitor_months", "重点监测仅适用于黑名单")
	}
	if t.ObjectionDays < 0 {
		add("objection_days", "异议期限不能为负数")
	}
	if len(t.ExitConditions) == 0 && (t.DefaultMonths == 0 || t.Kind == Black) {
		add("exit_conditions", "须列明移出条件")
	}
	for i, c := range t.ExitConditions {
		if strings.TrimSpace(c) == "" {
			add(fmt.Sprintf("exit_conditions[%d]", i), "移出条件不能为空")
		}
	}
	if t.ExcludeMinors && t.Kind == Red {
		add("exclude_minors", "“不得纳入未成年人”仅适用于黑名单")
	}
	if len(fe) > 0 {
		return errs.Invalid("list_type.invalid", "名单类型设置有误", fe...)
	}
	return nil
}

// Expiry returns when a listing made on listed ends by lapse of its default
// period; ok is false for indefinite lists. Pass the listing date in the
// calendar's time zone.
func (t Type) Expiry(listed time.Time) (end time.Time, ok bool) {
	if t.DefaultMonths <= 0 {
		return time.Time{}, false
	}
	return listed.AddDate(0, t.DefaultMonths, 0), true
}

// MonitorUntil returns the end of key monitoring after an exit on exited;
// ok is false when the type has no monitoring period.
func (t Type) MonitorUntil(exited time.Time) (end time.Time, ok bool) {
	if t.Kind != Black || t.MonitorMonths <= 0 {
		return time.Time{}, false
	}
	return exited.AddDate(0, t.MonitorMonths, 0), true
}

// Codes returns the set of codes of types, for measure validation.
func Codes(types []Type) map[string]bool {
	m := make(map[string]bool, len(types))
	for _, t := range types {
		m[t.Code] = true
	}
	return m
}

// clone returns a deep copy of t.
func (t Type) clone() Type {
	t.Basis = append([]Basis(nil), t.Basis...)
	t.ExitConditions = append([]string(nil), t.ExitConditions...)
	return t
}
