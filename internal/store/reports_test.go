package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/journey"
	"ripple/internal/report"
	"ripple/internal/workspace"
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

func appendAll(t testing.TB, s *Store, msgs ...event.Message) {
	t.Helper()
	if _, err := s.AppendEvents(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
}

// day is the filter of one day in loc.
func day(y int, m time.Month, d int, loc *time.Location) report.Filter {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	return report.Filter{From: t, To: t}
}

func wsIn(id, zone, currency string) workspace.Workspace {
	return workspace.Workspace{ID: id, TimeZone: zone, Currency: currency}
}

// TestPurchaseAndRevenue pins Ripple's one definition: a purchase is a
// touchpoint in the purchase stage; revenue is what purchases bring in the
// reporting currency, one that names none counting as in it. Refunds and
// carts carry amounts too, but are no revenue; other currencies are apart.
// The overview and a person's revenue agree.
func TestPurchaseAndRevenue(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	tr := func(id, name, props string) event.Message {
		return touch(t, "ws", id, "ann", `"type":"track","event":"`+name+`","properties":{`+props+`}`, at)
	}
	appendAll(t, s,
		tr("1", "Checkout Started", `"revenue":30`),
		tr("2", "Order Completed", `"revenue":30`),                    // no currency: the reporting one
		tr("3", "Order Completed", `"revenue":12.5,"currency":"eur"`), // named, any case
		tr("4", "Subscription Started", `"revenue":7,"currency":"GBP"`),
		tr("5", "Order Refunded", `"revenue":30,"currency":"EUR"`),
		tr("6", "Product Added", `"revenue":99,"currency":"GBP"`),
	)
	ws := wsIn("ws", "UTC", "EUR")
	o, err := s.Overview(ctx, ws, day(2026, 10, 1, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if o.Events != 6 || o.Purchases != 3 || o.Revenue != 42.5 || o.Currency != "EUR" {
		t.Errorf("overview = %d events, %d purchases, %v %s revenue; want 6, 3 and 42.5 EUR", o.Events, o.Purchases, o.Revenue, o.Currency)
	}
	if want := []report.Money{{Currency: "GBP", Purchases: 1, Amount: 7}}; fmt.Sprint(o.OtherCurrencies) != fmt.Sprint(want) {
		t.Errorf("other currencies = %v, want %v", o.OtherCurrencies, want)
	}
	people, err := s.People(ctx, ws, "ann")
	if err != nil || len(people) != 1 || people[0].Revenue != o.Revenue {
		t.Errorf("ann = %+v, %v; want the overview's revenue %v", people, err, o.Revenue)
	}
	// Reported in GBP, the purchase that names no currency is in GBP too.
	o, _ = s.Overview(ctx, wsIn("ws", "UTC", "GBP"), day(2026, 10, 1, time.UTC))
	if want := []report.Money{{Currency: "EUR", Purchases: 1, Amount: 12.5}}; o.Revenue != 37 || fmt.Sprint(o.OtherCurrencies) != fmt.Sprint(want) {
		t.Errorf("in GBP: revenue %v, others %v; want 37 and %v", o.Revenue, o.OtherCurrencies, want)
	}
}

func TestFirstAndLastTouchAndFunnel(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	day := func(d int) time.Time { return time.Date(2026, 10, d, 12, 0, 0, 0, time.UTC) }
	fb := `"type":"track","event":"Ad Impression","properties":{"platform":"facebook"},"context":{"campaign":{"source":"facebook","medium":"cpc"}}`
	search := `"type":"page","context":{"page":{"url":"https://shop.example/","referrer":"https://www.google.com/"}}`
	direct := `"type":"track","event":"Order Completed","properties":{"revenue":30}`
	appendAll(t, s,
		touch(t, "a", "1", "ann", fb, day(1)),
		touch(t, "a", "2", "ann", search, day(2)),
		touch(t, "a", "3", "ann", direct, day(3)),
		touch(t, "a", "4", "bob", search, day(2)),
		touch(t, "b", "5", "ann", search, day(1)), // another workspace's Ann
	)
	people, err := s.People(ctx, wsIn("a", "UTC", "USD"), "ann", "bob", "nobody")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]journey.Person{}
	for _, p := range people {
		got[p.Key] = p
	}
	ann := got["ann"]
	if len(got) != 2 || ann.FirstChannel != "facebook/paid" || !strings.HasPrefix(ann.LastChannel, "search/") ||
		ann.Stage != event.Purchase || ann.Revenue != 30 || ann.Events != 3 || !ann.FirstSeen.Equal(day(1)) {
		t.Fatalf("people = %+v; want Ann first touched by facebook/paid, last by search, at purchase with 30 revenue", got)
	}
	funnel, err := s.Funnel(ctx, "a", report.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][6]int64{"facebook/paid": {1, 1, 1, 1, 1, 0}, ann.LastChannel: {1, 1, 1, 0, 0, 0}}
	if len(funnel) != 2 {
		t.Fatalf("funnel = %+v; want two first-touch channels", funnel)
	}
	for _, r := range funnel {
		if r.Reached != want[r.FirstChannel] || r.People != 1 {
			t.Errorf("funnel %s = %d people, %v; want 1, %v", r.FirstChannel, r.People, r.Reached, want[r.FirstChannel])
		}
	}
	// The overview's funnel is the same funnel, everyone in one row; from
	// day 2 on, Ann's first touch under the filter is search.
	f := report.Filter{From: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)}
	o, err := s.Overview(ctx, wsIn("a", "UTC", "USD"), f)
	if err != nil {
		t.Fatal(err)
	}
	byFirst, err := s.Funnel(ctx, "a", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(byFirst) != 1 || !strings.HasPrefix(byFirst[0].FirstChannel, "search/") || o.People != byFirst[0].People {
		t.Fatalf("funnel from day 2 = %+v, overview people %d; want everyone first touched by search", byFirst, o.People)
	}
	for i, sc := range o.Funnel {
		if sc.Stage != event.Stages[i] || sc.People != byFirst[0].Reached[i] {
			t.Errorf("overview funnel %v: %d people, the funnel by first touch %d", sc.Stage, sc.People, byFirst[0].Reached[i])
		}
	}
}

// TestOverviewDaysInWorkspaceZone: an event counts on the day it happened
// where the workspace is, across a change of the clocks, and the range
// starts and ends at that zone's midnights.
func TestOverviewDaysInWorkspaceZone(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	view := `"type":"page"`
	// Paris moved from UTC+1 to UTC+2 at 01:00 UTC on 2025-03-30.
	appendAll(t, s,
		touch(t, "ws", "1", "a", view, time.Date(2025, 3, 28, 22, 30, 0, 0, time.UTC)), // 23:30 on the 28th in Paris
		touch(t, "ws", "2", "a", view, time.Date(2025, 3, 28, 23, 30, 0, 0, time.UTC)), // 00:30 on the 29th
		touch(t, "ws", "3", "a", view, time.Date(2025, 3, 29, 22, 30, 0, 0, time.UTC)), // 23:30 on the 29th (winter time)
		touch(t, "ws", "4", "a", view, time.Date(2025, 3, 30, 21, 30, 0, 0, time.UTC)), // 23:30 on the 30th (summer time)
		touch(t, "ws", "5", "a", view, time.Date(2025, 3, 30, 22, 30, 0, 0, time.UTC)), // 00:30 on the 31st
	)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		zone string
		loc  *time.Location
		want []int64 // events on the 28th to the 31st
	}{
		{"Europe/Paris", paris, []int64{1, 2, 1, 1}},
		{"UTC", time.UTC, []int64{2, 1, 2, 0}},
	} {
		f := report.Filter{From: time.Date(2025, 3, 28, 0, 0, 0, 0, tc.loc), To: time.Date(2025, 3, 31, 0, 0, 0, 0, tc.loc)}
		o, err := s.Overview(ctx, wsIn("ws", tc.zone, "USD"), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Series) != 1 || fmt.Sprint(o.Series[0].Counts) != fmt.Sprint(tc.want) {
			t.Errorf("%s: per day %+v, want %v", tc.zone, o.Series, tc.want)
		}
		// One day alone: Paris's 29th holds the two events of its own day.
		o, _ = s.Overview(ctx, wsIn("ws", tc.zone, "USD"), day(2025, 3, 29, tc.loc))
		if o.Events != tc.want[1] {
			t.Errorf("%s: the 29th alone has %d events, want %d", tc.zone, o.Events, tc.want[1])
		}
	}
}

// TestDaysAgreeWithGo: in every kind of zone (behind UTC, half-hour
// offsets, half-hour clock changes, a day ahead), the store puts each event
// on the day Go's zone rules give it, over a range that crosses a change of
// the clocks and for events around 1970 too.
func TestDaysAgreeWithGo(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	var msgs []event.Message
	var times []time.Time
	for i := 0; i < 400; i++ {
		// Every 5 h 7 min from 25 March, across Europe's and Lord Howe's
		// changes of the clocks (30 March, 6 April).
		at := time.Date(2025, 3, 25, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 307 * time.Minute)
		msgs = append(msgs, touch(t, "ws", fmt.Sprint(i), "a", `"type":"page"`, at))
		times = append(times, at)
	}
	early := time.Date(1970, 1, 1, 1, 30, 0, 0, time.UTC)
	msgs = append(msgs, touch(t, "old", "x", "a", `"type":"page"`, early))
	appendAll(t, s, msgs...)
	for _, zone := range []string{"UTC", "Europe/Paris", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Kiritimati", "America/St_Johns"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		f := report.Filter{From: time.Date(2025, 3, 26, 0, 0, 0, 0, loc), To: time.Date(2025, 4, 25, 0, 0, 0, 0, loc)}
		want := make([]int64, len(f.Days()))
		for _, at := range times {
			if at.Before(f.From) || !at.Before(f.End()) {
				continue
			}
			for i, d := range f.Days() {
				if at.In(loc).Format(time.DateOnly) == d.Format(time.DateOnly) {
					want[i]++
				}
			}
		}
		o, err := s.Overview(ctx, wsIn("ws", zone, "USD"), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Series) != 1 || fmt.Sprint(o.Series[0].Counts) != fmt.Sprint(want) {
			t.Errorf("%s: per day %v, want %v", zone, o.Series, want)
		}
		// 01:30 UTC on 1 January 1970 is still 31 December 1969 west of UTC.
		d := time.Date(early.In(loc).Year(), early.In(loc).Month(), early.In(loc).Day(), 0, 0, 0, 0, loc)
		o, err = s.Overview(ctx, wsIn("old", zone, "USD"), report.Filter{From: d.AddDate(0, 0, -1), To: d.AddDate(0, 0, 1)})
		if err != nil || len(o.Series) != 1 || fmt.Sprint(o.Series[0].Counts) != "[0 1 0]" {
			t.Errorf("%s: the event of 1970 around %v: %+v, %v", zone, d, o.Series, err)
		}
	}
}

// TestSkippedMidnight: where summer time starts at midnight (Santiago's
// clocks went from 00:00 to 01:00 on 6 September 2020), that day starts at
// one o'clock: a range given by its dates holds each day once, under its
// own date, and every event on the day its zone gives it.
func TestSkippedMidnight(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	view := `"type":"page"`
	appendAll(t, s,
		touch(t, "ws", "1", "a", view, time.Date(2020, 9, 6, 3, 30, 0, 0, time.UTC)), // 23:30 on the 5th, UTC-4
		touch(t, "ws", "2", "a", view, time.Date(2020, 9, 6, 4, 30, 0, 0, time.UTC)), // 01:30 on the 6th, UTC-3
		touch(t, "ws", "3", "a", view, time.Date(2020, 9, 7, 2, 30, 0, 0, time.UTC)), // 23:30 on the 6th
		touch(t, "ws", "4", "a", view, time.Date(2020, 9, 7, 3, 30, 0, 0, time.UTC)), // 00:30 on the 7th
	)
	ws := wsIn("ws", "America/Santiago", "USD")
	q := url.Values{"from": {"2020-09-05"}, "to": {"2020-09-07"}}
	f, _, err := report.ParseFilter(q, ws, time.Date(2020, 9, 10, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Overview(ctx, ws, f)
	if err != nil {
		t.Fatal(err)
	}
	var days []string
	for _, d := range o.Days {
		days = append(days, d.Format("2006-01-02 15:04"))
	}
	if want := "[2020-09-05 00:00 2020-09-06 01:00 2020-09-07 00:00]"; fmt.Sprint(days) != want {
		t.Errorf("days %v, want %s", days, want)
	}
	if len(o.Series) != 1 || fmt.Sprint(o.Series[0].Counts) != "[1 2 1]" || o.Events != 4 {
		t.Errorf("per day %+v (%d events), want [1 2 1]", o.Series, o.Events)
	}
}

// TestNearest: for an empty range, the newest event before it and the
// oldest after it, in the filter's channel.
func TestNearest(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	at := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 9, 0, 0, 0, time.UTC) }
	fb := `"type":"track","event":"Ad Impression","properties":{"platform":"facebook"},"context":{"campaign":{"source":"facebook","medium":"cpc"}}`
	appendAll(t, s,
		touch(t, "ws", "1", "a", `"type":"page"`, at(1, 5)),
		touch(t, "ws", "2", "a", fb, at(1, 20)),
		touch(t, "ws", "3", "a", `"type":"page"`, at(6, 1)),
		touch(t, "other", "4", "a", `"type":"page"`, at(3, 1)), // not this workspace's
	)
	f := report.Filter{From: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC)}
	n, err := s.Nearest(ctx, "ws", f)
	if err != nil || !n.Before.Equal(at(1, 20)) || !n.After.Equal(at(6, 1)) {
		t.Errorf("nearest = %+v, %v; want Jan 20 and Jun 1", n, err)
	}
	f.Channel = "facebook/paid"
	if n, _ = s.Nearest(ctx, "ws", f); !n.Before.Equal(at(1, 20)) || !n.After.IsZero() {
		t.Errorf("nearest facebook/paid = %+v; want Jan 20 and nothing after", n)
	}
}

