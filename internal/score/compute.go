package score

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Facts is what the model reads of one subject.
type Facts struct {
	SubjectID    int64
	Code         string
	Name         string
	Type         string
	RegisteredOn string // YYYY-MM-DD, "" unknown
	Records      []Rec
	Entries      []Entry
	Repairs      []Repair
	// Broken are commitments recorded as broken (信用承诺 未履行).
	Broken []Repair
}

// Rec is one current record version.
type Rec struct {
	ID           int64
	Type         string
	TypeName     string // Chinese name for labels ("" = Type)
	Nature       string // good, bad, neutral
	Severity     string
	DecisionDate string
	PublicityEnd string // "" = no end
	Valid        bool   // published and not revoked
	EvalKind     string // 评价类型 (evaluation records)
	EvalGrade    string // 评价等级 (evaluation records)
	ValidTo      string // valid until (evaluation results), "" = open
	Broken       bool   // a commitment recorded as 未履行
}

// Entry is a list entry that was ever in force.
type Entry struct {
	ID          int64
	ListType    string
	ListName    string // Chinese name for labels ("" = ListType)
	Kind        string // red, black
	Start, End  string
	ActivatedAt time.Time
	ExitedAt    time.Time
}

// Repair is a dated event with its evidence reference: a decided repair
// of a record or list entry, or a broken commitment.
type Repair struct {
	Ref  string
	Date string
}

// Item is one piece of evidence and its points.
type Item struct {
	Ref    string  `json:"ref"`
	Label  string  `json:"label"`
	Date   string  `json:"date,omitempty"`
	Points float64 `json:"points"`
}

// Contribution is one indicator's share of the score.
type Contribution struct {
	Indicator string  `json:"indicator"`
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	Points    float64 `json:"points"`
	Capped    bool    `json:"capped,omitempty"`
	Items     []Item  `json:"items"`
}

// Score is a computed evaluation.
type Score struct {
	SubjectID     int64          `json:"-"`
	ModelVersion  int            `json:"model_version"`
	Total         float64        `json:"total"`
	Grade         string         `json:"grade"`
	Class         string         `json:"class"`
	AsOf          time.Time      `json:"as_of"`
	Contributions []Contribution `json:"contributions"`
}

func day(t time.Time) string { return t.In(shanghai).Format(time.DateOnly) }

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return len(xs) == 0
}

