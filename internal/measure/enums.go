package measure

import (
	"strings"

	"xinyong/internal/errs"
)

// Kind says whether a measure rewards (激励) or punishes (惩戒).
type Kind string

const (
	Reward Kind = "reward"
	Punish Kind = "punish"
)

// Label returns the Chinese label.
func (k Kind) Label() string {
	switch k {
	case Reward:
		return "激励"
	case Punish:
		return "惩戒"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Reward || k == Punish }

// ParseKind accepts the English code or the Chinese label.
func ParseKind(s string) (Kind, error) {
	switch norm(s) {
	case "reward", "激励", "激励措施", "守信激励", "守信联合激励":
		return Reward, nil
	case "punish", "惩戒", "惩戒措施", "失信惩戒", "失信联合惩戒":
		return Punish, nil
	}
	return "", errs.Field("kind", "措施类型只能是激励或惩戒："+s)
}

// UnmarshalText lets seed documents use English or Chinese.
func (k *Kind) UnmarshalText(b []byte) error { return unmarshal(k, ParseKind, b) }

// Category is the class of a measure under 国发〔2016〕33号.
type Category string

const (
	Administrative Category = "administrative"
	Market         Category = "market"
	Industry       Category = "industry"
	Social         Category = "social"
)

// Categories lists the categories in display order.
func Categories() []Category { return []Category{Administrative, Market, Industry, Social} }

// Label returns the Chinese label.
func (c Category) Label() string {
	switch c {
	case Administrative:
		return "行政性"
	case Market:
		return "市场性"
	case Industry:
		return "行业性"
	case Social:
		return "社会性"
	}
	return string(c)
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	return c == Administrative || c == Market || c == Industry || c == Social
}

// ParseCategory accepts the English code or the Chinese label.
func ParseCategory(s string) (Category, error) {
	switch norm(s) {
	case "administrative", "行政性", "行政性措施", "行政性约束和惩戒", "行政":
		return Administrative, nil
	case "market", "市场性", "市场性措施", "市场性约束和惩戒", "市场":
		return Market, nil
	case "industry", "行业性", "行业性措施", "行业性约束和惩戒", "行业":
		return Industry, nil
	case "social", "社会性", "社会性措施", "社会性约束和惩戒", "社会":
		return Social, nil
	}
	return "", errs.Field("category", "措施类别只能是行政性、市场性、行业性或社会性："+s)
}

// UnmarshalText lets seed documents use English or Chinese.
func (c *Category) UnmarshalText(b []byte) error { return unmarshal(c, ParseCategory, b) }

// Mode says whether a measure must be applied (强制性, 依法必须联合执行) or
// may be applied as the implementing department sees fit (推荐性).
type Mode string

const (
	Mandatory   Mode = "mandatory"
	Recommended Mode = "recommended"
)

// Label returns the Chinese label.
func (m Mode) Label() string {
	switch m {
	case Mandatory:
		return "强制性"
	case Recommended:
		return "推荐性"
	}
	return string(m)
}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == Mandatory || m == Recommended }

// Rank orders modes for display: mandatory measures come first.
func (m Mode) Rank() int {
	if m == Mandatory {
		return 0
	}
	return 1
}

// ParseMode accepts the English code or the Chinese label.
func ParseMode(s string) (Mode, error) {
	switch norm(s) {
	case "mandatory", "强制性", "强制", "强制性措施":
		return Mandatory, nil
	case "recommended", "推荐性", "推荐", "推荐性措施":
		return Recommended, nil
	}
	return "", errs.Field("mode", "措施性质只能是强制性或推荐性："+s)
}

// UnmarshalText lets seed documents use English or Chinese.
func (m *Mode) UnmarshalText(b []byte) error { return unmarshal(m, ParseMode, b) }

// Bind says whom a measure binds: the listed subject itself, or its related
// persons (法定代表人、主要负责人、实际控制人、直接责任人), so that
// punishment reaches the persons responsible (落实到人).
type Bind string

const (
	BindSubject Bind = "subject"
	BindRelated Bind = "related"
)

// Label returns the Chinese label.
func (b Bind) Label() string {
	switch b {
	case BindSubject:
		return "信用主体本身"
	case BindRelated:
		return "法定代表人、主要负责人、实际控制人、直接责任人"
	}
	return string(b)
}

// Valid reports whether b is a known bind.
func (b Bind) Valid() bool { return b == BindSubject || b == BindRelated }

// ParseBind accepts the English code or the Chinese label.
func ParseBind(s string) (Bind, error) {
	switch norm(s) {
	case "subject", "信用主体本身", "信用主体", "主体", "主体本身", "失信主体", "本人":
		return BindSubject, nil
	case "related", "法定代表人、主要负责人、实际控制人、直接责任人", "相关责任人", "相关责任人员", "相关人员",
		"有关人员", "责任人", "法定代表人", "主要负责人", "实际控制人", "直接责任人", "直接责任人员":
		return BindRelated, nil
	}
	return "", errs.Field("binds", "约束对象只能是信用主体本身或其相关责任人："+s)
}

// UnmarshalText lets seed documents use English or Chinese.
func (b *Bind) UnmarshalText(x []byte) error { return unmarshal(b, ParseBind, x) }

// Condition names what triggers an incentive other than a list entry.
// The empty condition means the measure is triggered by its list types.
type Condition string

const (
	ConditionList   Condition = ""
	ConditionClean3 Condition = "clean_3y"
)

// Label returns the Chinese label.
func (c Condition) Label() string {
	switch c {
	case ConditionList:
		return "列入名单触发"
	case ConditionClean3:
		return "连续3年无不良信用记录"
	}
	return string(c)
}

// Valid reports whether c is a known condition.
func (c Condition) Valid() bool { return c == ConditionList || c == ConditionClean3 }

// ParseCondition accepts the English code or the Chinese label.
func ParseCondition(s string) (Condition, error) {
	switch norm(s) {
	case "", "列入名单触发", "名单触发", "列入名单":
		return ConditionList, nil
	case "clean_3y", "连续3年无不良信用记录", "连续三年无不良信用记录", "3年无不良记录", "三年无不良记录":
		return ConditionClean3, nil
	}
	return "", errs.Field("condition", "未知的触发条件："+s)
}

// UnmarshalText lets seed documents use English or Chinese.
func (c *Condition) UnmarshalText(b []byte) error { return unmarshal(c, ParseCondition, b) }

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func unmarshal[T ~string](dst *T, parse func(string) (T, error), b []byte) error {
	v, err := parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
