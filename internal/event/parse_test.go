package event

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var received = time.Date(2026, 11, 2, 12, 0, 10, 0, time.UTC)

func mustParse(t *testing.T, raw string, d Defaults) Message {
	t.Helper()
	m, err := Parse([]byte(raw), -1, received, d)
	if err != nil {
		t.Fatalf("Parse(%s): %v", raw, err)
	}
	if err := Enrich(&m, -1); err != nil {
		t.Fatalf("Enrich(%s): %v", raw, err)
	}
	return m
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestParseTimestamps checks Segment's clock-skew correction: the client's
// clock may be off, but the gap between the call and the send is not, so the
// event happened at receivedAt - (sentAt - originalTimestamp).
func TestParseTimestamps(t *testing.T) {
	batchSentAt := Defaults{SentAt: at("2026-11-02T09:00:20Z")}
	tests := []struct {
		name     string
		raw      string
		d        Defaults
		wantTS   time.Time
		wantOrig time.Time
		wantSent time.Time
	}{
		{
			name: "client clock two hours slow: corrected by the send gap",
			raw:  `{"type":"track","event":"A","userId":"u","originalTimestamp":"2026-11-02T10:00:00Z","sentAt":"2026-11-02T10:00:05Z"}`,
			// received 12:00:10, sent 5 s after the call: the call was at 12:00:05.
			wantTS: at("2026-11-02T12:00:05Z"), wantOrig: at("2026-11-02T10:00:00Z"), wantSent: at("2026-11-02T10:00:05Z"),
		},
		{
			name:   "client clock ahead, with a zone offset",
			raw:    `{"type":"track","event":"A","userId":"u","originalTimestamp":"2026-11-02T15:30:00+02:00","sentAt":"2026-11-02T15:30:01.5+02:00"}`,
			wantTS: at("2026-11-02T12:00:08.5Z"), wantOrig: at("2026-11-02T13:30:00Z"), wantSent: at("2026-11-02T13:30:01.5Z"),
		},
		{
			name:   "server library: timestamp is the call time, the batch's sentAt applies",
			raw:    `{"type":"track","event":"A","userId":"u","timestamp":"2026-11-02T09:00:00Z"}`,
			d:      batchSentAt,
			wantTS: at("2026-11-02T11:59:50Z"), wantOrig: at("2026-11-02T09:00:00Z"), wantSent: at("2026-11-02T09:00:20Z"),
		},
		{
			name:   "originalTimestamp wins over timestamp",
			raw:    `{"type":"track","event":"A","userId":"u","timestamp":"2020-01-01T00:00:00Z","originalTimestamp":"2026-11-02T09:00:10Z"}`,
			d:      batchSentAt,
			wantTS: at("2026-11-02T12:00:00Z"), wantOrig: at("2026-11-02T09:00:10Z"), wantSent: at("2026-11-02T09:00:20Z"),
		},
		{
			name:   "the message's own sentAt wins over the batch's",
			raw:    `{"type":"track","event":"A","userId":"u","originalTimestamp":"2026-11-02T09:00:00Z","sentAt":"2026-11-02T09:00:01Z"}`,
			d:      batchSentAt,
			wantTS: at("2026-11-02T12:00:09Z"), wantOrig: at("2026-11-02T09:00:00Z"), wantSent: at("2026-11-02T09:00:01Z"),
		},
		{
			name:   "no sentAt: the client's time is taken as is",
			raw:    `{"type":"track","event":"A","userId":"u","timestamp":"2026-10-01T08:00:00.123Z"}`,
			wantTS: at("2026-10-01T08:00:00.123Z"), wantOrig: at("2026-10-01T08:00:00.123Z"),
		},
		{
			name:   "no time at all: received time",
			raw:    `{"type":"track","event":"A","userId":"u"}`,
			wantTS: received,
		},
		{
			name:   "ISO 8601 without a zone is UTC",
			raw:    `{"type":"track","event":"A","userId":"u","timestamp":"2026-10-01T08:00:00"}`,
			wantTS: at("2026-10-01T08:00:00Z"), wantOrig: at("2026-10-01T08:00:00Z"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, tt.raw, tt.d)
			if !m.Timestamp.Equal(tt.wantTS) {
				t.Errorf("Timestamp: have %v, want %v", m.Timestamp, tt.wantTS)
			}
			if !m.OriginalTimestamp.Equal(tt.wantOrig) {
				t.Errorf("OriginalTimestamp: have %v, want %v", m.OriginalTimestamp, tt.wantOrig)
			}
			if !m.SentAt.Equal(tt.wantSent) {
				t.Errorf("SentAt: have %v, want %v", m.SentAt, tt.wantSent)
			}
			if !m.ReceivedAt.Equal(received) {
				t.Errorf("ReceivedAt: have %v, want %v", m.ReceivedAt, received)
			}
			if m.Timestamp.Location() != time.UTC {
				t.Errorf("Timestamp is in %v, want UTC", m.Timestamp.Location())
			}
		})
	}
}

