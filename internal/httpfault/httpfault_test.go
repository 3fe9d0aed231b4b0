package httpfault_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ripple/internal/fault"
	"ripple/internal/httpfault"
)

// TestStatuses: each kind of fault has its status, and the headers that go
// with it.
func TestStatuses(t *testing.T) {
	tests := []struct {
		err        error
		status     int
		retryAfter string
	}{
		{fault.Invalid("name", "is required"), 400, ""},
		{fault.ErrUnauthenticated, 401, ""},
		{fault.ErrForbidden, 403, ""},
		{fault.ErrNotFound, 404, ""},
		{fault.Conflict("taken"), 409, ""},
		{fault.RateLimited("slow down", 90*time.Second+time.Millisecond), 429, "91"},
		{fault.Unavailable("retry later", time.Second, nil), 503, "1"},
		{errors.New("boom"), 500, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		ans := httpfault.JSON(slog.New(slog.DiscardHandler), rec, httptest.NewRequest("GET", "/x", nil), tt.err)
		if rec.Code != tt.status || ans.Status != tt.status || rec.Header().Get("Retry-After") != tt.retryAfter {
			t.Errorf("%v: status %d (answer %d), Retry-After %q; want %d, %q", tt.err, rec.Code, ans.Status, rec.Header().Get("Retry-After"), tt.status, tt.retryAfter)
		}
	}
}

// TestJSONBody: the JSON APIs' error body names the field and the limit
// when the fault has them.
func TestJSONBody(t *testing.T) {
	rec := httptest.NewRecorder()
	httpfault.JSON(slog.New(slog.DiscardHandler), rec, httptest.NewRequest("POST", "/v1/batch", nil),
		fault.TooLarge("batch[2]", "is over the message limit", 32768))
	var body httpfault.Body
	if err := json.NewDecoder(rec.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	want := httpfault.Body{Success: false, Error: "batch[2]: is over the message limit", Field: "batch[2]", Limit: 32768}
	if body != want || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("body %+v (%s), want %+v", body, rec.Header().Get("Content-Type"), want)
	}
}

// TestInternalLoggedOnceAndWithheld: an internal error is logged once, with
// its text and the request, and the client reads only that something went
// wrong; a fault of the client's own is not logged at all.
func TestInternalLoggedOnceAndWithheld(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	rec := httptest.NewRecorder()
	httpfault.JSON(log, rec, httptest.NewRequest("GET", "/api/v1/workspaces", nil), errors.New("store: disk /var/lib/ripple is full"))
	if strings.Contains(rec.Body.String(), "disk") || !strings.Contains(rec.Body.String(), fault.InternalMessage) {
		t.Errorf("client read %q", rec.Body.String())
	}
	if n := strings.Count(logs.String(), "disk /var/lib/ripple is full"); n != 1 || !strings.Contains(logs.String(), "/api/v1/workspaces") {
		t.Errorf("the internal error was logged %d times, want once with the path:\n%s", n, logs.String())
	}
	logs.Reset()
	httpfault.JSON(log, httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), fault.Invalid("from", "is not a date"))
	httpfault.JSON(log, httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), fault.Unavailable("busy", time.Second, nil))
	if logs.Len() != 0 {
		t.Errorf("faults of the client's own, or a refusal without a cause, were logged:\n%s", logs.String())
	}
	httpfault.JSON(log, httptest.NewRecorder(), httptest.NewRequest("POST", "/v1/batch", nil), fault.Unavailable("retry later", time.Second, errors.New("commit: io error")))
	if !strings.Contains(logs.String(), "commit: io error") {
		t.Errorf("an unavailability's cause was not logged:\n%s", logs.String())
	}
}
