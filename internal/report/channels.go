package report

import (
	"context"
	"strings"

	"ripple/internal/access"
	"ripple/internal/store"
)

// Ownerships are the values a channel's ownership may take.
var Ownerships = []string{"owned", "earned", "paid"}

// SetChannel validates and stores a workspace's override of one channel:
// its display name, platform and ownership (empty keeps the derived value).
func SetChannel(ctx context.Context, st *store.Store, o store.ChannelOverride) error {
	o.Channel = strings.TrimSpace(o.Channel)
	o.DisplayName = strings.TrimSpace(o.DisplayName)
	o.Platform = strings.ToLower(strings.TrimSpace(o.Platform))
	o.Ownership = strings.TrimSpace(o.Ownership)
	if o.Channel == "" || !strings.Contains(o.Channel, "/") {
		return &access.InvalidError{Field: "channel", Reason: "is a channel key like facebook/paid"}
	}
	if len(o.DisplayName) > 80 {
		return &access.InvalidError{Field: "name", Reason: "is 80 characters at most"}
	}
	if o.Ownership != "" {
		ok := false
		for _, v := range Ownerships {
			ok = ok || v == o.Ownership
		}
		if !ok {
			return &access.InvalidError{Field: "ownership", Reason: "is owned, earned or paid"}
		}
	}
	for _, ch := range o.Platform {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return &access.InvalidError{Field: "platform", Reason: "is a lower-case name like facebook or search"}
		}
	}
	return st.SetChannelOverride(ctx, o)
}
