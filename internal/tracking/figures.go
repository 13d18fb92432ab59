package tracking

import (
	"fmt"
	"sort"
)

// TypeCount is the number of records of one type.
type TypeCount struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// Outcome counts cases of one workflow by outcome and timeliness.
type Outcome struct {
	Kind    string `json:"kind"`  // objection, repair
	State   string `json:"state"` // outcome state
	Label   string `json:"label"`
	Count   int64  `json:"count"`
	OnTime  int64  `json:"on_time"`
	Overdue int64  `json:"overdue"`
}

// Dept is one department's figures for a period.
type Dept struct {
	Dept   string      `json:"dept"`
	Name   string      `json:"name"`
	Rank   int         `json:"rank"`
	Points float64     `json:"points"` // composite for ranking, 0–100
	ByType []TypeCount `json:"records_by_type"`
	// Records submitted (first versions received in the period).
	Records int64 `json:"records"`
	// Timeliness of 双公示 decisions in the period.
	Published  int64 `json:"published"`
	Late       int64 `json:"late"`
	Timeliness Rate  `json:"timeliness_rate"`
	// Submission errors (batches in the period).
	RowsTotal    int64 `json:"rows_total"`
	RowsRejected int64 `json:"rows_rejected"`
	ErrorRate    Rate  `json:"error_rate"`
	// Review backlog now, and the part older than the review deadline.
	Backlog        int64 `json:"review_backlog"`
	BacklogOverdue int64 `json:"review_overdue"`
	// Checks made by the department as implementing department.
	Checks          int64     `json:"checks"`
	WithMeasures    int64     `json:"checks_with_measures"`
	FedBack         int64     `json:"fed_back"`
	FeedbackOverdue int64     `json:"feedback_overdue"`
	FeedbackRate    Rate      `json:"feedback_rate"`
	Remedies        []Outcome `json:"remedies"`
}

// ListMonth is the count of list entries in force at a month's end and the
// entries that entered and left during it.
type ListMonth struct {
	Month   string `json:"month"`
	Black   int64  `json:"black"`
	Red     int64  `json:"red"`
	Entered int64  `json:"entered"`
	Exited  int64  `json:"exited"`
}

// Overdue is a count of items past a deadline.
type Overdue struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Dept  string `json:"dept"`
	Count int64  `json:"count"`
}

// Figures are the tracking figures of a period.
type Figures struct {
	Period   Period      `json:"period"`
	Depts    []Dept      `json:"depts"`
	Total    Dept        `json:"total"`
	Lists    []ListMonth `json:"lists"`
	Overdue  []Overdue   `json:"overdue"`
	Remedies bool        `json:"remedies_available"`
}

// Rate is a share between 0 and 1 (JSON: a number).
type Rate float64

// Percent formats the rate as a percentage with one decimal.
func (r Rate) Percent() string { return fmt.Sprintf("%.1f%%", float64(r)*100) }

func ratio(a, b int64) Rate {
	if b == 0 {
		return 0
	}
	return Rate(float64(a) / float64(b))
}

// Finish computes the rates, the totals and the ranking. A department's
// points weigh timeliness 40 %, submission accuracy 30 % and feedback rate
// 30 %; a figure without data counts as met (nothing to do, nothing late).
func (f *Figures) Finish() {
	t := Dept{Dept: "", Name: "全市合计", ByType: []TypeCount{}, Remedies: []Outcome{}}
	byType := map[string]*TypeCount{}
	rem := map[[2]string]*Outcome{}
	for i := range f.Depts {
		d := &f.Depts[i]
		d.Timeliness = ratio(d.Published-d.Late, d.Published)
		d.ErrorRate = ratio(d.RowsRejected, d.RowsTotal)
		d.FeedbackRate = ratio(d.FedBack, d.WithMeasures)
		d.Points = 100 * (0.4*orOne(d.Timeliness, d.Published) + 0.3*(1-float64(d.ErrorRate)) + 0.3*orOne(d.FeedbackRate, d.WithMeasures))
		d.Points = float64(int(d.Points*10+0.5)) / 10
		t.Records += d.Records
		t.Published += d.Published
		t.Late += d.Late
		t.RowsTotal += d.RowsTotal
		t.RowsRejected += d.RowsRejected
		t.Backlog += d.Backlog
		t.BacklogOverdue += d.BacklogOverdue
		t.Checks += d.Checks
		t.WithMeasures += d.WithMeasures
		t.FedBack += d.FedBack
		t.FeedbackOverdue += d.FeedbackOverdue
		for _, c := range d.ByType {
			if byType[c.Type] == nil {
				byType[c.Type] = &TypeCount{Type: c.Type, Name: c.Name}
			}
			byType[c.Type].Count += c.Count
		}
		for _, o := range d.Remedies {
			k := [2]string{o.Kind, o.State}
			if rem[k] == nil {
				rem[k] = &Outcome{Kind: o.Kind, State: o.State, Label: o.Label}
			}
			rem[k].Count += o.Count
			rem[k].OnTime += o.OnTime
			rem[k].Overdue += o.Overdue
		}
	}
	t.Timeliness, t.ErrorRate, t.FeedbackRate = ratio(t.Published-t.Late, t.Published), ratio(t.RowsRejected, t.RowsTotal), ratio(t.FedBack, t.WithMeasures)
	for _, c := range byType {
		t.ByType = append(t.ByType, *c)
	}
	sort.Slice(t.ByType, func(i, j int) bool { return t.ByType[i].Count > t.ByType[j].Count })
	for _, o := range rem {
		t.Remedies = append(t.Remedies, *o)
	}
	sort.Slice(t.Remedies, func(i, j int) bool {
		return t.Remedies[i].Kind+t.Remedies[i].State < t.Remedies[j].Kind+t.Remedies[j].State
	})
	f.Total = t
	sort.SliceStable(f.Depts, func(i, j int) bool {
		if f.Depts[i].Points != f.Depts[j].Points {
			return f.Depts[i].Points > f.Depts[j].Points
		}
		return f.Depts[i].Dept < f.Depts[j].Dept
	})
	for i := range f.Depts {
		f.Depts[i].Rank = i + 1
	}
	if f.Depts == nil {
		f.Depts = []Dept{}
	}
	if f.Lists == nil {
		f.Lists = []ListMonth{}
	}
	if f.Overdue == nil {
		f.Overdue = []Overdue{}
	}
}

func orOne(rate Rate, base int64) float64 {
	if base == 0 {
		return 1
	}
	return float64(rate)
}

// Only keeps one department's figures (a department sees its own).
func (f *Figures) Only(dept string) {
	var keep []Dept
	for _, d := range f.Depts {
		if d.Dept == dept {
			keep = append(keep, d)
		}
	}
	if keep == nil {
		keep = []Dept{{Dept: dept, ByType: []TypeCount{}, Remedies: []Outcome{}}}
	}
	f.Depts = keep
	var od []Overdue
	for _, o := range f.Overdue {
		if o.Dept == dept {
			od = append(od, o)
		}
	}
	f.Overdue = od
	if f.Overdue == nil {
		f.Overdue = []Overdue{}
	}
	f.Total = keep[0]
}
