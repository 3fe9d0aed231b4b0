package journey

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/store"
)

// touch builds a collected message as the API would store it.
func touch(t testing.TB, ws, id, person, raw string, at time.Time) event.Message {
	t.Helper()
	m, err := event.Parse([]byte(fmt.Sprintf(`{"messageId":%q,"userId":%q,"timestamp":%q,%s}`, id, person, at.Format(time.RFC3339), raw)), -1, at, event.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if err := event.Enrich(&m, -1); err != nil {
		t.Fatal(err)
	}
	m.Workspace = ws
	return m
}

func TestFirstAndLastTouchAndFunnel(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	day := func(d int) time.Time { return time.Date(2026, 10, d, 12, 0, 0, 0, time.UTC) }
	fb := `"type":"track","event":"Ad Impression","properties":{"platform":"facebook"},"context":{"campaign":{"source":"facebook","medium":"cpc"}}`
	search := `"type":"page","context":{"page":{"url":"https://shop.example/","referrer":"https://www.google.com/"}}`
	direct := `"type":"track","event":"Order Completed","properties":{"revenue":30}`
	msgs := []event.Message{
		touch(t, "a", "1", "ann", fb, day(1)),
		touch(t, "a", "2", "ann", search, day(2)),
		touch(t, "a", "3", "ann", direct, day(3)),
		touch(t, "a", "4", "bob", search, day(2)),
		touch(t, "b", "5", "ann", search, day(1)), // another workspace's Ann
	}
	if _, err := st.AppendEvents(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	people, err := People(ctx, st.DB(), "a", "ann", "bob", "nobody")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Person{}
	for _, p := range people {
		got[p.Key] = p
	}
	ann := got["ann"]
	if len(got) != 2 || ann.FirstChannel != "facebook/paid" || !strings.HasPrefix(ann.LastChannel, "search/") ||
		ann.Stage != event.Purchase || ann.Revenue != 30 || ann.Events != 3 || !ann.FirstSeen.Equal(day(1)) {
		t.Fatalf("people = %+v; want Ann first touched by facebook/paid, last by search, at purchase with 30 revenue", got)
	}
	funnel, err := Funnel(ctx, st.DB(), "a")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][6]int64{"facebook/paid": {1, 1, 1, 1, 1, 0}, ann.LastChannel: {1, 1, 1, 0, 0, 0}}
	if len(funnel) != 2 {
		t.Fatalf("funnel = %+v; want two first-touch channels", funnel)
	}
	for _, r := range funnel {
		if r.Reached != want[r.FirstChannel] {
			t.Errorf("funnel %s = %v, want %v", r.FirstChannel, r.Reached, want[r.FirstChannel])
		}
	}
}
