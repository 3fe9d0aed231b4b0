package workspace

import (
	"context"
	"fmt"
	"strings"

	"ripple/internal/access"
	"ripple/internal/fault"
)

// maxLabel is the longest label of a key or a channel.
const maxLabel = 80

// Keys lists the actor's workspace's write keys, newest first.
func (s *Settings) Keys(ctx context.Context, a access.Actor) ([]Key, error) {
	if err := manage(a); err != nil {
		return nil, err
	}
	return s.st.WriteKeys(ctx, a.Workspace)
}

// CreateKey makes a write key for the actor's workspace and returns its
// secret, which is shown once and never stored.
func (s *Settings) CreateKey(ctx context.Context, a access.Actor, name string) (Key, string, error) {
	if err := manage(a); err != nil {
		return Key{}, "", err
	}
	name = strings.TrimSpace(name)
	if len(name) > maxLabel {
		return Key{}, "", fault.Invalid("name", fmt.Sprintf("is %d characters at most", maxLabel))
	}
	if _, err := s.st.Workspace(ctx, a.Workspace); err != nil {
		return Key{}, "", err
	}
	secret := access.NewSecret("rk", 24)
	k := Key{ID: access.NewID("key"), WorkspaceID: a.Workspace, Hint: secret[:7] + "…" + secret[len(secret)-4:],
		Name: name, CreatedAt: s.now().UTC()}
	if err := s.st.CreateWriteKey(ctx, k, access.HashSecret(secret)); err != nil {
		return Key{}, "", err
	}
	return k, secret, nil
}

// RevokeKey stops one of the actor's workspace's keys from authenticating;
// a key of another workspace is fault.ErrNotFound, as if it did not exist.
func (s *Settings) RevokeKey(ctx context.Context, a access.Actor, keyID string) error {
	if err := manage(a); err != nil {
		return err
	}
	if err := s.st.RevokeWriteKey(ctx, a.Workspace, keyID, s.now().UTC()); err != nil {
		return err
	}
	if s.hooks.KeysChanged != nil {
		s.hooks.KeysChanged()
	}
	return nil
}
