package store

import (
	"context"
	"testing"
	"time"

	"ripple/internal/event"
)

// TestTouchpointsAsStored: Touchpoints gives back a workspace's messages as
// they were stored, in message id order, with what ingest derived (channel,
// stage, revenue) and the profile each resolved to, and nothing of another
// workspace's.
func TestTouchpointsAsStored(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	order := touch(t, "a", "m2", "ann", `"type":"track","event":"Order Completed","properties":{"revenue":30,"currency":"EUR","utm_source":"facebook","utm_medium":"paid"}`, at)
	order.Profile = 1<<40 + 3 // beyond 32 bits
	// The page view resolved to no profile.
	view := touch(t, "a", "m1", "ann", `"type":"page","name":"Home"`, at.Add(-time.Hour))
	other := touch(t, "b", "m0", "bob", `"type":"track","event":"Product Viewed"`, at)
	other.Profile = 9
	appendAll(t, s, order, view, other)

	var got []event.Message
	if err := s.Touchpoints(ctx, "a", func(m *event.Message) error {
		got = append(got, *m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].MessageID != "m1" || got[1].MessageID != "m2" {
		t.Fatalf("workspace a's touchpoints: %+v; want m1 then m2", got)
	}
	v, o := got[0], got[1]
	if v.Type != event.Page || v.Name != "Home" || v.Stage != event.Understand || v.Profile != 0 || !v.Timestamp.Equal(view.Timestamp) {
		t.Errorf("page view read back as %+v", v)
	}
	if o.Event != "Order Completed" || o.Stage != event.Purchase || o.Revenue != 30 || o.Currency != "EUR" ||
		o.Channel.Platform != order.Channel.Platform || o.Channel.Ownership != order.Channel.Ownership || o.Profile != order.Profile {
		t.Errorf("order read back as %+v; want stage purchase, 30 EUR, channel %+v, profile %d", o, order.Channel, order.Profile)
	}
	var all int
	if err := s.Touchpoints(ctx, "", func(m *event.Message) error {
		all++
		return nil
	}); err != nil || all != 3 {
		t.Errorf("every workspace's touchpoints: %d, %v; want 3", all, err)
	}
}