func TestCorrectedTime(t *testing.T) {
	orig, sent := at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:03Z")
	tests := []struct {
		name                 string
		orig, sent, received time.Time
		want                 time.Time
	}{
		{"skew corrected", orig, sent, received, received.Add(-3 * time.Second)},
		{"no original: received", time.Time{}, sent, received, received},
		{"no sentAt: original", orig, time.Time{}, received, orig},
		{"sent before the call (clock jumped): still the gap", orig, orig.Add(-time.Second), received, received.Add(time.Second)},
	}
	for _, tt := range tests {
		if have := CorrectedTime(tt.orig, tt.sent, tt.received); !have.Equal(tt.want) {
			t.Errorf("%s: have %v, want %v", tt.name, have, tt.want)
		}
	}
}

func TestParseIDs(t *testing.T) {
	tests := []struct {
		name, raw          string
		wantUser, wantAnon string
	}{
		{"numeric userId is kept as its digits", `{"type":"identify","userId":12345}`, "12345", ""},
		{"negative and decimal numbers", `{"type":"identify","userId":-7,"anonymousId":1.5}`, "-7", "1.5"},
		{"null userId with an anonymousId", `{"type":"identify","userId":null,"anonymousId":"a1"}`, "", "a1"},
		{"string ids unchanged", `{"type":"identify","userId":" u 1 ","anonymousId":"a"}`, " u 1 ", "a"},
	}
	for _, tt := range tests {
		m := mustParse(t, tt.raw, Defaults{})
		if m.UserID != tt.wantUser || m.AnonymousID != tt.wantAnon {
			t.Errorf("%s: have userId %q anonymousId %q, want %q %q", tt.name, m.UserID, m.AnonymousID, tt.wantUser, tt.wantAnon)
		}
	}
}

// TestGeneratedMessageID: a message without an id gets one derived from its
// content, so that an identical resend is recognised as a duplicate.
func TestGeneratedMessageID(t *testing.T) {
	a := `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2026-11-02T09:00:00Z","properties":{"revenue":10}}`
	b := `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2026-11-02T09:00:01Z","properties":{"revenue":10}}`
	m1 := mustParse(t, a, Defaults{})
	m2, err := Parse([]byte(a), 4, received.Add(time.Hour), Defaults{SentAt: received})
	if err != nil {
		t.Fatal(err)
	}
	m3 := mustParse(t, b, Defaults{})
	if !strings.HasPrefix(m1.MessageID, "ripple-") || len(m1.MessageID) != len("ripple-")+32 {
		t.Errorf("generated id %q, want ripple- and 32 hex digits", m1.MessageID)
	}
	if m1.MessageID != m2.MessageID {
		t.Errorf("identical content got ids %q and %q; want the same, whenever and wherever it arrives", m1.MessageID, m2.MessageID)
	}
	if m1.MessageID == m3.MessageID {
		t.Errorf("different content got the same id %q", m1.MessageID)
	}
	if m := mustParse(t, `{"type":"track","event":"A","userId":"u","messageId":"  m-1 "}`, Defaults{}); m.MessageID != "m-1" {
		t.Errorf("client id: have %q, want it trimmed to %q", m.MessageID, "m-1")
	}
}

