// Package httpfault is where a fault meets HTTP: Of maps any error to a
// status and the message a client may read, and logs the errors that are
// Ripple's own, once, here; JSON writes that answer for the JSON APIs (the
// collection API and the REST API). The web app renders the same answer as
// a page. So the three answer one fault the same way.
package httpfault

import (
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"ripple/internal/fault"
)

// Answer is how HTTP answers one error.
type Answer struct {
	Kind    fault.Kind
	Status  int
	Message string // for the client: the fault's field and reason, never its cause
	Field   string // the input at fault, for bad input
	Limit   int    // the size limit the input went over, if one did
	// RetryAfter is when the client may try again, for rate limits and
	// unavailability; the Retry-After header says it in whole seconds.
	RetryAfter time.Duration
}

var statuses = map[fault.Kind]int{
	fault.KindInternal:        http.StatusInternalServerError,
	fault.KindInvalid:         http.StatusBadRequest,
	fault.KindNotFound:        http.StatusNotFound,
	fault.KindConflict:        http.StatusConflict,
	fault.KindForbidden:       http.StatusForbidden,
	fault.KindUnauthenticated: http.StatusUnauthorized,
	fault.KindRateLimited:     http.StatusTooManyRequests,
	fault.KindUnavailable:     http.StatusServiceUnavailable,
}

// Of is err's answer to the request r. It is the one place a request's
// error is logged: an internal error, and an unavailability with a cause
// (a store that failed), at error level. The client reads neither.
func Of(log *slog.Logger, r *http.Request, err error) Answer {
	kind := fault.KindOf(err)
	a := Answer{Kind: kind, Status: Status(kind), Message: fault.Message(err)}
	f := fault.As(err)
	if f != nil {
		a.Field, a.Limit, a.RetryAfter = f.Field, f.Limit, f.RetryAfter
	}
	if kind == fault.KindInternal || (kind == fault.KindUnavailable && f.Err != nil) {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", a.Status, "err", err)
	}
	return a
}

// SetHeaders sets the headers the answer carries: Retry-After, when the
// client should wait.
func (a Answer) SetHeaders(w http.ResponseWriter) {
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(a.RetryAfter.Seconds()))))
	}
}

// Body is the JSON APIs' error body. Success is false, for Segment's
// clients; Field and Limit are there when the fault has them.
type Body struct {
	Success bool   `json:"success"`
	Error   string `json:"error"`
	Field   string `json:"field,omitempty"`
	Limit   int    `json:"limit,omitempty"`
}

// JSON answers err in the JSON APIs' shape and returns the answer it gave.
func JSON(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) Answer {
	a := Of(log, r, err)
	a.SetHeaders(w)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	json.NewEncoder(w).Encode(Body{Error: a.Message, Field: a.Field, Limit: a.Limit})
	return a
}

// Status is the HTTP status of a kind of fault.
func Status(k fault.Kind) int { return statuses[k] }
