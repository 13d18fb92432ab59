package list

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// State is where an entry is in its lifecycle.
type State string

const (
	Proposed State = "proposed" // 拟列入: identified by the department, not yet told
	Notified State = "notified" // 已告知: reasons, basis and rights told; objection period runs
	Active   State = "active"   // 已列入: in force (published when the type is public)
	Exited   State = "exited"   // 已移出
)

// Label returns the Chinese label.
func (s State) Label() string {
	switch s {
	case Proposed:
		return "拟列入"
	case Notified:
		return "已告知"
	case Active:
		return "已列入"
	case Exited:
		return "已移出"
	}
	return string(s)
}

// Action moves an entry from one state to the next.
type Action string

const (
	ActNotify   Action = "notify"
	ActActivate Action = "activate"
	ActExit     Action = "exit"
)

// Label returns the Chinese label.
func (a Action) Label() string {
	switch a {
	case ActNotify:
		return "告知"
	case ActActivate:
		return "列入"
	case ActExit:
		return "移出"
	}
	return string(a)
}

// Actor is the capacity in which someone acts on an entry: the identifying
// department's staff, or the platform operator.
type Actor string

const (
	ActorIdentifier Actor = "identifier" // clerk of the list type's identifying department
	ActorOperator   Actor = "operator"
	ActorOther      Actor = "other" // anyone else (other departments, systems, subjects)
)

// ErrInvalidTransition is the key of the error Transition returns.
const ErrInvalidTransition = "list_entry.invalid_transition"

// Transition returns the state an action leads to, or an *errs.Error
// (Forbidden for a wrong actor, Conflict for a wrong state).
func Transition(s State, a Action, who Actor) (State, error) {
	if who != ActorIdentifier && who != ActorOperator {
		return s, errs.Forbidden("list_entry.forbidden", "只有认定部门或信用办可以办理名单认定")
	}
	next := map[State]map[Action]State{
		Proposed: {ActNotify: Notified, ActExit: Exited},
		Notified: {ActActivate: Active, ActExit: Exited},
		Active:   {ActExit: Exited},
	}[s][a]
	if next == "" {
		return s, errs.Conflict(ErrInvalidTransition, fmt.Sprintf("当前状态为“%s”，不能办理“%s”", s.Label(), a.Label()))
	}
	return next, nil
}

// ExitReason says why an entry left its list.
type ExitReason string

const (
	ExitExpiry     ExitReason = "expiry"     // 期满移出
	ExitRepair     ExitReason = "repair"     // 信用修复
	ExitRevocation ExitReason = "revocation" // 撤销认定
	ExitCourt      ExitReason = "court"      // 法院删除失信信息
	ExitWithdrawn  ExitReason = "withdrawn"  // 撤回拟列入
	ExitOther      ExitReason = "other"
)

// Label returns the Chinese label.
func (r ExitReason) Label() string {
	switch r {
	case ExitExpiry:
		return "期满移出"
	case ExitRepair:
		return "信用修复"
	case ExitRevocation:
		return "撤销认定"
	case ExitCourt:
		return "法院删除失信信息"
	case ExitWithdrawn:
		return "撤回拟列入"
	case ExitOther:
		return "其他"
	}
	return string(r)
}

// ParseExitReason accepts the code or the Chinese label.
func ParseExitReason(s string) (ExitReason, bool) {
	for _, r := range []ExitReason{ExitExpiry, ExitRepair, ExitRevocation, ExitCourt, ExitWithdrawn, ExitOther} {
		if s == string(r) || s == r.Label() {
			return r, true
		}
	}
	return "", false
}

// Person is a related person bound to an entry at listing time (落实到人).
type Person struct {
	SubjectID int64  `json:"-"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	RoleLabel string `json:"role_label"`
}

// Pause is a period during which the entry's measures are not applied
// (暂不执行, e.g. while an objection is verified). To is zero while open.
type Pause struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to,omitzero"`
	Reason string    `json:"reason"`
}

// Entry is one subject on one list. Start and End are civil dates (valid
// time, Asia/Shanghai); End is exclusive and "" means indefinite. The
// *At fields are system time.
type Entry struct {
	ID          int64      `json:"id"`
	SubjectID   int64      `json:"-"`
	SubjectCode string     `json:"subject"`
	SubjectName string     `json:"subject_name,omitempty"`
	ListType    string     `json:"list_type"`
	ListName    string     `json:"list_name,omitempty"`
	Kind        Kind       `json:"kind"`
	Domain      string     `json:"domain"`
	Dept        string     `json:"dept"`
	Facts       string     `json:"facts"`
	BasisDoc    string     `json:"basis_doc"`
	Start       string     `json:"start"`
	End         string     `json:"end,omitempty"`
	State       State      `json:"state"`
	StateLabel  string     `json:"state_label,omitempty"`
	Paused      bool       `json:"paused"`
	ExitReason  ExitReason `json:"exit_reason,omitempty"`
	ExitNote    string     `json:"exit_note,omitempty"`
	ExitDate    string     `json:"exit_date,omitempty"`
	// MonitorUntil is the end (exclusive) of key monitoring after a
	// black-list exit, "" when none.
	MonitorUntil string    `json:"monitor_until,omitempty"`
	Notice       string    `json:"notice,omitempty"`
	ProposedBy   string    `json:"proposed_by,omitempty"`
	RecordedAt   time.Time `json:"recorded_at"`
	NotifiedAt   time.Time `json:"notified_at,omitzero"`
	ActivatedAt  time.Time `json:"activated_at,omitzero"`
	ExitedAt     time.Time `json:"exited_at,omitzero"`
	Persons      []Person  `json:"persons,omitempty"`
	Pauses       []Pause   `json:"pauses,omitempty"`
	Version      int       `json:"version"`
}

