package report

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/store"
)

// TestOverviewRevenueCountsPurchasesOnly: refunds and carts carry amounts
// too, but only purchases are revenue.
func TestOverviewRevenueCountsPurchasesOnly(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	day := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	var msgs []event.Message
	for i, name := range []string{"Checkout Started", "Order Completed", "Order Refunded"} {
		raw := fmt.Sprintf(`{"type":"track","event":%q,"userId":"u","messageId":"m%d","timestamp":"2026-10-01T12:00:00Z","properties":{"revenue":30}}`, name, i)
		m, err := event.Parse([]byte(raw), -1, day, event.Defaults{})
		if err == nil {
			err = event.Enrich(&m, -1)
		}
		if err != nil {
			t.Fatal(err)
		}
		m.Workspace = "ws"
		msgs = append(msgs, m)
	}
	if _, err := st.AppendEvents(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	o, err := OverviewOf(ctx, st.DB(), "ws", Filter{From: day.Truncate(24 * time.Hour), To: day.Truncate(24 * time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Events != 3 || o.Purchases != 1 || o.Revenue != 30 {
		t.Fatalf("overview = %d events, %d purchases, %v revenue; want 3, 1 and 30", o.Events, o.Purchases, o.Revenue)
	}
}