// TestWorkspaceZoneAndCurrency: a new workspace starts in UTC and USD; both
// are saved and read back.
func TestWorkspaceZoneAndCurrency(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	created, err := workspace.New(s, nil, nil, workspace.Hooks{}).Create(ctx, "Acme", "product")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Workspace(ctx, created.ID)
	if err != nil || w.TimeZone != "UTC" || w.Currency != "USD" {
		t.Fatalf("new workspace %+v, %v; want UTC and USD", w, err)
	}
	w.TimeZone, w.Currency = "Asia/Kolkata", "INR"
	if err := s.UpdateWorkspace(ctx, w); err != nil {
		t.Fatal(err)
	}
	got, err := s.Workspace(ctx, w.ID)
	if err != nil || got.TimeZone != "Asia/Kolkata" || got.Currency != "INR" {
		t.Errorf("after update %+v, %v", got, err)
	}
	w.TimeZone = ""
	if err := s.UpdateWorkspace(ctx, w); err == nil {
		t.Error("a workspace was saved without a time zone")
	}
	w.TimeZone, w.Currency = "Asia/Kolkata", ""
	if err := s.UpdateWorkspace(ctx, w); err == nil {
		t.Error("a workspace was saved without a currency")
	}
	if got, err := s.Workspace(ctx, w.ID); err != nil || got.TimeZone != "Asia/Kolkata" || got.Currency != "INR" {
		t.Errorf("after refused updates %+v, %v; want Asia/Kolkata and INR kept", got, err)
	}
	bare := workspace.Workspace{ID: "ws_bare", Name: "Bare", BusinessType: "product", CreatedAt: created.CreatedAt}
	if err := s.CreateWorkspace(ctx, bare); err == nil {
		t.Error("a workspace was created without a time zone or a currency")
	}
	if _, err := s.Workspace(ctx, bare.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the refused workspace: %v, want ErrNotFound", err)
	}
}
