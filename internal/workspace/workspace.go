// Package workspace owns what a workspace is: a tenant, one business, with
// the time zone its days are counted in and the currency its money is
// reported in; and its settings with the rules for changing them: its name
// and business type, zone and currency, its write keys, its members and
// their roles, and its overrides of derived channels. Each change is made by
// an access.Actor and checked here, once, whichever adapter (the web app,
// the REST API, the command line) asked. It holds no SQL: it declares the
// storage it needs (Store), which the store implements.
package workspace

import "time"

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
