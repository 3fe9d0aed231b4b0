// Package fault is Ripple's one vocabulary of failures: bad input (with the
// field and the reason), not found, conflict, forbidden, unauthenticated,
// rate-limited, unavailable (with when to retry) and internal. Domain
// packages and the store say what went wrong in these terms; each adapter
// (the collection API, the REST API, the pages) turns them into an answer in
// one place. It knows nothing of HTTP.
//
// A fault carries two texts: the reason, written for the person or program
// that made the request, and the cause, for the log only. An error that is
// not a fault is internal: its text is never shown to a client.
package fault

import (
	"errors"
	"time"
)

// Kind is what kind of failure a fault is.
type Kind int

// The kinds of failure. KindInternal is the zero value: whatever is not
// known to be the caller's doing is Ripple's.
const (
	KindInternal        Kind = iota // Ripple's own failure; the message is withheld
	KindInvalid                     // bad input: a field and the reason
	KindNotFound                    // no such thing, or not the caller's to see
	KindConflict                    // the request clashes with what is stored
	KindForbidden                   // signed in, but not allowed
	KindUnauthenticated             // no valid credential
	KindRateLimited                 // too many tries; retry later
	KindUnavailable                 // Ripple cannot serve this now; retry later
)

var kindNames = [...]string{"internal", "invalid", "not found", "conflict", "forbidden", "unauthenticated", "rate-limited", "unavailable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Error is a fault. Build one with the functions below; read one with
// KindOf and Message, or errors.As.
type Error struct {
	Kind Kind
	// Field is the input at fault, for KindInvalid ("name", "batch[3].event").
	Field string
	// Reason says what is wrong, for the client to read.
	Reason string
	// RetryAfter says when to try again, for KindRateLimited and KindUnavailable.
	RetryAfter time.Duration
	// Limit is the size the input went over, when a size limit was hit.
	Limit int
	// Err is the cause, for the log; it is never shown to a client.
	Err error

	sentinel bool
}

// Error is the fault as a log line: the message and, if any, the cause.
func (e *Error) Error() string {
	msg := e.message()
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) message() string {
	if e.Field != "" {
		return e.Field + ": " + e.Reason
	}
	return e.Reason
}

// Unwrap is the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true of any not-found fault, and
// likewise for the other sentinels: what matters is the kind, not which
// value said it.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel && t.Kind == e.Kind
}

// Sentinels, for errors.Is and for wrapping with context
// (fmt.Errorf("workspace %q: %w", id, fault.ErrNotFound)): the context goes
// to the log, the sentinel's reason to the client.
var (
	// ErrNotFound: the two cases are never told apart, so ids cannot be
	// probed across workspaces.
	ErrNotFound = &Error{Kind: KindNotFound, Reason: "this does not exist, or it is not yours to see", sentinel: true}
	// ErrConflict: the record clashes with one already stored.
	ErrConflict = &Error{Kind: KindConflict, Reason: "it already exists", sentinel: true}
	// ErrForbidden: signed in, but the role does not permit the action.
	ErrForbidden = &Error{Kind: KindForbidden, Reason: "your role in this workspace does not allow this", sentinel: true}
	// ErrUnauthenticated: no valid session, token or key.
	ErrUnauthenticated = &Error{Kind: KindUnauthenticated, Reason: "sign in first", sentinel: true}
)

// Invalid is bad input: field names the input, reason says why, in words
// its sender can act on ("is required", "is not a date like 2025-01-31").
func Invalid(field, reason string) error {
	return &Error{Kind: KindInvalid, Field: field, Reason: reason}
}

// TooLarge is input over a size limit of limit bytes.
func TooLarge(field, reason string, limit int) error {
	return &Error{Kind: KindInvalid, Field: field, Reason: reason, Limit: limit}
}

// NotFound is a missing thing with a reason of its own, where ErrNotFound's
// would not help (a mistyped API route).
func NotFound(reason string) error { return &Error{Kind: KindNotFound, Reason: reason} }

// Conflict is a request that clashes with what is stored; reason says how
// to proceed.
func Conflict(reason string) error { return &Error{Kind: KindConflict, Reason: reason} }

// Forbidden refuses an action the caller is not allowed; reason says why.
func Forbidden(reason string) error { return &Error{Kind: KindForbidden, Reason: reason} }

// Unauthenticated refuses a missing or bad credential; reason names it.
func Unauthenticated(reason string) error { return &Error{Kind: KindUnauthenticated, Reason: reason} }

// RateLimited refuses a try over a rate limit; retry after the duration.
func RateLimited(reason string, retryAfter time.Duration) error {
	return &Error{Kind: KindRateLimited, Reason: reason, RetryAfter: retryAfter}
}

// Unavailable is Ripple unable to serve the request now, because of cause;
// the client should retry after the duration.
func Unavailable(reason string, retryAfter time.Duration, cause error) error {
	return &Error{Kind: KindUnavailable, Reason: reason, RetryAfter: retryAfter, Err: cause}
}

// As finds the fault in err's chain; an error without one is internal, and
// As returns nil for it.
func As(err error) *Error {
	var f *Error
	if errors.As(err, &f) {
		return f
	}
	return nil
}

// KindOf is the kind of err; an error that is no fault is KindInternal.
func KindOf(err error) Kind {
	if f := As(err); f != nil {
		return f.Kind
	}
	return KindInternal
}

// InternalMessage is what a client is told of an internal error.
const InternalMessage = "something went wrong on our side; it has been logged"

// Message is what the client may read about err: the fault's field and
// reason, never its cause, and for an internal error InternalMessage.
func Message(err error) string {
	if f := As(err); f != nil && f.Kind != KindInternal {
		return f.message()
	}
	return InternalMessage
}