func TestParseDefaults(t *testing.T) {
	ctx := []byte(`{"library":{"name":"analytics-go"}}`)
	m := mustParse(t, `{"userId":"u","event":"A"}`, Defaults{Type: Track, Context: ctx})
	if m.Type != Track || string(m.Context) != string(ctx) {
		t.Errorf("have type %q context %s, want the endpoint's type and the batch's context", m.Type, m.Context)
	}
	own := mustParse(t, `{"userId":"u","event":"A","context":{"ip":"1.2.3.4"}}`, Defaults{Type: Track, Context: ctx})
	if string(own.Context) != `{"ip":"1.2.3.4"}` {
		t.Errorf("have context %s, want the message's own", own.Context)
	}
}

// TestParseRejects: every malformed message is rejected with the field and
// the reason, and its position in the batch.
func TestParseRejects(t *testing.T) {
	long := strings.Repeat("x", 501)
	tests := []struct {
		name, raw string
		d         Defaults
		field     string
		reason    string
	}{
		{"not JSON", `{"type":`, Defaults{}, "message", "not valid JSON"},
		{"an array, not an object", `[1,2]`, Defaults{}, "message", "want object, got JSON array"},
		{"a string, not an object", `"track"`, Defaults{}, "message", "want object, got JSON string"},
		{"no type", `{"userId":"u"}`, Defaults{}, "type", "is required"},
		{"unknown type", `{"type":"click","userId":"u"}`, Defaults{}, "type", `"click" is not one of`},
		{"type of another endpoint", `{"type":"identify","userId":"u"}`, Defaults{Type: Track}, "type", `this endpoint takes "track"`},
		{"type is a number", `{"type":3,"userId":"u"}`, Defaults{}, "type", "want string, got JSON number"},
		{"no user", `{"type":"track","event":"A"}`, Defaults{}, "userId", "userId or anonymousId is required"},
		{"userId is a boolean", `{"type":"identify","userId":true}`, Defaults{}, "userId", "wrong type"},
		{"anonymousId is an object", `{"type":"identify","anonymousId":{"id":1}}`, Defaults{}, "anonymousId", "wrong type"},
		{"track without event", `{"type":"track","userId":"u"}`, Defaults{}, "event", "is required for track"},
		{"track with a blank event", `{"type":"track","userId":"u","event":"  "}`, Defaults{}, "event", "is required for track"},
		{"event is a number", `{"type":"track","userId":"u","event":42}`, Defaults{}, "event", "want string, got JSON number"},
		{"alias without userId", `{"type":"alias","previousId":"p"}`, Defaults{}, "userId", "is required for alias"},
		{"alias without previousId", `{"type":"alias","userId":"u"}`, Defaults{}, "previousId", "is required for alias"},
		{"group without groupId", `{"type":"group","userId":"u"}`, Defaults{}, "groupId", "is required for group"},
		{"properties is an array", `{"type":"track","userId":"u","event":"A","properties":[1]}`, Defaults{}, "properties", "must be a JSON object"},
		{"properties is a string", `{"type":"track","userId":"u","event":"A","properties":"x"}`, Defaults{}, "properties", "must be a JSON object"},
		{"traits is a number", `{"type":"identify","userId":"u","traits":5}`, Defaults{}, "traits", "must be a JSON object"},
		{"context is a string", `{"type":"identify","userId":"u","context":"web"}`, Defaults{}, "context", "must be a JSON object"},
		{"timestamp is not a time", `{"type":"identify","userId":"u","timestamp":"yesterday"}`, Defaults{}, "timestamp", "is not an ISO 8601 time"},
		{"timestamp is a number", `{"type":"identify","userId":"u","timestamp":1730000000}`, Defaults{}, "timestamp", "want string, got JSON number"},
		{"originalTimestamp before 1970", `{"type":"identify","userId":"u","originalTimestamp":"1900-01-01T00:00:00Z"}`, Defaults{}, "originalTimestamp", "out of range"},
		{"sentAt is not a time", `{"type":"identify","userId":"u","sentAt":"2026-13-45"}`, Defaults{}, "sentAt", "is not an ISO 8601 time"},
		{"messageId too long", `{"type":"identify","userId":"u","messageId":"` + strings.Repeat("m", 201) + `"}`, Defaults{}, "messageId", "over the limit of 200"},
		{"userId too long", `{"type":"identify","userId":"` + long + `"}`, Defaults{}, "userId", "over the limit of 500"},
		{"event too long", `{"type":"track","userId":"u","event":"` + long + `"}`, Defaults{}, "event", "over the limit of 500"},
		{"message over 32 KB", `{"type":"identify","userId":"u","traits":{"bio":"` + strings.Repeat("b", MaxMessageBytes) + `"}}`, Defaults{}, "message", "over the limit of 32768 (32 KB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.raw), 7, received, tt.d)
			checkFieldError(t, err, 7, tt.field, tt.reason)
		})
	}
}

