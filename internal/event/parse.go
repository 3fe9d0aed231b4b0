package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxMessageBytes and MaxBatchBytes are Segment's HTTP API limits.
const (
	MaxMessageBytes = 32 << 10
	MaxBatchBytes   = 500 << 10
)

// FieldError says which field of a message is wrong and why. Index is the
// message's position in its batch or file (0-based), or -1 for a single call.
type FieldError struct {
	Index  int
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("batch[%d].%s: %s", e.Index, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}

// wire is a Segment message as clients send it.
type wire struct {
	Type              Type            `json:"type"`
	MessageID         flexString      `json:"messageId"`
	UserID            flexString      `json:"userId"`
	AnonymousID       flexString      `json:"anonymousId"`
	PreviousID        flexString      `json:"previousId"`
	GroupID           flexString      `json:"groupId"`
	Event             string          `json:"event"`
	Name              string          `json:"name"`
	Timestamp         string          `json:"timestamp"`
	OriginalTimestamp string          `json:"originalTimestamp"`
	SentAt            string          `json:"sentAt"`
	Properties        json.RawMessage `json:"properties"`
	Traits            json.RawMessage `json:"traits"`
	Context           json.RawMessage `json:"context"`
}

// flexString accepts a JSON string or number: some server libraries send
// numeric user ids, which Segment stores as strings.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if plainString(b) {
		*f = flexString(b[1 : len(b)-1])
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if _, err := strconv.ParseFloat(string(b), 64); err != nil {
		// A type error, so that the decoder names the field it was in.
		return &json.UnmarshalTypeError{Value: jsonValueKind(b), Type: reflect.TypeFor[string]()}
	}
	*f = flexString(b)
	return nil
}

// plainString reports whether b is a JSON string with nothing to unescape:
// the common case of an id, taken as is without a second decoder pass. The
// raw message was checked to be valid UTF-8 before decoding.
func plainString(b []byte) bool {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return false
	}
	for _, c := range b[1 : len(b)-1] {
		if c == '\\' || c == '"' || c < 0x20 {
			return false
		}
	}
	return true
}

// Defaults are batch-level values a message inherits when it lacks its own.
type Defaults struct {
	Type    Type      // the endpoint's type for /v1/track etc.; empty for /v1/batch
	SentAt  time.Time // the batch's sentAt
	Context json.RawMessage
}

// Parse decodes and validates one Segment message. index is its position in
// the batch (-1 for a single call) and only labels errors. Derived fields
// (channel, stage, revenue, text) are filled by Enrich, not here.
func Parse(raw []byte, index int, receivedAt time.Time, d Defaults) (Message, error) {
	return parse(raw, index, receivedAt, d, scanCopy)
}

// ParseInPlace is Parse for a caller that keeps raw unchanged for as long as
// the message lives: the message's strings and raw objects point into raw
// instead of copying it. File imports (a line's block is reused only once
// its messages are stored) and the collection API (each body read into a
// buffer of its own) save most of their allocations this way; a caller that
// reuses its buffer sooner must use Parse, and whatever keeps a message's
// strings beyond its life must copy them.
func ParseInPlace(raw []byte, index int, receivedAt time.Time, d Defaults) (Message, error) {
	return parse(raw, index, receivedAt, d, scanAlias)
}

// How parse reads a message: with the one-pass scanner, copying or aliasing
// raw, or (for the test that checks both ways agree) with encoding/json only.
const (
	scanCopy = iota
	scanAlias
	decodeOnly
)

