package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/channel"
	"ripple/internal/event"
	"ripple/internal/server"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// BenchmarkPages measures each page's server time on a workspace of one
// million events (90 days, 20 channels, 50,000 people) and reports the 95th
// percentile. Run it with: go test -run '^$' -bench Pages ./internal/web/
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	auth := access.NewAuth(st, nil)
	settings := workspace.New(st, auth, nil, workspace.Hooks{})
	ws, err := settings.Create(ctx, "Demo", "product")
	if err != nil {
		b.Fatal(err)
	}
	last := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	loadEvents(b, st, ws.ID, last, 1_000_000, 50_000, 90)
	// The server checkpoints in the background after appends; measure that state.
	if err := st.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	u, err := auth.CreateUser(ctx, "bench@example.com", "Bench", "bench password")
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := settings.Add(ctx, access.Operator(ws.ID), u.Email, "", "owner"); err != nil {
		b.Fatal(err)
	}
	_, secret, err := auth.Login(ctx, "127.0.0.1", u.Email, "bench password")
	if err != nil {
		b.Fatal(err)
	}
	// The clock stands on the last simulated day, so the default range
	// (the 30 days ending today) holds data.
	now := func() time.Time { return last.Add(12 * time.Hour) }
	srv, err := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{Now: now})
	if err != nil {
		b.Fatal(err)
	}
	mux := srv.Mux

	w := "/w/" + ws.ID
	pages := []struct{ name, path string }{
		{"overview-30d", w + "/overview"},
		{"overview-90d", w + "/overview?from=2025-01-01&to=2025-03-31"},
		{"overview-90d-channel", w + "/overview?from=2025-01-01&to=2025-03-31&channel=facebook%2Fpaid"},
		{"events-csv-90d", w + "/overview/events.csv?from=2025-01-01&to=2025-03-31"},
		{"journey", w + "/journey"},
		{"settings-channels", w + "/settings/channels"},
		{"settings-keys", w + "/settings/keys"},
		// The same days counted at Paris's midnights, across its change to
		// summer time on March 30 (the zone is set before this one runs).
		{"overview-90d-paris", w + "/overview?from=2025-01-01&to=2025-03-31"},
	}
	for _, p := range pages {
		if p.name == "overview-90d-paris" {
			ws.TimeZone = "Europe/Paris"
			if err := st.UpdateWorkspace(ctx, ws); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(p.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(&http.Cookie{Name: "ripple_session", Value: secret})
				rec := httptest.NewRecorder()
				start := time.Now()
				mux.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", p.path, rec.Code)
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[(len(times)*95)/100].Microseconds())/1000, "p95-ms")
		})
	}
}

// loadEvents appends n events for the given number of people, spread over
// days ending on last, in chunks of 50,000 so memory stays flat.
func loadEvents(b *testing.B, st *store.Store, ws string, last time.Time, n, people, days int) {
	b.Helper()
	type ch struct {
		platform string
		own      channel.Ownership
	}
	var chans []ch
	for _, p := range []string{"facebook", "instagram", "youtube", "pinterest", "x", "linkedin", "tiktok"} {
		chans = append(chans, ch{p, channel.Paid}, ch{p, channel.Earned})
	}
	chans = append(chans, ch{"search", channel.Earned}, ch{"search", channel.Paid}, ch{"web", channel.Owned},
		ch{"email", channel.Owned}, ch{"tv", channel.Paid}, ch{"direct", channel.Owned})
	seed := uint64(7)
	rnd := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	start := last.AddDate(0, 0, -days+1)
	span := int64(days) * 86400
	const chunk = 50_000
	batch := make([]event.Message, 0, chunk)
	for i := 0; i < n; i++ {
		c := chans[rnd(len(chans))]
		rank := 1 + rnd(6)
		if rnd(3) > 0 && rank > 3 { // fewer people get far
			rank -= 2
		}
		ts := start.Add(time.Duration(int64(rnd(int(span)))) * time.Second)
		m := event.Message{Workspace: ws, MessageID: fmt.Sprintf("b%d", i), Type: event.Track,
			UserID: fmt.Sprintf("p%d", rnd(people)), Event: "x", Timestamp: ts, ReceivedAt: ts,
			Channel: channel.Channel{Platform: c.platform, Ownership: c.own, Group: "Bench"}, Stage: event.Stages[rank-1]}
		if m.Stage == event.Purchase {
			m.Revenue = float64(10 + rnd(200))
		}
		batch = append(batch, m)
		if len(batch) == chunk || i == n-1 {
			if _, err := st.AppendEvents(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}
