// Package workspace owns what a workspace is: a tenant, one business, with
// the time zone its days are counted in and the currency its money is
// reported in. It holds no storage: the store keeps workspaces, and reads
// and settings pass them around as this type.
package workspace

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Workspace is a tenant: one business and everything collected for it.
type Workspace struct {
	ID           string
	Name         string
	BusinessType string // product or service
	// TimeZone is an IANA zone name such as Europe/Paris: reports count
	// days, and date ranges start and end, at midnight there.
	TimeZone string
	// Currency is the ISO 4217 code money is reported in; purchases in
	// another currency are shown apart, never converted.
	Currency  string
	CreatedAt time.Time
}

// The settings a workspace starts with. USD is Segment's default currency
// for a purchase that names none.
const (
	DefaultTimeZone = "UTC"
	DefaultCurrency = "USD"
)

// Location is the workspace's time zone; UTC when it names none. A zone is
// checked by ParseTimeZone before it is stored, and Ripple carries its own
// copy of the zone database, so a stored zone always loads.
func (w Workspace) Location() *time.Location {
	loc, err := loadZone(w.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Today is the workspace's current day at now: midnight at its start, in
// the workspace's zone.
func (w Workspace) Today(now time.Time) time.Time {
	return Midnight(now.In(w.Location()))
}

// Midnight is the start of t's day in t's location.
func Midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// zones caches loaded zones by name: loading reads and parses a file of the
// zone database, and every page of a workspace asks for its zone.
var zones sync.Map // name -> *time.Location

func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// ParseTimeZone checks an IANA time zone name (Europe/Paris, America/New_York,
// UTC) and returns it as it is stored. The error is the reason, for a
// message that names the field.
func ParseTimeZone(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("is required: an IANA time zone such as Europe/Paris or UTC")
	}
	// "Local" is whatever zone the server runs in, not a place.
	if name == "Local" {
		return "", fmt.Errorf("%q is not an IANA time zone: name the place, such as Europe/Paris", name)
	}
	if _, err := loadZone(name); err != nil {
		return "", fmt.Errorf("%q is not an IANA time zone such as Europe/Paris or America/New_York", name)
	}
	return name, nil
}

// ParseCurrency checks an ISO 4217 currency code (EUR, usd) and returns it
// upper-case, as it is stored.
func ParseCurrency(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "" {
		return "", fmt.Errorf("is required: an ISO 4217 code such as EUR or USD")
	}
	if !isCurrency(c) {
		return "", fmt.Errorf("%q is not an ISO 4217 currency code such as EUR or USD", code)
	}
	return c, nil
}

// Currencies lists the ISO 4217 codes a workspace may report in, in order.
func Currencies() []string { return slices.Clone(currencies[:]) }

func isCurrency(c string) bool {
	_, found := slices.BinarySearch(currencies[:], c)
	return found
}

// currencies are the ISO 4217 codes of money in circulation, sorted,
// including those being replaced (ANG, SLL, ZWL) so that data from before a
// change still has a home. Funds, precious metals and the test and "no
// currency" codes are left out: nothing is sold in them.
var currencies = [...]string{
	"AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
	"BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
	"CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
	"GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
	"JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
	"LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
	"NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
	"RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC",
	"SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
	"VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
}
