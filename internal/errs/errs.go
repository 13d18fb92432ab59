// Package errs defines the few error kinds the platform uses and the single
// table that maps each kind to an HTTP status.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error for the boundary (HTTP or CLI).
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindConflict
	KindForbidden
	KindUnauthenticated
	KindTooLarge
	KindTooMany
)

var statusOf = map[Kind]int{
	KindInternal:        http.StatusInternalServerError,
	KindInvalid:         http.StatusBadRequest,
	KindNotFound:        http.StatusNotFound,
	KindConflict:        http.StatusConflict,
	KindForbidden:       http.StatusForbidden,
	KindUnauthenticated: http.StatusUnauthorized,
	KindTooLarge:        http.StatusRequestEntityTooLarge,
	KindTooMany:         http.StatusTooManyRequests,
}

// Status returns the HTTP status for a kind.
func (k Kind) Status() int { return statusOf[k] }

// FieldError names one field (or query parameter) and why it was refused.
// Reason is Simplified Chinese text meant for the user.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is the platform's error: a kind, a stable key, a Chinese message and
// optional field details.
type Error struct {
	Kind    Kind
	Key     string // stable machine key, e.g. "subject.not_found"
	Message string // Simplified Chinese, safe to show
	Fields  []FieldError
	Err     error // wrapped cause, never shown
}

func (e *Error) Error() string {
	s := e.Key
	if e.Message != "" {
		s += ": " + e.Message
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Reason)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input; fields say which and why.
func Invalid(key, msg string, fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Key: key, Message: msg, Fields: fields}
}

// Field is shorthand for an Invalid error about a single field.
func Field(field, reason string) *Error {
	return &Error{Kind: KindInvalid, Key: "invalid", Message: "输入有误：" + reason, Fields: []FieldError{{Field: field, Reason: reason}}}
}

func NotFound(key, msg string) *Error { return &Error{Kind: KindNotFound, Key: key, Message: msg} }
func Conflict(key, msg string) *Error { return &Error{Kind: KindConflict, Key: key, Message: msg} }
func Forbidden(key, msg string) *Error {
	return &Error{Kind: KindForbidden, Key: key, Message: msg}
}
func Unauthenticated(key, msg string) *Error {
	return &Error{Kind: KindUnauthenticated, Key: key, Message: msg}
}

// Internal wraps an unexpected failure; its cause is logged, never shown.
func Internal(err error) *Error {
	return &Error{Kind: KindInternal, Key: "internal", Message: "系统内部错误，请稍后重试", Err: err}
}

// As returns the platform error inside err, or an Internal one wrapping it.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Is reports whether err carries the given kind.
func Is(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}