// Compute evaluates facts with the model as of asOf. It is pure.
func Compute(m *Model, f *Facts, asOf time.Time) Score {
	d := day(asOf)
	s := Score{SubjectID: f.SubjectID, ModelVersion: m.Version, AsOf: asOf, Contributions: []Contribution{}}
	total := m.Base
	for i := range m.Indicators {
		in := &m.Indicators[i]
		c := Contribution{Indicator: in.Code, Name: in.Name, Kind: in.Kind, Items: []Item{}}
		sign := 1.0
		switch in.Kind {
		case KindBase:
			if y := fullYears(f.RegisteredOn, d); y > 0 {
				c.Items = append(c.Items, Item{Ref: "subject:" + f.Code, Label: "登记成立满 " + itoa(y) + " 年", Date: f.RegisteredOn, Points: float64(y) * in.Points})
			}
		case KindPositive:
			for _, r := range f.Records {
				if r.Nature == "good" && r.Valid && r.DecisionDate <= d && contains(in.Types, r.Type) && (r.ValidTo == "" || d <= r.ValidTo) {
					c.Items = append(c.Items, Item{Ref: recRef(r.ID), Label: "守信记录（" + nameOr(r.TypeName, r.Type) + "）", Date: r.DecisionDate, Points: in.Points})
				}
			}
		case KindNegative:
			sign = -1
			for _, r := range f.Records {
				if r.Nature != "bad" || !r.Valid || r.DecisionDate > d || !contains(in.Types, r.Type) || (r.PublicityEnd != "" && d > r.PublicityEnd) {
					continue
				}
				p := in.Points
				if v, ok := in.Severity[r.Severity]; ok {
					p = v
				}
				label := "失信记录（" + nameOr(r.TypeName, r.Type) + sevLabel(r.Severity)
				if in.DecayMonths > 0 {
					age := daysBetween(r.DecisionDate, d)
					k := 1 - float64(age)/(float64(in.DecayMonths)*30.4375)
					if k <= 0 {
						continue
					}
					p *= k
					label += "，按时间衰减"
				}
				label += "）"
				c.Items = append(c.Items, Item{Ref: recRef(r.ID), Label: label, Date: r.DecisionDate, Points: round2(p)})
			}
		case KindList:
			if in.ListKind == "black" {
				sign = -1
			}
			for _, e := range f.Entries {
				if e.Kind == in.ListKind && entryInForce(e, asOf, d) {
					c.Items = append(c.Items, Item{Ref: "entry:" + itoa64(e.ID), Label: "名单在列（" + nameOr(e.ListName, e.ListType) + "）", Date: e.Start, Points: in.Points})
				}
			}
		case KindBroken:
			sign = -1
			for _, r := range f.Records {
				if r.Broken && r.Valid && r.DecisionDate <= d {
					c.Items = append(c.Items, Item{Ref: recRef(r.ID), Label: "信用承诺未履行", Date: r.DecisionDate, Points: in.Points})
				}
			}
			for _, b := range f.Broken {
				if b.Date <= d {
					c.Items = append(c.Items, Item{Ref: b.Ref, Label: "信用承诺未履行", Date: b.Date, Points: in.Points})
				}
			}
		case KindRepaired:
			for _, rp := range f.Repairs {
				if rp.Date <= d {
					c.Items = append(c.Items, Item{Ref: rp.Ref, Label: "已完成信用修复", Date: rp.Date, Points: in.Points})
				}
			}
		case KindRecognition:
			best := -1
			for i, r := range f.Records {
				if r.Type != "evaluation" || !r.Valid || r.DecisionDate > d || (r.ValidTo != "" && d > r.ValidTo) || !strings.Contains(r.EvalKind, in.Match) {
					continue
				}
				if _, ok := in.Levels[r.EvalGrade]; ok && (best < 0 || r.DecisionDate > f.Records[best].DecisionDate) {
					best = i
				}
			}
			if best >= 0 {
				r := f.Records[best]
				c.Items = append(c.Items, Item{Ref: recRef(r.ID), Label: r.EvalKind + " " + r.EvalGrade, Date: r.DecisionDate, Points: in.Levels[r.EvalGrade]})
			}
		}
		raw := 0.0
		for j := range c.Items {
			c.Items[j].Points = round2(sign * c.Items[j].Points * in.Weight)
			raw += c.Items[j].Points
		}
		if in.Cap > 0 && math.Abs(raw) > in.Cap {
			raw, c.Capped = math.Copysign(in.Cap, raw), true
		}
		c.Points = round2(raw)
		sort.SliceStable(c.Items, func(a, b int) bool { return c.Items[a].Date > c.Items[b].Date })
		total += c.Points
		s.Contributions = append(s.Contributions, c)
	}
	s.Total = round2(math.Max(m.Min, math.Min(m.Max, total)))
	s.Grade = m.Grade(s.Total)
	if c := m.ClassOf(s.Grade); c != nil {
		s.Class = c.Code
	}
	return s
}

func entryInForce(e Entry, t time.Time, d string) bool {
	if e.ActivatedAt.IsZero() || e.ActivatedAt.After(t) || (!e.ExitedAt.IsZero() && !e.ExitedAt.After(t)) {
		return false
	}
	return e.Start <= d && (e.End == "" || d < e.End)
}

func recRef(id int64) string { return "record:" + itoa64(id) }

func sevLabel(s string) string {
	switch s {
	case "minor":
		return "，轻微"
	case "general":
		return "，一般"
	case "serious":
		return "，严重"
	}
	return ""
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func daysBetween(from, to string) int {
	a, ok1 := parseDay(from)
	b, ok2 := parseDay(to)
	if !ok1 || !ok2 {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

func fullYears(from, to string) int {
	a, ok1 := parseDay(from)
	b, ok2 := parseDay(to)
	if !ok1 || !ok2 || b.Before(a) {
		return 0
	}
	y := b.Year() - a.Year()
	if b.Month() < a.Month() || (b.Month() == a.Month() && b.Day() < a.Day()) {
		y--
	}
	return y
}

func nameOr(name, code string) string {
	if name != "" {
		return name
	}
	return code
}

func itoa(n int) string { return strconv.Itoa(n) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
