package event

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParse: Parse and Enrich never panic, and either reject a message with
// a FieldError or return one that has every field the store requires.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","timestamp":"2026-11-02T09:00:00Z","sentAt":"2026-11-02T09:00:01Z","properties":{"revenue":"49.5","currency":"EUR"},"context":{"campaign":{"source":"facebook","medium":"cpc"},"page":{"url":"https://a.example/?utm_source=x","referrer":"https://www.google.com/"}}}`,
		`{"type":"identify","userId":12345,"traits":{"email":"a@b.c"}}`,
		`{"type":"page","anonymousId":"a","name":"Home","properties":{"url":"https://shop.example/","referrer":"https://t.co/x"}}`,
		`{"type":"alias","userId":"u","previousId":"p"}`,
		`{"type":"group","userId":"u","groupId":"g","traits":{}}`,
		`{"type":"screen","userId":"u","name":"Main","originalTimestamp":"2026-01-01T00:00:00"}`,
		`{"type":"track","userId":"u","event":"Review Posted","properties":{"text":"great","platform":"instagram","total":3}}`,
		`{"type":"track"}`, `[]`, `null`, `{"type":"track","userId":true}`, `{"properties":[]}`,
	} {
		f.Add([]byte(seed), "", "")
		f.Add([]byte(seed), "track", "2026-11-02T09:00:05Z")
	}
	received := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte, endpoint, sentAt string) {
		d := Defaults{Type: Type(endpoint)}
		if s, err := time.Parse(time.RFC3339Nano, sentAt); err == nil {
			d.SentAt = s
		}
		m, err := Parse(raw, 3, received, d)
		if err == nil {
			err = Enrich(&m, 3)
		}
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			if fe.Field == "" || fe.Reason == "" || fe.Index != 3 {
				t.Fatalf("error %#v lacks its field, reason or index", fe)
			}
			if !strings.HasPrefix(err.Error(), "batch[3].") {
				t.Fatalf("error %q does not name the message", err)
			}
			return
		}
		if !m.Type.Valid() {
			t.Fatalf("accepted type %q", m.Type)
		}
		if d.Type != "" && m.Type != d.Type {
			t.Fatalf("endpoint %q accepted type %q", d.Type, m.Type)
		}
		if m.MessageID == "" || len(m.MessageID) > 200 {
			t.Fatalf("message id %q", m.MessageID)
		}
		if m.PersonKey() == "" {
			t.Fatalf("accepted a message with no person: %+v", m)
		}
		if m.Type == Track && strings.TrimSpace(m.Event) == "" {
			t.Fatal("accepted a track with no event")
		}
		if m.Type == Alias && m.PreviousID == "" {
			t.Fatal("accepted an alias with no previousId")
		}
		if m.Type == Group && m.GroupID == "" {
			t.Fatal("accepted a group with no groupId")
		}
		if m.Timestamp.IsZero() || !m.ReceivedAt.Equal(received) {
			t.Fatalf("timestamp %v received %v", m.Timestamp, m.ReceivedAt)
		}
		for name, obj := range map[string][]byte{"properties": m.Properties, "traits": m.Traits, "context": m.Context} {
			if obj != nil && obj[0] != '{' {
				t.Fatalf("accepted %s %q that is not an object", name, obj)
			}
		}
		if m.Channel.Key() == "" {
			t.Fatal("no channel derived")
		}
		if r := m.Stage.Rank(); r < 0 || r > 6 {
			t.Fatalf("stage %q", m.Stage)
		}
	})
}