func parse(raw []byte, index int, receivedAt time.Time, d Defaults, how int) (Message, error) {
	fail := func(field, reason string) (Message, error) {
		return Message{}, &FieldError{Index: index, Field: field, Reason: reason}
	}
	if len(raw) > MaxMessageBytes {
		return fail("message", fmt.Sprintf("is %d bytes, over the limit of %d (32 KB)", len(raw), MaxMessageBytes))
	}
	if !utf8.Valid(raw) {
		// Invalid UTF-8 can only sit inside JSON strings; the decoder turns it
		// into U+FFFD in the fields it reads, and the raw objects kept for
		// the store must hold the same text, or the database drops them.
		raw = bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	var w wire
	var x extract
	scanned, extracted := false, false
	if how != decodeOnly {
		scanned, extracted = scanMessage(raw, how == scanAlias, &w, &x)
	}
	if !scanned {
		var err error
		if w, err = decodeWire(raw); err != nil {
			return fail(jsonField(err), jsonReason(err))
		}
		extracted = false
	}
	if w.Type == "" {
		w.Type = d.Type
	}
	if w.Type == "" {
		return fail("type", "is required")
	}
	if !w.Type.Valid() {
		return fail("type", fmt.Sprintf("%q is not one of identify, track, page, screen, group, alias", string(w.Type)))
	}
	if d.Type != "" && w.Type != d.Type {
		return fail("type", fmt.Sprintf("is %q but this endpoint takes %q", string(w.Type), string(d.Type)))
	}
	m := Message{
		Type:        w.Type,
		MessageID:   strings.TrimSpace(string(w.MessageID)),
		UserID:      string(w.UserID),
		AnonymousID: string(w.AnonymousID),
		PreviousID:  string(w.PreviousID),
		GroupID:     string(w.GroupID),
		Event:       w.Event,
		Name:        w.Name,
		ReceivedAt:  receivedAt.UTC(),
		Properties:  nonNull(w.Properties),
		Traits:      nonNull(w.Traits),
		Context:     nonNull(w.Context),
	}
	if m.Context == nil && d.Context != nil {
		m.Context = d.Context
		extracted = false // the scanner read the message, not the batch's context
	}
	if extracted {
		m.extract = extracts.Get().(*extract)
		*m.extract = x
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"properties", m.Properties}, {"traits", m.Traits}, {"context", m.Context}} {
		if f.raw != nil && f.raw[0] != '{' {
			return fail(f.name, "must be a JSON object")
		}
	}
	switch {
	case m.Type == Alias:
		if m.UserID == "" {
			return fail("userId", "is required for alias")
		}
		if m.PreviousID == "" {
			return fail("previousId", "is required for alias")
		}
	case m.UserID == "" && m.AnonymousID == "":
		return fail("userId", "userId or anonymousId is required")
	}
	if m.Type == Track && strings.TrimSpace(m.Event) == "" {
		return fail("event", "is required for track")
	}
	if m.Type == Group && m.GroupID == "" {
		return fail("groupId", "is required for group")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"messageId", m.MessageID, 200}, {"userId", m.UserID, 500}, {"anonymousId", m.AnonymousID, 500}, {"event", m.Event, 500}, {"name", m.Name, 500}} {
		if len(f.v) > f.max {
			return fail(f.name, fmt.Sprintf("is %d bytes, over the limit of %d", len(f.v), f.max))
		}
	}

	var err error
	orig := w.OriginalTimestamp
	if orig == "" {
		orig = w.Timestamp // server libraries send the call time as timestamp
	}
	field := "originalTimestamp"
	if w.OriginalTimestamp == "" {
		field = "timestamp"
	}
	if m.OriginalTimestamp, err = ParseTime(orig); err != nil {
		return fail(field, err.Error())
	}
	if m.SentAt, err = ParseTime(w.SentAt); err != nil {
		return fail("sentAt", err.Error())
	}
	if m.SentAt.IsZero() {
		m.SentAt = d.SentAt
	}
	m.Timestamp = CorrectedTime(m.OriginalTimestamp, m.SentAt, m.ReceivedAt)

	if m.MessageID == "" {
		// Without an id a retry could not be recognised; an id derived from
		// the content makes an identical resend a duplicate, as it should be.
		sum := sha256.Sum256(raw)
		m.MessageID = "ripple-" + hex.EncodeToString(sum[:16])
	}
	return m, nil
}

// decodeWire is the decoder's reading of a message, in a function of its own
// so that the common path's wire stays on the stack (inlined, it would not).
//
//go:noinline
func decodeWire(raw []byte) (wire, error) {
	var w wire
	err := json.Unmarshal(raw, &w)
	return w, err
}

// extracts recycles what Parse hands Enrich: one per message in flight
// rather than one allocation per message.
var extracts = sync.Pool{New: func() any { return new(extract) }}

// CorrectedTime is Segment's clock-skew correction: the client's clock may be
// wrong, but the gap between the call and the send is not, so the event
// happened at receivedAt - (sentAt - originalTimestamp).
func CorrectedTime(original, sentAt, receivedAt time.Time) time.Time {
	switch {
	case original.IsZero():
		return receivedAt
	case sentAt.IsZero() || receivedAt.IsZero():
		return original.UTC()
	}
	return receivedAt.Add(-sentAt.Sub(original)).UTC()
}

// ParseTime reads the ISO 8601 forms clients send; empty means absent.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1970 || t.Year() > 9999 {
				return time.Time{}, fmt.Errorf("%q is out of range", s)
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time", truncate(s, 40))
}

func nonNull(r json.RawMessage) json.RawMessage {
	if len(r) == 0 || bytes.Equal(r, []byte("null")) {
		return nil
	}
	return r
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// jsonField and jsonReason turn a decoding error into field-and-reason form.
func jsonField(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
		return te.Field
	}
	return "message"
}

func jsonReason(err error) string {
	switch e := err.(type) {
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("has the wrong type: want %s, got JSON %s", kindName(e.Type), e.Value)
	case *json.SyntaxError:
		return fmt.Sprintf("is not valid JSON at byte %d: %s", e.Offset, e.Error())
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	return "is not valid: " + msg
}

// kindName says what JSON a Go type takes, in the words of the JSON spec
// rather than Go's: a client never sees a struct's definition.
func kindName(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	if t == reflect.TypeFor[json.Number]() {
		return "number"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	}
	return t.String()
}

// jsonValueKind names the kind of a JSON value by its first byte.
func jsonValueKind(b []byte) string {
	if len(b) == 0 {
		return "value"
	}
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "value"
}
