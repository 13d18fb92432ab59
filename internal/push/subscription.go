package push

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"xinyong/internal/errs"
	"xinyong/internal/list"
)

// Spec is what a department configures on a subscription.
type Spec struct {
	URL         string
	Description string
	EventTypes  []string
	ListTypes   []string
}

// Limits on a subscription's configuration.
const (
	MaxURLLen         = 2000
	MaxDescriptionLen = 200
)

// Normalize trims and de-duplicates the spec and checks it, reporting every
// wrong field at once as an *errs.Error.
func (s Spec) Normalize() (Spec, error) {
	var fes []errs.FieldError
	s.URL = strings.TrimSpace(s.URL)
	if reason := CheckURL(s.URL); reason != "" {
		fes = append(fes, errs.FieldError{Field: "url", Reason: reason})
	}
	s.Description = strings.TrimSpace(s.Description)
	if utf8.RuneCountInString(s.Description) > MaxDescriptionLen {
		fes = append(fes, errs.FieldError{Field: "description", Reason: "说明最多 200 个字符"})
	}
	s.EventTypes = clean(s.EventTypes)
	if len(s.EventTypes) == 0 {
		fes = append(fes, errs.FieldError{Field: "event_types", Reason: "至少选择一种事件类型"})
	}
	for _, t := range s.EventTypes {
		if !KnownEventType(t) {
			fes = append(fes, errs.FieldError{Field: "event_types", Reason: "未知事件类型：" + t + "（可选 " + knownList() + "）"})
		}
	}
	s.ListTypes = clean(s.ListTypes)
	for _, t := range s.ListTypes {
		if !list.ValidCode(t) {
			fes = append(fes, errs.FieldError{Field: "list_types", Reason: "名单类型代码格式不正确：" + t})
		}
	}
	if len(fes) > 0 {
		return s, errs.Invalid("subscription.invalid", "订阅信息有误", fes...)
	}
	return s, nil
}

// CheckURL returns why raw is not an acceptable receiver URL, or "".
func CheckURL(raw string) string {
	if raw == "" {
		return "接收地址不能为空"
	}
	if len(raw) > MaxURLLen {
		return "接收地址最多 2000 个字符"
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return "接收地址不是有效的 URL"
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "接收地址必须以 http:// 或 https:// 开头"
	}
	if u.Host == "" || u.Hostname() == "" {
		return "接收地址缺少主机名"
	}
	if u.User != nil {
		return "接收地址不能包含用户名或密码，请使用签名密钥校验来源"
	}
	if u.Fragment != "" {
		return "接收地址不能包含 # 片段"
	}
	return ""
}

func clean(xs []string) []string {
	var out []string
	for _, x := range xs {
		x = strings.TrimSpace(x)
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

func knownList() string {
	codes := make([]string, len(eventTypes))
	for i, t := range eventTypes {
		codes[i] = t.Code
	}
	return strings.Join(codes, "、")
}
