package ui

import (
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/calendar"
)

var weekdays = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

type calendarDay struct {
	calendar.Override
	Weekday string
}

func calendarYear(v string, now int) int {
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return now
	}
	return y
}

// calendarPage lists a year's holidays and 调休 workdays (operator).
func (s *server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	year := calendarYear(r.URL.Query().Get("year"), s.API.Now().In(shanghai).Year())
	return s.renderCalendar(w, r, 200, year, view{Flash: workFlash(r), Form: map[string]string{"kind": "holiday"}})
}

func (s *server) renderCalendar(w http.ResponseWriter, r *http.Request, status, year int, v view) error {
	ovs, err := s.API.Store.CalendarYear(r.Context(), year)
	if err != nil {
		return err
	}
	days := make([]calendarDay, len(ovs))
	for i, o := range ovs {
		days[i] = calendarDay{o, weekdays[o.Date.Weekday()]}
	}
	v.Title, v.Console = "工作日历", true
	v.Data = map[string]any{"Year": year, "Days": days, "Prev": year - 1, "Next": year + 1}
	s.render(w, r, status, "console_calendar", v)
	return nil
}

// calendarChange adds (or replaces) or removes one day of a year and stores
// the year through the same validation as PUT /api/v1/calendar/{year}.
func (s *server) calendarChange(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if op := r.PathValue("op"); err != nil || year < 2000 || year > 2100 || (op != "add" && op != "remove") {
		return notFound(w, r)
	}
	form := map[string]string{"date": strings.TrimSpace(r.PostFormValue("date")), "kind": r.PostFormValue("kind"), "name": strings.TrimSpace(r.PostFormValue("name"))}
	refuse := func(field, reason string) error {
		return s.renderCalendar(w, r, http.StatusBadRequest, year, view{Error: "未保存：" + reason, Fields: map[string]string{field: reason}, Form: form})
	}
	d, err := calendar.ParseDate(form["date"])
	if err != nil {
		return refuse("date", "日期格式应为 YYYY-MM-DD")
	}
	if !strings.HasPrefix(d.String(), strconv.Itoa(year)+"-") {
		return refuse("date", "日期不在 "+strconv.Itoa(year)+" 年")
	}
	ovs, err := s.API.Store.CalendarYear(r.Context(), year)
	if err != nil {
		return err
	}
	var next []calendar.Override
	for _, o := range ovs {
		if o.Date != d {
			next = append(next, o)
		}
	}
	remove := r.PathValue("op") == "remove"
	if !remove {
		if len([]rune(form["name"])) > 20 {
			return refuse("name", "名称不能超过 20 个字")
		}
		next = append(next, calendar.Override{Date: d, Kind: calendar.DayKind(form["kind"]), Name: form["name"]})
	} else if len(next) == len(ovs) {
		return refuse("date", "该日期不在日历中")
	}
	err = s.API.Store.ReplaceCalendarYear(r.Context(), year, next, p.Actor())
	if fe := formError(err); fe != nil {
		field := "date"
		for k := range fe.fields {
			if strings.HasSuffix(k, ".kind") {
				field = "kind"
			}
		}
		return refuse(field, joinReasons(fe.fields))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/console/calendar?year="+strconv.Itoa(year)+"&done=saved", http.StatusSeeOther)
	return nil
}
