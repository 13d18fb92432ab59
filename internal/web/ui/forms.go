package ui

import (
	"xinyong/internal/errs"
)

// formErr is a refusal to show beside a form: a message and field reasons.
type formErr struct {
	msg    string
	fields map[string]string
}

// formError turns input errors (invalid, conflict, too large) into what a
// re-rendered form shows; other errors (and nil) give nil.
func formError(err error) *formErr {
	if err == nil {
		return nil
	}
	e := errs.As(err)
	switch e.Kind {
	case errs.KindInvalid, errs.KindConflict, errs.KindTooLarge:
	default:
		return nil
	}
	fe := &formErr{msg: e.Message, fields: map[string]string{}}
	for _, f := range e.Fields {
		fe.fields[f.Field] = f.Reason
	}
	if fe.msg == "" || len(e.Fields) > 0 {
		fe.msg = "提交的内容有误，请按提示修改后重试"
	}
	return fe
}
