// Package record models credit records (信用记录): one row of a catalogue
// type submitted by a department, its versions and workflow state, and the
// publicity computation (双公示 deadline, publicity window, public view). It
// is pure: storage lives in store, the clock is passed in.
package record

import (
	"strings"
	"time"

	"xinyong/internal/catalog"
)

// State is the workflow state of one version of a record.
type State string

const (
	// PendingReview: held until a department reviewer passes it (预留审核环节).
	PendingReview State = "pending_review"
	// Returned: the reviewer sent it back with a reason; never public.
	Returned State = "returned"
	// Published: accepted; public when its disclosure and window allow.
	Published State = "published"
	// Revoked: the decision was revoked (撤销); out of every public view at once.
	Revoked State = "revoked"
)

// Label returns the Chinese name.
func (s State) Label() string {
	switch s {
	case PendingReview:
		return "待审核"
	case Returned:
		return "已退回"
	case Published:
		return "已发布"
	case Revoked:
		return "已撤销"
	}
	return string(s)
}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	return s == PendingReview || s == Returned || s == Published || s == Revoked
}

// Flags of a record version (stored joined by ";").
const (
	FlagCheckChar = "check_char" // subject code accepted with a wrong check character
	FlagLate      = "late"       // 双公示 published after the 7-working-day deadline
	FlagNoRule    = "no_rule"    // no publicity rule applied; window taken from the row
)

// FlagLabel returns the Chinese meaning of a flag.
func FlagLabel(f string) string {
	switch f {
	case FlagCheckChar:
		return "主体代码校验位错误（已按原值接收）"
	case FlagLate:
		return "超过7个工作日时限公示"
	case FlagNoRule:
		return "无适用的公示期规则"
	}
	return f
}

// Record is one stored version of a credit record.
type Record struct {
	ID              int64              `json:"id"`
	SubjectID       int64              `json:"-"`
	Subject         string             `json:"subject"`
	SubjectName     string             `json:"subject_name"`
	Type            string             `json:"type"`
	TypeName        string             `json:"type_name,omitempty"`
	Dept            string             `json:"dept"`
	DocNo           string             `json:"doc_no"`
	Version         int                `json:"version"`
	IsCurrent       bool               `json:"is_current"`
	CatalogVersion  int                `json:"catalog_version"`
	Nature          catalog.Nature     `json:"nature"`
	Severity        catalog.Severity   `json:"severity,omitempty"`
	Disclosure      catalog.Disclosure `json:"disclosure"`
	State           State              `json:"state"`
	StateLabel      string             `json:"state_label"`
	DecisionDate    string             `json:"decision_date"`
	ValidTo         string             `json:"valid_to,omitempty"`
	PublicityMinEnd string             `json:"publicity_min_end,omitempty"`
	PublicityEnd    string             `json:"publicity_end,omitempty"`
	LateDays        int                `json:"late_days"`
	Content         map[string]string  `json:"content"`
	ContentHash     string             `json:"content_hash"`
	Flags           []string           `json:"flags,omitempty"`
	BatchID         int64              `json:"batch_id,omitempty"`
	SubmittedBy     string             `json:"submitted_by"`
	ReceivedAt      time.Time          `json:"received_at"`
	PublishedAt     time.Time          `json:"published_at,omitzero"`
	RevokedAt       time.Time          `json:"revoked_at,omitzero"`
	RevokeReason    string             `json:"revoke_reason,omitempty"`
	SupersededAt    time.Time          `json:"superseded_at,omitzero"`
	ReviewNote      string             `json:"review_note,omitempty"`
	ReviewedBy      string             `json:"reviewed_by,omitempty"`
	ReviewedAt      time.Time          `json:"reviewed_at,omitzero"`
}

// JoinFlags and SplitFlags convert flags to and from their stored form.
func JoinFlags(f []string) string { return strings.Join(f, ";") }

// SplitFlags is the inverse of JoinFlags.
func SplitFlags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// PublicAt reports whether the record version is in the public view on the
// civil date asOf (YYYY-MM-DD): published, current, public disclosure, decided
// on or before asOf and within its window (publicity_end "" = no end).
func (r Record) PublicAt(asOf string) bool {
	return r.State == Published && r.IsCurrent && r.Disclosure == catalog.DisclosurePublic &&
		r.DecisionDate <= asOf && (r.PublicityEnd == "" || asOf <= r.PublicityEnd)
}

// Review actions.
const (
	ActionPass   = "pass"
	ActionReturn = "return"
)
