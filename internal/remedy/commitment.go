package remedy

import (
	"strings"
	"unicode/utf8"

	"xinyong/internal/calendar"
	"xinyong/internal/errs"
)

// Commitment kinds.
const (
	CommitGeneral = "general"          // 综合信用承诺
	CommitMissing = "missing_material" // 容缺受理承诺: missing material by a date
	CommitRepair  = "repair"           // 信用修复承诺
)

// CommitmentKinds maps kinds to Chinese names.
var CommitmentKinds = map[string]string{CommitGeneral: "综合信用承诺", CommitMissing: "容缺受理承诺", CommitRepair: "信用修复承诺"}

// CommitmentInput is a new commitment.
type CommitmentInput struct {
	Subject string `json:"subject"` // subject code
	Kind    string `json:"kind"`
	Dept    string `json:"dept"` // the department the promise is made to (受诺单位)
	Matter  string `json:"matter"`
	Content string `json:"content"`
	Due     string `json:"due,omitempty"` // YYYY-MM-DD; required for 容缺受理
	Public  *bool  `json:"public,omitempty"`
}

// Validate checks a commitment made on today.
func (c *CommitmentInput) Validate(today calendar.Date) error {
	var fe []errs.FieldError
	add := func(f, r string) { fe = append(fe, errs.FieldError{Field: f, Reason: r}) }
	c.Subject, c.Matter, c.Content, c.Dept = strings.TrimSpace(c.Subject), strings.TrimSpace(c.Matter), strings.TrimSpace(c.Content), strings.TrimSpace(c.Dept)
	if c.Subject == "" {
		add("subject", "请填写作出承诺的信用主体")
	}
	if _, ok := CommitmentKinds[c.Kind]; !ok {
		add("kind", "承诺类型只能是 general（综合信用承诺）、missing_material（容缺受理承诺）或 repair（信用修复承诺）")
	}
	if c.Dept == "" {
		add("dept", "请填写受诺单位")
	}
	if n := utf8.RuneCountInString(c.Matter); n < 2 || n > 200 {
		add("matter", "承诺事项须为2至200个字符")
	}
	if n := utf8.RuneCountInString(c.Content); n < 5 || n > 5000 {
		add("content", "承诺内容须为5至5000个字符")
	}
	if c.Due != "" {
		d, err := calendar.ParseDate(c.Due)
		if err != nil {
			add("due", "履约期限须为 YYYY-MM-DD 格式的日期")
		} else if !d.After(today) {
			add("due", "履约期限须晚于今天")
		}
	} else if c.Kind == CommitMissing {
		add("due", "容缺受理承诺须写明补齐材料的期限")
	}
	if len(fe) > 0 {
		return errs.Invalid("commitment.invalid", "承诺内容有误", fe...)
	}
	return nil
}

// Expired reports whether a pending commitment is past its due date on
// today without fulfilment (it then becomes a negative record).
func Expired(s State, due string, today calendar.Date) bool {
	return s == Pending && due != "" && today.String() > due
}