// TestEnrichRejects: malformed values inside properties and context are
// named by their path.
func TestEnrichRejects(t *testing.T) {
	tests := []struct {
		name, raw     string
		field, reason string
	}{
		{"revenue is not a number", `{"revenue":"abc"}`, "properties.revenue", "is not a number"},
		{"revenue is an empty string", `{"revenue":""}`, "properties.revenue", "is not a number"},
		{"revenue is a boolean", `{"revenue":true}`, "properties.revenue", "is not a number"},
		{"revenue is an object", `{"revenue":{"amount":5}}`, "properties.revenue", "is not a number"},
		{"total is infinite", `{"total":"Infinity"}`, "properties.total", "is not a number"},
		{"text is a number", `{"text":5}`, "properties.text", "want string, got JSON number"},
		{"currency is an array", `{"currency":["EUR"]}`, "properties.currency", "want string, got JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(`{"type":"track","event":"A","userId":"u","properties":`+tt.raw+`}`), 2, received, Defaults{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkFieldError(t, Enrich(&m, 2), 2, tt.field, tt.reason)
		})
	}
	m, err := Parse([]byte(`{"type":"track","event":"A","userId":"u","context":{"page":["x"]}}`), 0, received, Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	checkFieldError(t, Enrich(&m, 0), 0, "context.page", "want object, got JSON array")
}

func checkFieldError(t *testing.T, err error, index int, field, reason string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("have error %v, want a *FieldError for %s", err, field)
	}
	if fe.Index != index || fe.Field != field || !strings.Contains(fe.Reason, reason) {
		t.Errorf("have index %d field %q reason %q; want %d %q and a reason containing %q", fe.Index, fe.Field, fe.Reason, index, field, reason)
	}
	if want := "batch[" + strconv.Itoa(index) + "]." + field + ": "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q does not start with %q", err.Error(), want)
	}
}

// TestEnrichValues: revenue comes from a number or a numeric string, the
// first of revenue, total and value.
func TestEnrichValues(t *testing.T) {
	tests := []struct {
		props    string
		want     float64
		currency string
	}{
		{`{"revenue":49.5,"currency":"EUR"}`, 49.5, "EUR"},
		{`{"revenue":"12.25"}`, 12.25, ""},
		{`{"total":30,"value":7}`, 30, ""},
		{`{"value":"7"}`, 7, ""},
		{`{"revenue":null,"total":3}`, 3, ""},
		{`{}`, 0, ""},
	}
	for _, tt := range tests {
		m := mustParse(t, `{"type":"track","event":"Order Completed","userId":"u","properties":`+tt.props+`}`, Defaults{})
		if m.Revenue != tt.want || m.Currency != tt.currency {
			t.Errorf("%s: have revenue %v %q, want %v %q", tt.props, m.Revenue, m.Currency, tt.want, tt.currency)
		}
	}
}

// TestParseInvalidUTF8: invalid UTF-8 inside strings becomes U+FFFD in the
// raw objects as in the decoded fields, so the store keeps them rather than
// dropping properties it cannot hold as text.
func TestParseInvalidUTF8(t *testing.T) {
	m := mustParse(t, "{\"type\":\"track\",\"event\":\"caf\xe9\",\"userId\":\"u\",\"properties\":{\"text\":\"ok \xff\xfe\"}}", Defaults{})
	if !utf8.Valid(m.Properties) || string(m.Properties) != `{"text":"ok `+"\uFFFD"+`"}` {
		t.Errorf("properties %q, want the invalid bytes replaced by U+FFFD", m.Properties)
	}
	if m.Event != "caf\uFFFD" || m.Text != "ok \uFFFD" {
		t.Errorf("event %q text %q", m.Event, m.Text)
	}
}
