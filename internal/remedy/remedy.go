// Package remedy models the rights-protection workflows of credit subjects
// and the public: objections (异议), credit repair (信用修复), reports from
// the public (投诉举报) and commitments (信用承诺). It is pure: one
// transition table for every workflow, deadlines in working days, repair
// eligibility rules and attachment checks; storage lives in store and the
// clock is passed in.
package remedy

import (
	"fmt"

	"xinyong/internal/errs"
)

// Kind is a workflow.
type Kind string

const (
	Objection  Kind = "objection"  // 异议申诉
	Repair     Kind = "repair"     // 信用修复
	Report     Kind = "report"     // 投诉举报
	Commitment Kind = "commitment" // 信用承诺
)

// Label returns the Chinese name.
func (k Kind) Label() string {
	switch k {
	case Objection:
		return "异议申诉"
	case Repair:
		return "信用修复申请"
	case Report:
		return "投诉举报"
	case Commitment:
		return "信用承诺"
	}
	return string(k)
}

// State is where a case stands.
type State string

const (
	Submitted     State = "submitted"     // 已提交
	Accepted      State = "accepted"      // 已受理
	Rejected      State = "rejected"      // 不予受理 / 不予修复
	Forwarded     State = "forwarded"     // 已转数据提供单位核实
	Verified      State = "verified"      // 已核实
	Upheld        State = "upheld"        // 异议不成立，维持原信息
	Corrected     State = "corrected"     // 已更正
	Revoked       State = "revoked"       // 已撤销（撤回）信息
	Supplementing State = "supplementing" // 一次性告知补正材料
	Resubmitted   State = "resubmitted"   // 已补正材料
	Approved      State = "approved"      // 准予修复
	Routed        State = "routed"        // 已分办
	Handling      State = "handling"      // 办理中
	Substantiated State = "substantiated" // 举报属实
	Unfounded     State = "unfounded"     // 举报不属实
	Withdrawn     State = "withdrawn"     // 申请人撤回
	Pending       State = "pending"       // 承诺履行中
	Fulfilled     State = "fulfilled"     // 已履行
	Broken        State = "broken"        // 未履行
)

var stateLabels = map[State]string{
	Submitted: "已提交", Accepted: "已受理", Rejected: "不予受理", Forwarded: "已转数据提供单位核实", Verified: "已核实",
	Upheld: "异议不成立（维持原信息）", Corrected: "异议成立（已更正）", Revoked: "异议成立（已撤销）",
	Supplementing: "待补正材料", Resubmitted: "已补正材料", Approved: "准予修复",
	Routed: "已分办", Handling: "办理中", Substantiated: "举报属实", Unfounded: "举报不属实",
	Withdrawn: "已撤回", Pending: "履行中", Fulfilled: "已履行", Broken: "未履行（已形成失信记录）",
}

// Label returns the Chinese name.
func (s State) Label() string {
	if l, ok := stateLabels[s]; ok {
		return l
	}
	return string(s)
}

// Terminal reports whether no further action is possible.
func (s State) Terminal() bool {
	switch s {
	case Rejected, Upheld, Corrected, Revoked, Approved, Substantiated, Unfounded, Withdrawn, Fulfilled, Broken:
		return true
	}
	return false
}

// Action is a step of a workflow.
type Action string

const (
	ActAccept       Action = "accept"       // 受理
	ActReject       Action = "reject"       // 不予受理 / 不予修复
	ActForward      Action = "forward"      // 转数据提供单位
	ActVerify       Action = "verify"       // 核实
	ActUphold       Action = "uphold"       // 维持
	ActCorrect      Action = "correct"      // 更正
	ActRevoke       Action = "revoke"       // 撤销
	ActExtend       Action = "extend"       // 延期（一次）
	ActWithdraw     Action = "withdraw"     // 撤回申请
	ActNotice       Action = "notice"       // 一次性告知补正
	ActSupplement   Action = "supplement"   // 补正材料
	ActApprove      Action = "approve"      // 准予修复
	ActRoute        Action = "route"        // 分办
	ActHandle       Action = "handle"       // 开始办理
	ActSubstantiate Action = "substantiate" // 认定属实
	ActDismiss      Action = "dismiss"      // 认定不属实
	ActFulfil       Action = "fulfil"       // 确认履行
	ActBreak        Action = "break"        // 认定未履行
)

var actionLabels = map[Action]string{
	ActAccept: "受理", ActReject: "不予受理", ActForward: "转数据提供单位核实", ActVerify: "核实", ActUphold: "维持原信息",
	ActCorrect: "更正", ActRevoke: "撤销信息", ActExtend: "延期", ActWithdraw: "撤回申请", ActNotice: "一次性告知补正材料",
	ActSupplement: "补正材料", ActApprove: "准予修复", ActRoute: "分办", ActHandle: "开始办理", ActSubstantiate: "认定属实",
	ActDismiss: "认定不属实", ActFulfil: "确认已履行", ActBreak: "认定未履行",
}

// Label returns the Chinese name.
func (a Action) Label() string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return string(a)
}

// Role is the capacity in which someone acts on a case.
type Role string

