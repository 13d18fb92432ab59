// Package push holds the pure parts of webhook push to implementing
// departments (C9): the event types a department can subscribe to, which
// change events match a subscription, the payload, Standard Webhooks
// signing, and the retry schedule. Delivery (HTTP, database) lives in
// push/deliver; storage in store.
package push

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Event types a subscription may name. They are the kinds of the change feed
// written by the list and collection code.
const (
	EntryActivated  = "entry.activated"
	EntryPaused     = "entry.paused"
	EntryResumed    = "entry.resumed"
	EntryExited     = "entry.exited"
	RecordPublished = "record.published"
	RecordCorrected = "record.corrected"
	RecordRevoked   = "record.revoked"
)

// EventType describes one subscribable event type.
type EventType struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

var eventTypes = []EventType{
	{EntryActivated, "名单条目生效"},
	{EntryPaused, "名单条目暂停执行（异议中）"},
	{EntryResumed, "名单条目恢复执行"},
	{EntryExited, "名单条目移出"},
	{RecordPublished, "信用记录公示"},
	{RecordCorrected, "信用记录更正"},
	{RecordRevoked, "信用记录撤销"},
}

// EventTypes lists every subscribable event type in display order.
func EventTypes() []EventType { return append([]EventType(nil), eventTypes...) }

// KnownEventType reports whether code is a subscribable event type.
func KnownEventType(code string) bool {
	for _, t := range eventTypes {
		if t.Code == code {
			return true
		}
	}
	return false
}

// Event is one change of the feed as push sees it.
type Event struct {
	Seq     int64
	At      time.Time
	Kind    string
	Subject string
	Object  string
	Data    json.RawMessage
}

// ID is the webhook-id of the event: stable across retries and manual
// redeliveries so that receivers can drop duplicates.
func (e Event) ID() string { return "evt_" + strconv.FormatInt(e.Seq, 10) }

// Filter selects the events a subscription receives.
type Filter struct {
	EventTypes []string // at least one; only known types
	ListTypes  []string // empty: every list type; applies to entry.* events only
}

// Match reports whether the subscription wants the event. The list-type
// filter restricts list entry events (by data.list_type); record events are
// not list-bound and pass it.
func (f Filter) Match(e Event) bool {
	if !contains(f.EventTypes, e.Kind) {
		return false
	}
	if len(f.ListTypes) == 0 || !strings.HasPrefix(e.Kind, "entry.") {
		return true
	}
	var d struct {
		ListType string `json:"list_type"`
	}
	if len(e.Data) == 0 || json.Unmarshal(e.Data, &d) != nil {
		return false
	}
	return contains(f.ListTypes, d.ListType)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Payload is the JSON body of a webhook request.
type Payload struct {
	Type      string      `json:"type"`
	Timestamp time.Time   `json:"timestamp"`
	Data      PayloadData `json:"data"`
}

// PayloadData carries the change event itself.
type PayloadData struct {
	Seq     int64           `json:"seq"`
	Kind    string          `json:"kind"`
	Subject string          `json:"subject,omitempty"`
	Object  string          `json:"object"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Body renders the request body of an event. The timestamp is when the
// change was committed (UTC), not when it is sent.
func Body(e Event) ([]byte, error) {
	p := Payload{Type: e.Kind, Timestamp: e.At.UTC(), Data: PayloadData{Seq: e.Seq, Kind: e.Kind, Subject: e.Subject, Object: e.Object, Data: e.Data}}
	if len(p.Data.Data) > 0 && !json.Valid(p.Data.Data) {
		p.Data.Data = nil
	}
	return json.Marshal(p)
}
