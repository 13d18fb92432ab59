package api

import (
	"net/http"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

// checkBoard validates a board request and returns the trimmed title.
func checkBoard(in BoardInput) (string, error) {
	var fe []errs.FieldError
	title := strings.TrimSpace(in.Title)
	if title == "" || len([]rune(title)) > 100 {
		fe = append(fe, errs.FieldError{Field: "title", Reason: "标题不能为空，且不超过100字"})
	}
	if !isDate(in.PeriodStart) {
		fe = append(fe, errs.FieldError{Field: "period_start", Reason: "日期格式应为 YYYY-MM-DD"})
	}
	if !isDate(in.PeriodEnd) {
		fe = append(fe, errs.FieldError{Field: "period_end", Reason: "日期格式应为 YYYY-MM-DD"})
	} else if isDate(in.PeriodStart) && in.PeriodEnd < in.PeriodStart {
		fe = append(fe, errs.FieldError{Field: "period_end", Reason: "结束日期早于开始日期"})
	}
	if len(fe) > 0 {
		return title, errs.Invalid("board.invalid", "红黑榜信息有误", fe...)
	}
	return title, nil
}

// Board previews (publish false) or publishes a red/black board.
func (c *Console) Board(r *http.Request, in BoardInput, publish bool) (store.Board, error) {
	title, err := checkBoard(in)
	if err != nil {
		return store.Board{}, err
	}
	if !publish {
		return c.h.Store.PreviewBoard(r.Context(), title, in.PeriodStart, in.PeriodEnd)
	}
	return c.h.Store.PublishBoard(r.Context(), title, in.PeriodStart, in.PeriodEnd, httpx.PrincipalOf(r.Context()).Actor())
}
