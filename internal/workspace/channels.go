package workspace

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"ripple/internal/access"
	"ripple/internal/fault"
)

// Ownerships are the values a channel's ownership may take.
var Ownerships = []string{"owned", "earned", "paid"}

// ChannelPatch corrects what was derived of a channel: its display name,
// platform and ownership. A nil field stays as it was; an empty one goes
// back to what the events say.
type ChannelPatch struct {
	Name      *string
	Platform  *string
	Ownership *string
}

// PatchChannel applies p to the actor's workspace's override of the channel
// key and returns the override as saved.
func (s *Settings) PatchChannel(ctx context.Context, a access.Actor, key string, p ChannelPatch) (ChannelOverride, error) {
	if err := manage(a); err != nil {
		return ChannelOverride{}, err
	}
	key = strings.TrimSpace(key)
	if key == "" || !strings.Contains(key, "/") {
		return ChannelOverride{}, fault.Invalid("channel", "is a channel key like facebook/paid")
	}
	overrides, err := s.st.ChannelOverrides(ctx, a.Workspace)
	if err != nil {
		return ChannelOverride{}, err
	}
	o := overrides[key]
	o.WorkspaceID, o.Channel, o.UpdatedAt = a.Workspace, key, s.now().UTC()
	if p.Name != nil {
		o.DisplayName = strings.TrimSpace(*p.Name)
	}
	if p.Platform != nil {
		o.Platform = strings.ToLower(strings.TrimSpace(*p.Platform))
	}
	if p.Ownership != nil {
		o.Ownership = strings.TrimSpace(*p.Ownership)
	}
	if len(o.DisplayName) > maxLabel {
		return ChannelOverride{}, fault.Invalid("name", fmt.Sprintf("is %d characters at most", maxLabel))
	}
	if o.Ownership != "" && !slices.Contains(Ownerships, o.Ownership) {
		return ChannelOverride{}, fault.Invalid("ownership", "is owned, earned or paid")
	}
	for _, ch := range o.Platform {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return ChannelOverride{}, fault.Invalid("platform", "is a lower-case name like facebook or search")
		}
	}
	if err := s.st.SetChannelOverride(ctx, o); err != nil {
		return ChannelOverride{}, err
	}
	if s.hooks.ChannelsChanged != nil {
		s.hooks.ChannelsChanged(a.Workspace)
	}
	return o, nil
}
