package workspace

import (
	"strings"
	"testing"
	"time"
)

func TestParseTimeZone(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"Europe/Paris", "Europe/Paris", ""},
		{" America/New_York ", "America/New_York", ""},
		{"UTC", "UTC", ""},
		{"", "", "is required"},
		{"Local", "", "not an IANA time zone"},
		{"Mars/Olympus_Mons", "", "not an IANA time zone"},
		{"../../etc/passwd", "", "not an IANA time zone"},
		{"+02:00", "", "not an IANA time zone"},
	} {
		have, err := ParseTimeZone(tc.in)
		if tc.err == "" && (err != nil || have != tc.want) {
			t.Errorf("ParseTimeZone(%q) = %q, %v; want %q", tc.in, have, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseTimeZone(%q) = %q, %v; want an error saying %q", tc.in, have, err, tc.err)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"EUR", "EUR", ""},
		{" usd", "USD", ""},
		{"jpy", "JPY", ""},
		{"", "", "is required"},
		{"EURO", "", "not an ISO 4217"},
		{"XAU", "", "not an ISO 4217"}, // gold: nothing is sold in it
		{"ABC", "", "not an ISO 4217"},
		{"€", "", "not an ISO 4217"},
	} {
		have, err := ParseCurrency(tc.in)
		if tc.err == "" && (err != nil || have != tc.want) {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q", tc.in, have, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseCurrency(%q) = %q, %v; want an error saying %q", tc.in, have, err, tc.err)
		}
	}
	if cs := Currencies(); len(cs) < 150 || cs[0] != "AED" {
		t.Errorf("Currencies() = %d codes starting %v", len(cs), cs[:1])
	}
}

// TestToday: a workspace's day turns at its own midnight, not at UTC's.
func TestToday(t *testing.T) {
	now := time.Date(2025, 3, 30, 23, 30, 0, 0, time.UTC) // already the 31st in Paris
	for _, tc := range []struct {
		zone string
		want string
	}{{"UTC", "2025-03-30"}, {"Europe/Paris", "2025-03-31"}, {"America/Los_Angeles", "2025-03-30"}, {"Pacific/Kiritimati", "2025-03-31"}} {
		d := Workspace{TimeZone: tc.zone}.Today(now)
		if d.Format(time.DateOnly) != tc.want || d.Hour() != 0 || d.Location().String() != tc.zone {
			t.Errorf("Today in %s = %v, want midnight of %s there", tc.zone, d, tc.want)
		}
	}
	// Santiago's clocks skipped from 00:00 to 01:00 on 6 September 2020:
	// that day starts at one o'clock, and the days around it at midnight.
	santiago := Workspace{TimeZone: "America/Santiago"}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2020, 9, 6, 15, 0, 0, 0, time.UTC), "2020-09-06 01:00 -03"},
		{time.Date(2020, 9, 6, 3, 0, 0, 0, time.UTC), "2020-09-05 00:00 -04"},
		{time.Date(2020, 9, 7, 15, 0, 0, 0, time.UTC), "2020-09-07 00:00 -03"},
	} {
		if d := santiago.Today(tc.now); d.Format("2006-01-02 15:04 -07") != tc.want {
			t.Errorf("Today in Santiago at %v = %v, want %s", tc.now, d, tc.want)
		}
	}
	if loc := (Workspace{}).Location(); loc != time.UTC {
		t.Errorf("a workspace without a zone is in %v, want UTC", loc)
	}
}

func FuzzParseTimeZone(f *testing.F) {
	for _, s := range []string{"Europe/Paris", "UTC", "Local", "", "../x", "America/Argentina/Buenos_Aires"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := ParseTimeZone(s)
		if err != nil {
			return
		}
		if name != strings.TrimSpace(s) || name == "Local" {
			t.Fatalf("ParseTimeZone(%q) = %q", s, name)
		}
		if (Workspace{TimeZone: name}).Location() == nil {
			t.Fatalf("zone %q was accepted but does not load", name)
		}
	})
}

func FuzzParseCurrency(f *testing.F) {
	for _, s := range []string{"EUR", "usd", "", "EURO", "XAU"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCurrency(s)
		if err != nil {
			return
		}
		if len(c) != 3 || strings.ToUpper(c) != c || !isCurrency(c) {
			t.Fatalf("ParseCurrency(%q) = %q", s, c)
		}
	})
}
