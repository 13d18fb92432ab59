package api

import (
	"net/http"
	"strconv"

	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

// BoardInput is what POST /boards accepts.
type BoardInput struct {
	Title       string `json:"title"`
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
}

func (h *handlers) publishBoard(w http.ResponseWriter, r *http.Request) error {
	var in BoardInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	title, err := checkBoard(in) // console_board.go
	if err != nil {
		return err
	}
	b, err := h.Store.PublishBoard(r.Context(), title, in.PeriodStart, in.PeriodEnd, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/public/boards/"+strconv.FormatInt(b.ID, 10))
	httpx.JSON(w, http.StatusCreated, b)
	return nil
}

func (h *handlers) listBoards(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.Limit(r, 20, 100)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	bs, err := h.Store.Boards(r.Context(), before, limit)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, page(bs, limit, func(b store.Board) int64 { return b.ID }))
	return nil
}

func (h *handlers) getBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.Field("id", "红黑榜编号无效")
	}
	b, err := h.Store.Board(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, b)
	return nil
}
