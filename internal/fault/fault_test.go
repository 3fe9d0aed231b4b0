package fault_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"ripple/internal/fault"
)

// TestMessageNeverShowsTheCause: a client reads a fault's field and
// reason; the context it was wrapped in and its cause go to the log only,
// and an error that is no fault reads as internal.
func TestMessageNeverShowsTheCause(t *testing.T) {
	cause := errors.New("dial tcp 10.0.0.7:5432: connection refused")
	tests := []struct {
		err  error
		kind fault.Kind
		msg  string
	}{
		{fault.Invalid("name", "is required"), fault.KindInvalid, "name: is required"},
		{fmt.Errorf("workspace %q: %w", "ws_secret_id", fault.ErrNotFound), fault.KindNotFound, "this does not exist, or it is not yours to see"},
		{fmt.Errorf("user %q: %w", "a@example.com", fault.ErrConflict), fault.KindConflict, "it already exists"},
		{fault.Conflict("ana is already a member"), fault.KindConflict, "ana is already a member"},
		{fault.ErrForbidden, fault.KindForbidden, "your role in this workspace does not allow this"},
		{fault.Unauthenticated("write key: missing or not valid"), fault.KindUnauthenticated, "write key: missing or not valid"},
		{fault.RateLimited("slow down", time.Minute), fault.KindRateLimited, "slow down"},
		{fault.Unavailable("events could not be stored, retry later", time.Second, cause), fault.KindUnavailable, "events could not be stored, retry later"},
		{fmt.Errorf("store: list users: %w", cause), fault.KindInternal, fault.InternalMessage},
		{&fault.Error{Kind: fault.KindInternal, Reason: "a reason that must stay in the log"}, fault.KindInternal, fault.InternalMessage},
	}
	for _, tt := range tests {
		if have := fault.KindOf(tt.err); have != tt.kind {
			t.Errorf("KindOf(%v) = %v, want %v", tt.err, have, tt.kind)
		}
		if have := fault.Message(tt.err); have != tt.msg {
			t.Errorf("Message(%v) = %q, want %q", tt.err, have, tt.msg)
		}
	}
	if err := fault.Unavailable("retry later", time.Second, cause); !errors.Is(err, cause) || err.Error() != "retry later: "+cause.Error() {
		t.Errorf("an unavailability's log line %q does not carry its cause", err)
	}
}

// TestSentinelsMatchByKind: errors.Is(err, fault.ErrNotFound) holds for any
// not-found fault, so a caller need not know which package said it, and
// never across kinds.
func TestSentinelsMatchByKind(t *testing.T) {
	if !errors.Is(fault.NotFound("no such API route"), fault.ErrNotFound) {
		t.Error("a not-found fault with its own reason is not ErrNotFound")
	}
	if !errors.Is(fmt.Errorf("ctx: %w", fault.Conflict("taken")), fault.ErrConflict) {
		t.Error("a wrapped conflict is not ErrConflict")
	}
	if errors.Is(fault.Invalid("x", "y"), fault.ErrNotFound) || errors.Is(fault.ErrForbidden, fault.ErrUnauthenticated) {
		t.Error("a sentinel matched a fault of another kind")
	}
	if errors.Is(fault.ErrNotFound, fault.NotFound("x")) {
		t.Error("a fault that is no sentinel matched as a target")
	}
}

func TestTooLargeCarriesTheLimit(t *testing.T) {
	f := fault.As(fmt.Errorf("wrapped: %w", fault.TooLarge("body", "is over the limit", 512000)))
	if f == nil || f.Kind != fault.KindInvalid || f.Limit != 512000 || f.Field != "body" {
		t.Errorf("TooLarge read back as %+v", f)
	}
}
