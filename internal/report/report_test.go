package report

import (
	"net/url"
	"testing"
	"time"

	"ripple/internal/fault"
	"ripple/internal/workspace"
)

func TestParseFilter(t *testing.T) {
	paris := workspace.Workspace{TimeZone: "Europe/Paris"}
	utc := workspace.Workspace{TimeZone: "UTC"}
	// 23:30 UTC on the 30th is already the 31st in Paris.
	now := time.Date(2025, 3, 30, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		q        string
		ws       workspace.Workspace
		from, to string // as dates in the workspace's zone
		channel  string
		field    string // of the error, if any
	}{
		{"", paris, "2025-03-02", "2025-03-31", "", ""},
		{"", utc, "2025-03-01", "2025-03-30", "", ""},
		{"from=2025-03-01&to=2025-03-07&channel=+facebook%2Fpaid+", paris, "2025-03-01", "2025-03-07", "facebook/paid", ""},
		{"to=2025-02-10", utc, "2025-01-12", "2025-02-10", "", ""},
		{"from=2025-03-20", utc, "2025-03-20", "2025-03-30", "", ""},
		{"from=yesterday", utc, "", "", "", "from"},
		{"to=2025-02-30", utc, "", "", "", "to"},
		{"from=2025-03-31&to=2025-03-01", utc, "", "", "", "from"},
		{"from=2020-01-01&to=2025-01-01", utc, "", "", "", "from"},
	} {
		q, _ := url.ParseQuery(tc.q)
		f, kept, err := ParseFilter(q, tc.ws, now)
		if tc.field != "" {
			if fe := fault.As(err); fe == nil || fe.Kind != fault.KindInvalid || fe.Field != tc.field {
				t.Errorf("%q: error %v, want one naming %s", tc.q, err, tc.field)
			}
			// The filter handed back is the default one, to show on the
			// page that says what is wrong.
			if f.To.Format(time.DateOnly) != tc.ws.Today(now).Format(time.DateOnly) || len(f.Days()) != DefaultDays {
				t.Errorf("%q: fallback %v to %v, want the %d days ending today", tc.q, f.From, f.To, DefaultDays)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		loc := tc.ws.Location()
		if f.From.Format(time.DateOnly) != tc.from || f.To.Format(time.DateOnly) != tc.to || f.Channel != tc.channel ||
			f.From.Location() != loc || f.From.Hour() != 0 || f.To.Hour() != 0 {
			t.Errorf("%q in %s: %v to %v channel %q; want midnights of %s to %s there, channel %q", tc.q, loc, f.From, f.To, f.Channel, tc.from, tc.to, tc.channel)
		}
		for _, k := range []string{"from", "to"} {
			if kept.Get(k) != q.Get(k) {
				t.Errorf("%q: kept %s %q, want %q as given", tc.q, k, kept.Get(k), q.Get(k))
			}
		}
	}
}

// TestDaysAcrossClockChange: a range over a change of the clocks still has
// one midnight a day, and ends at the midnight after its last day.
func TestDaysAcrossClockChange(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	f := Filter{From: time.Date(2025, 3, 29, 0, 0, 0, 0, loc), To: time.Date(2025, 3, 31, 0, 0, 0, 0, loc)}
	days := f.Days()
	if len(days) != 3 || days[1].Format("2006-01-02 15:04") != "2025-03-30 00:00" || days[2].Format("2006-01-02 15:04") != "2025-03-31 00:00" {
		t.Errorf("days = %v", days)
	}
	if end := f.End(); end.Format("2006-01-02 15:04 -0700") != "2025-04-01 00:00 +0200" {
		t.Errorf("end = %v", end)
	}
	if got := f.Last(7, f.To); got.From.Format(time.DateOnly) != "2025-03-25" || !got.To.Equal(f.To) {
		t.Errorf("the 7 days ending on the 31st: %v to %v", got.From, got.To)
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "from=2025-01-01&to=2025-01-31", "from=x", "to=9999-12-31", "from=0001-01-01&to=0001-01-02", "channel=%00"} {
		f.Add(s, "Europe/Paris")
	}
	f.Add("from=2025-03-30&to=2025-03-30", "America/Santiago")
	f.Add("to=2020-09-10", "America/Santiago") // the 30 days hold the 6th, whose midnight the clocks skipped
	now := time.Date(2025, 3, 30, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, query, zone string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		ws := workspace.Workspace{TimeZone: zone}
		fl, _, err := ParseFilter(q, ws, now)
		if err != nil {
			if fe := fault.As(err); fe == nil || fe.Kind != fault.KindInvalid || fe.Field == "" || fe.Reason == "" {
				t.Fatalf("%q: error %v names no field", query, err)
			}
		}
		if fl.From.After(fl.To) || fl.To.Sub(fl.From) > maxSpan || len(fl.Days()) > 733 {
			t.Fatalf("%q: filter %v to %v", query, fl.From, fl.To)
		}
		for _, d := range fl.Days() {
			if d.Hour() != 0 && d.Hour() != 1 { // a midnight the clocks skip is one o'clock
				t.Fatalf("%q: day %v is not at a midnight", query, d)
			}
		}
	})
}