// Day returns the civil date of t in Asia/Shanghai.
func Day(t time.Time) string { return t.In(shanghai).Format(time.DateOnly) }

var shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// InForceAt reports whether the entry was in force at t: activated by then,
// not exited by then (system time) and within its listing period (valid
// time). An entry past its end date has lapsed even though nobody exited it.
func (e *Entry) InForceAt(t time.Time) bool { return e.InForce(t, Day(t)) }

// InForce is InForceAt with the civil date d of t already computed.
func (e *Entry) InForce(t time.Time, d string) bool {
	if e.ActivatedAt.IsZero() || e.ActivatedAt.After(t) {
		return false
	}
	if !e.ExitedAt.IsZero() && !e.ExitedAt.After(t) {
		return false
	}
	return e.Start <= d && (e.End == "" || d < e.End)
}

// PausedAt reports whether a pause covered t.
func (e *Entry) PausedAt(t time.Time) bool {
	for _, p := range e.Pauses {
		if !p.From.After(t) && (p.To.IsZero() || p.To.After(t)) {
			return true
		}
	}
	return false
}

// Effective returns the entry as it stands at now: an active entry past its
// end date has exited by expiry (without any job having run), with its
// monitoring period counted from the end date.
func (e Entry) Effective(now time.Time, t Type) Entry {
	if e.State == Active && e.End != "" && Day(now) >= e.End {
		e.State, e.ExitReason, e.ExitDate = Exited, ExitExpiry, e.End
		e.Paused = false
		if until, ok := t.MonitorUntil(mustDate(e.End)); ok {
			e.MonitorUntil = until.Format(time.DateOnly)
		}
	}
	e.StateLabel = e.State.Label()
	return e
}

// MonitoredAt reports whether an exited black-list entry was under key
// monitoring (重点监测) on t.
func (e *Entry) MonitoredAt(t time.Time) bool { return e.Monitored(Day(t)) }

// Monitored is MonitoredAt on the civil date d.
func (e *Entry) Monitored(d string) bool {
	if e.Kind != Black || e.MonitorUntil == "" {
		return false
	}
	exit := e.ExitDate
	if exit == "" && e.End != "" && d >= e.End {
		exit = e.End
	}
	return exit != "" && exit <= d && d < e.MonitorUntil
}

func mustDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// Proposal is what a department submits to propose an entry.
type Proposal struct {
	Subject  string `json:"subject"`
	ListType string `json:"list_type"`
	Facts    string `json:"facts"`
	BasisDoc string `json:"basis_doc"`
	Start    string `json:"start"`
	End      string `json:"end"`
}

// Validate checks a proposal against its list type and fills the default
// end date from the type's period. today is the civil date of now.
func (p *Proposal) Validate(t Type, today string) error {
	var fe []errs.FieldError
	add := func(f, r string) { fe = append(fe, errs.FieldError{Field: f, Reason: r}) }
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Facts)); n == 0 {
		add("facts", "须写明列入名单的事实")
	} else if n > 2000 {
		add("facts", "事实不能超过2000个字")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(p.BasisDoc)); n == 0 {
		add("basis_doc", "须写明认定文书（文号）")
	} else if n > 200 {
		add("basis_doc", "认定文书不能超过200个字")
	}
	if p.Start == "" {
		p.Start = today
	}
	start, err := time.Parse(time.DateOnly, p.Start)
	if err != nil {
		add("start", "日期格式应为 YYYY-MM-DD")
	}
	if p.End == "" && err == nil {
		if end, ok := t.Expiry(start); ok {
			p.End = end.Format(time.DateOnly)
		}
	}
	if p.End != "" {
		if _, err := time.Parse(time.DateOnly, p.End); err != nil {
			add("end", "日期格式应为 YYYY-MM-DD")
		} else if p.End <= p.Start {
			add("end", "截止日期须晚于起始日期")
		} else if t.Kind == Black && p.End > start.AddDate(0, 120, 0).Format(time.DateOnly) {
			add("end", "名单期限不能超过10年")
		}
	}
	if len(fe) > 0 {
		return errs.Invalid("list_entry.invalid", "拟列入名单信息有误", fe...)
	}
	return nil
}

// Notice builds the 告知 text: reasons, basis, measures, rights and the
// objection period.
func Notice(e Entry, t Type, measures []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "经认定，你（单位）拟被列入“%s”（%s）。\n事实：%s\n认定文书：%s\n", t.Name, t.Kind.Label(), e.Facts, e.BasisDoc)
	for _, bs := range t.Basis {
		fmt.Fprintf(&b, "依据：%s\n", bs.Document+bs.Article)
	}
	if e.End != "" {
		fmt.Fprintf(&b, "列入期限：%s 至 %s。\n", e.Start, e.End)
	} else {
		fmt.Fprintf(&b, "列入期限：自 %s 起，至符合移出条件时止。\n", e.Start)
	}
	if len(measures) > 0 {
		fmt.Fprintf(&b, "将依法实施的措施：%s。\n", strings.Join(measures, "；"))
	}
	if len(t.ExitConditions) > 0 {
		fmt.Fprintf(&b, "移出条件：%s\n", strings.Join(t.ExitConditions, "；"))
	}
	if t.ObjectionDays > 0 {
		fmt.Fprintf(&b, "你（单位）有权陈述、申辩，可在收到本告知之日起 %d 日内提出异议。", t.ObjectionDays)
	} else {
		b.WriteString("你（单位）有权依法申请复议或提出异议。")
	}
	return b.String()
}

// ObjectionEnds returns when the objection period after notification ends.
func ObjectionEnds(notified time.Time, t Type) time.Time {
	return notified.AddDate(0, 0, t.ObjectionDays)
}
