package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"ripple/internal/event"
)

// TestAppenderRoundTrip writes rows through both append paths and reads
// every column back: strings on either side of DuckDB's 12-byte inline
// limit, long ones that span arena blocks, NULLs, invalid UTF-8, and more
// rows than one data chunk holds.
func TestAppenderRoundTrip(t *testing.T) {
	ctx := context.Background()
	texts := []string{"a", "abcd", "twelve bytes", "thirteen byte", "héllo wörld, ünïcode 👋", strings.Repeat("x", 30000), "bad \xff byte"}
	base := time.Date(2026, 11, 1, 10, 0, 0, 123456000, time.UTC)
	var msgs []event.Message
	for i := range 5000 {
		m := event.Message{
			MessageID:  fmt.Sprintf("m%d", i),
			Type:       event.Track,
			Event:      texts[i%len(texts)],
			Timestamp:  base.Add(time.Duration(i) * time.Second),
			ReceivedAt: base,
			Properties: json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)),
			Stage:      event.Engage,
		}
		if i%3 > 0 {
			m.Profile = int64(i)<<33 + 7 // beyond 32 bits, and NULL for every third
		}
		if i%2 == 0 {
			m.UserID = fmt.Sprintf("user-with-a-long-id-%d", i)
			m.Revenue = float64(i) / 4
			m.Currency = "EUR"
			m.SentAt = base.Add(-time.Minute)
		} else {
			m.AnonymousID = fmt.Sprint(i)
			m.Text = texts[(i/2)%len(texts)]
		}
		msgs = append(msgs, m)
	}

	for _, path := range []string{"append", "bulk"} {
		t.Run(path, func(t *testing.T) {
			s := openTest(t, t.TempDir())
			defer s.Close()
			batch := make([]event.Message, len(msgs))
			copy(batch, msgs)
			for i := range batch {
				batch[i].Workspace = "ws"
			}
			if path == "append" {
				if _, err := s.AppendEvents(ctx, batch); err != nil {
					t.Fatal(err)
				}
			} else {
				b, err := s.BeginBulk(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := b.AppendEvents(ctx, batch); err != nil {
					t.Fatal(err)
				}
				if err := b.Close(); err != nil {
					t.Fatal(err)
				}
			}
			checkRows(t, s.db, msgs)
		})
	}
}

func checkRows(t *testing.T, db *sql.DB, msgs []event.Message) {
	t.Helper()
	rows, err := db.Query(`SELECT workspace_id, message_id, type, user_id, anonymous_id, previous_id, event, ts, sent_at,
		received_at, properties, traits, stage_rank, revenue, currency, text, profile_id FROM events ORDER BY ts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	opt := func(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
	i := 0
	for ; rows.Next(); i++ {
		var ws, id, typ string
		var user, anon, prev, ev, props, traits, cur, text sql.NullString
		var ts, recv time.Time
		var sent sql.NullTime
		var stage int8
		var rev sql.NullFloat64
		var profile sql.NullInt64
		if err := rows.Scan(&ws, &id, &typ, &user, &anon, &prev, &ev, &ts, &sent, &recv, &props, &traits, &stage, &rev, &cur, &text, &profile); err != nil {
			t.Fatal(err)
		}
		m := msgs[i]
		wantEvent := strings.ToValidUTF8(m.Event, "\uFFFD")
		wantText := opt(strings.ToValidUTF8(m.Text, "\uFFFD"))
		got := []any{ws, id, typ, user, anon, prev, ev.String, ts.UTC(), sent.Time.UTC(), sent.Valid, recv.UTC(), props.String, traits.Valid, stage, rev, cur, text, profile}
		want := []any{"ws", m.MessageID, "track", opt(m.UserID), opt(m.AnonymousID), sql.NullString{}, wantEvent, m.Timestamp, m.SentAt, !m.SentAt.IsZero(),
			m.ReceivedAt, string(m.Properties), false, int8(event.Engage.Rank()), sql.NullFloat64{Float64: m.Revenue, Valid: m.Revenue != 0}, opt(m.Currency), wantText,
			sql.NullInt64{Int64: m.Profile, Valid: m.Profile != 0}}
		for c := range want {
			if got[c] != want[c] {
				t.Fatalf("row %d, value %d: got %#v, want %#v", i, c, got[c], want[c])
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(msgs) {
		t.Fatalf("read %d rows back, want %d", i, len(msgs))
	}
}

// TestFailedAppendStoresNothing: a batch DuckDB refuses (here a row without
// a workspace) stores none of its rows, its ids stay free, and the next
// batch goes through a fresh connection; a bulk load reports the failure
// and rolls back the failed lane's rows.
func TestFailedAppendStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	bad := []event.Message{msg("a", "1"), msg("", "2"), msg("a", "3")}
	if _, err := s.AppendEvents(ctx, bad); err == nil || !strings.Contains(err.Error(), "NOT NULL") {
		t.Fatalf("append with a NULL workspace: err %v, want a NOT NULL constraint error", err)
	}
	if n, err := s.AppendEvents(ctx, []event.Message{msg("a", "1"), msg("a", "3")}); err != nil || n != 2 {
		t.Fatalf("append after the failure: %d, %v; want both ids stored", n, err)
	}

	b, err := s.BeginBulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.AppendEvents(ctx, []event.Message{msg("a", "4"), msg("", "5")})
	if err == nil {
		_, err = b.AppendEvents(ctx, []event.Message{msg("a", "6")})
	}
	if err == nil {
		err = b.Close()
	} else {
		b.Abort()
	}
	if err == nil || !strings.Contains(err.Error(), "NOT NULL") {
		t.Fatalf("bulk load with a NULL workspace: err %v, want a NOT NULL constraint error", err)
	}
	// A lane that did not fail may have committed its rows: they are kept
	// and known. The failed lane's rows are neither.
	if n, _ := s.CountEvents(ctx, "a"); n != 2+int64(b.Stored()) || b.Stored() > 1 {
		t.Fatalf("%d events stored, the load says it stored %d; want 2 plus at most the 6", n, b.Stored())
	}
	if n, err := s.AppendEvents(ctx, []event.Message{msg("a", "4"), msg("a", "6")}); err != nil || n != 2-b.Stored() {
		t.Fatalf("append after the failed load: %d, %v; want 4 free, 6 free unless stored", n, err)
	}
}
