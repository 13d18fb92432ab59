package ui

import (
	"html/template"
	"net/http"

	"xinyong/internal/store"
	"xinyong/internal/tracking"
)

type indexPage struct {
	Chart      template.HTML
	Months     []tracking.IndexMonth
	Latest     *tracking.IndexMonth
	Indicators []tracking.IndexIndicator
}

// creditIndex shows the regional credit environment index of the last
// twelve months, charted, with the components of every month.
func (s *server) creditIndex(w http.ResponseWriter, r *http.Request) error {
	cfg, err := s.API.Store.IndexIndicators(r.Context())
	if err != nil {
		return err
	}
	ms, err := s.API.Store.EnvironmentIndex(r.Context(), store.IndexAsOf(s.API.Now()), cfg)
	if err != nil {
		return err
	}
	pg := indexPage{Months: ms, Indicators: cfg}
	var labels []string
	idx := tracking.Series{Name: "信用环境指数"}
	for i := range ms {
		labels = append(labels, ms[i].Month)
		idx.Values = append(idx.Values, ms[i].Value)
		if !ms[i].Empty {
			pg.Latest = &ms[i]
		}
	}
	pg.Chart = template.HTML(tracking.LineChart("信用环境指数（近十二个月）", labels, []tracking.Series{idx}, "")) // escaped by tracking
	s.render(w, r, 200, "credit_index", view{Title: "信用环境指数", Data: pg})
	return nil
}
