// Package event owns Ripple's touchpoint model: the Segment message as it is
// received, and what Ripple derives from it (channel, stage, revenue, text).
// Parsing and validation of one message live here so that the collection API
// and file imports accept and reject exactly the same input.
package event

import (
	"encoding/json"
	"time"

	"ripple/internal/channel"
)

// Type is the Segment call a message came from.
type Type string

// The Segment spec's message types.
const (
	Identify Type = "identify"
	Track    Type = "track"
	Page     Type = "page"
	Screen   Type = "screen"
	Group    Type = "group"
	Alias    Type = "alias"
)

// Valid reports whether t is one of the Segment spec's types.
func (t Type) Valid() bool {
	switch t {
	case Identify, Track, Page, Screen, Group, Alias:
		return true
	}
	return false
}

// Message is one stored touchpoint: a Segment message plus what Ripple
// derived from it. Properties, Traits and Context are kept as the raw JSON the
// client sent, so nothing is lost and nothing is decoded twice.
type Message struct {
	Workspace   string // workspace id, set by the collector from the write key
	MessageID   string
	Type        Type
	UserID      string
	AnonymousID string
	PreviousID  string // alias: the id being merged into UserID
	GroupID     string // group: the account
	Event       string // track: the event name
	Name        string // page/screen: the page name

	// Timestamp is when the event happened, corrected for the client's clock
	// skew the way Segment does: receivedAt - (sentAt - originalTimestamp).
	Timestamp         time.Time
	OriginalTimestamp time.Time
	SentAt            time.Time
	ReceivedAt        time.Time

	Properties json.RawMessage
	Traits     json.RawMessage
	Context    json.RawMessage

	Channel  channel.Channel
	Stage    Stage
	Revenue  float64 // properties.revenue, .total or .value of a purchase, in the event's currency
	Currency string
	Text     string // what the person wrote: a mention, comment, review, message

	// Profile is the identity profile the message resolved to when it was
	// ingested (see package identity), 0 when none: a profile merged later
	// is found through the store's identity overrides, never by rewriting
	// the message.
	Profile int64

	// extract is what Parse already read from Properties and Context, so
	// Enrich need not decode them again; nil when they must be. Enrich
	// returns it to a pool: enrich a message once, never a copy of it too.
	extract *extract
}

// PersonKey is the identifier a message is attributed to before identities
// are merged: the user id when known, else the anonymous id. The touchpoints
// view derives the same in SQL, as coalesce(user_id, anonymous_id).
func (m *Message) PersonKey() string {
	if m.UserID != "" {
		return m.UserID
	}
	return m.AnonymousID
}
