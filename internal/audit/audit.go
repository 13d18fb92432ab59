// Package audit defines the append-only, hash-chained audit entry and the
// pure functions that compute and verify the chain. Storage appends entries
// in the same transaction as the change they describe.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Genesis is the previous-hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Event is what a caller asks to record.
type Event struct {
	Actor     string // "user:12", "token:3", "system", "public"
	Action    string // e.g. "subject.create", "subject.read_pii"
	Object    string // e.g. "subject:91350100M000100Y43"
	SubjectID int64  // subject the change concerns, 0 if none
	Before    any    // state before (digested, not stored)
	After     any    // state after (digested, not stored)
	Detail    string // short free text (never PII)
}

// Entry is one stored row of the chain.
type Entry struct {
	Seq          int64
	At           time.Time
	Actor        string
	Action       string
	Object       string
	SubjectID    int64
	BeforeDigest string
	AfterDigest  string
	Detail       string
	PrevHash     string
	Hash         string
}

// Digest returns a SHA-256 hex digest of v's JSON encoding, or "" for nil.
func Digest(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(fmt.Sprintf("%#v", v))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Seal fills Seq, At, digests, PrevHash and Hash of the entry that follows
// prev (seq 0 and Genesis for the first).
func Seal(e Event, prevSeq int64, prevHash string, at time.Time) Entry {
	en := Entry{
		Seq:          prevSeq + 1,
		At:           at.UTC().Truncate(time.Microsecond),
		Actor:        e.Actor,
		Action:       e.Action,
		Object:       e.Object,
		SubjectID:    e.SubjectID,
		BeforeDigest: Digest(e.Before),
		AfterDigest:  Digest(e.After),
		Detail:       e.Detail,
		PrevHash:     prevHash,
	}
	en.Hash = en.ComputeHash()
	return en
}

// ComputeHash hashes every field but Hash itself, length-prefixed so that no
// two different entries share an encoding.
func (e Entry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UTC().UnixMicro(), 10),
		e.Actor, e.Action, e.Object,
		strconv.FormatInt(e.SubjectID, 10),
		e.BeforeDigest, e.AfterDigest, e.Detail, e.PrevHash,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes the first place the chain does not hold.
type Break struct {
	Seq    int64
	Reason string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at seq %d: %s", b.Seq, b.Reason)
}

// Verifier checks entries fed in ascending seq order.
type Verifier struct {
	prevSeq  int64
	prevHash string
	Count    int64
}

// NewVerifier starts at the genesis.
func NewVerifier() *Verifier { return &Verifier{prevHash: Genesis} }

// Next checks one entry; it returns a *Break at the first inconsistency:
// a missing or reordered row (seq gap), a link that does not match, or a row
// whose content no longer matches its hash.
func (v *Verifier) Next(e Entry) error {
	switch {
	case e.Seq != v.prevSeq+1:
		return &Break{Seq: e.Seq, Reason: fmt.Sprintf("expected seq %d (row missing or reordered)", v.prevSeq+1)}
	case e.PrevHash != v.prevHash:
		return &Break{Seq: e.Seq, Reason: "previous-hash link does not match the preceding row"}
	case e.ComputeHash() != e.Hash:
		return &Break{Seq: e.Seq, Reason: "row content does not match its hash (altered)"}
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	v.Count++
	return nil
}