const (
	RoleApplicant Role = "applicant" // the subject, applicant or reporter
	RoleHandler   Role = "handler"   // the handling department (source / deciding / assigned)
	RoleOperator  Role = "operator"  // 信用办
	RoleSystem    Role = "system"    // the platform itself (scheduled sweep)
	RoleOther     Role = "other"     // anyone else
)

// ErrInvalidTransition is the key of a refused transition.
const ErrInvalidTransition = "remedy.invalid_transition"

type step struct {
	next  State
	roles []Role
}

var (
	op      = []Role{RoleOperator}
	hd      = []Role{RoleHandler}
	app     = []Role{RoleApplicant}
	opHd    = []Role{RoleOperator, RoleHandler}
	opHdSys = []Role{RoleOperator, RoleHandler, RoleSystem}
)

// table is every workflow: kind → state → action → next state and roles.
// ActExtend keeps the state (it moves the deadline once).
var table = map[Kind]map[State]map[Action]step{
	Objection: {
		Submitted: {ActAccept: {Accepted, op}, ActReject: {Rejected, op}, ActWithdraw: {Withdrawn, app}},
		Accepted:  {ActForward: {Forwarded, op}, ActWithdraw: {Withdrawn, app}},
		Forwarded: {ActVerify: {Verified, hd}, ActExtend: {Forwarded, opHd}, ActWithdraw: {Withdrawn, app}},
		Verified:  {ActUphold: {Upheld, hd}, ActCorrect: {Corrected, hd}, ActRevoke: {Revoked, hd}, ActExtend: {Verified, opHd}},
	},
	Repair: {
		Submitted:     {ActAccept: {Accepted, opHd}, ActNotice: {Supplementing, opHd}, ActReject: {Rejected, opHd}, ActWithdraw: {Withdrawn, app}},
		Supplementing: {ActSupplement: {Resubmitted, app}, ActWithdraw: {Withdrawn, app}},
		Resubmitted:   {ActAccept: {Accepted, opHd}, ActReject: {Rejected, opHd}, ActWithdraw: {Withdrawn, app}},
		Accepted:      {ActVerify: {Verified, hd}, ActExtend: {Accepted, opHd}, ActWithdraw: {Withdrawn, app}},
		Verified:      {ActApprove: {Approved, hd}, ActReject: {Rejected, hd}, ActExtend: {Verified, opHd}},
	},
	Report: {
		Submitted: {ActRoute: {Routed, op}, ActReject: {Rejected, op}},
		Routed:    {ActHandle: {Handling, hd}, ActExtend: {Routed, opHd}},
		Handling:  {ActSubstantiate: {Substantiated, hd}, ActDismiss: {Unfounded, hd}, ActExtend: {Handling, opHd}},
	},
	Commitment: {
		Pending: {ActFulfil: {Fulfilled, opHd}, ActBreak: {Broken, opHdSys}},
	},
}

// Transition returns the state action leads to from s for a role, or an
// *errs.Error: Conflict (key ErrInvalidTransition) when the state does not
// allow the action, Forbidden when the role may not take it.
func Transition(k Kind, s State, a Action, who Role) (State, error) {
	st, ok := table[k][s][a]
	if !ok {
		return s, errs.Conflict(ErrInvalidTransition, fmt.Sprintf("%s当前状态为“%s”，不能办理“%s”", k.Label(), s.Label(), a.Label()))
	}
	for _, r := range st.roles {
		if r == who {
			return st.next, nil
		}
	}
	return s, errs.Forbidden("remedy.forbidden", fmt.Sprintf("无权对%s办理“%s”", k.Label(), a.Label()))
}

// Actions lists the actions a role may take from s (for pages).
func Actions(k Kind, s State, who Role) []Action {
	var out []Action
	for _, a := range actionOrder {
		if st, ok := table[k][s][a]; ok {
			for _, r := range st.roles {
				if r == who {
					out = append(out, a)
				}
			}
		}
	}
	return out
}

var actionOrder = []Action{ActAccept, ActNotice, ActForward, ActRoute, ActHandle, ActVerify, ActUphold, ActCorrect, ActRevoke,
	ActApprove, ActSubstantiate, ActDismiss, ActReject, ActExtend, ActSupplement, ActWithdraw, ActFulfil, ActBreak}

// States lists every state of a workflow, the initial one first.
func States(k Kind) []State {
	switch k {
	case Objection:
		return []State{Submitted, Accepted, Forwarded, Verified, Upheld, Corrected, Revoked, Rejected, Withdrawn}
	case Repair:
		return []State{Submitted, Supplementing, Resubmitted, Accepted, Verified, Approved, Rejected, Withdrawn}
	case Report:
		return []State{Submitted, Routed, Handling, Substantiated, Unfounded, Rejected}
	case Commitment:
		return []State{Pending, Fulfilled, Broken}
	}
	return nil
}

// AllActions lists every action (tests enumerate state × action × role).
func AllActions() []Action { return append([]Action(nil), actionOrder...) }

// AllRoles lists every role.
func AllRoles() []Role {
	return []Role{RoleApplicant, RoleHandler, RoleOperator, RoleSystem, RoleOther}
}

// Allowed reports the step of the table for tests and pages.
func Allowed(k Kind, s State, a Action) (State, []Role, bool) {
	st, ok := table[k][s][a]
	return st.next, st.roles, ok
}
