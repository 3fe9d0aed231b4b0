package workspace

import (
	"context"
	"time"

	"ripple/internal/access"
	"ripple/internal/clock"
)

// Key is a write key as listed: the secret itself is never stored, only its
// hash and a short hint to recognise it by.
type Key struct {
	ID          string
	WorkspaceID string
	Hint        string
	Name        string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// Member is a user's role in one workspace, with the names a page shows.
type Member struct {
	UserID        string
	WorkspaceID   string
	Role          access.Role
	Since         time.Time
	Email         string // of the user
	Name          string // of the user
	WorkspaceName string
}

// ChannelOverride is what a workspace says about one channel key; an empty
// field keeps what was derived from the events.
type ChannelOverride struct {
	WorkspaceID string
	Channel     string
	DisplayName string
	Platform    string
	Ownership   string
	UpdatedAt   time.Time
}

// Store is the storage the settings need. Lookups of what does not exist,
// and changes to it, fail with fault.ErrNotFound. *store.Store is one.
type Store interface {
	CreateWorkspace(ctx context.Context, w Workspace) error
	Workspace(ctx context.Context, id string) (Workspace, error)
	// Workspaces lists every workspace by name.
	Workspaces(ctx context.Context) ([]Workspace, error)
	UpdateWorkspace(ctx context.Context, w Workspace) error

	CreateWriteKey(ctx context.Context, k Key, hash string) error
	// WriteKeys lists a workspace's keys, newest first, revoked ones
	// included.
	WriteKeys(ctx context.Context, workspaceID string) ([]Key, error)
	// RevokeWriteKey stops one unrevoked key of the workspace's.
	RevokeWriteKey(ctx context.Context, workspaceID, keyID string, at time.Time) error

	// ChannelOverrides are a workspace's overrides by channel key.
	ChannelOverrides(ctx context.Context, workspaceID string) (map[string]ChannelOverride, error)
	// SetChannelOverride replaces the workspace's override of the channel.
	SetChannelOverride(ctx context.Context, o ChannelOverride) error

	// Members lists a workspace's members by email.
	Members(ctx context.Context, workspaceID string) ([]Member, error)
	// MembershipsOfUser lists the workspaces a user belongs to, by name.
	MembershipsOfUser(ctx context.Context, userID string) ([]Member, error)
	// ChangeMembers runs change in one transaction that no other change
	// of the workspace's members runs beside: what change reads of the
	// members stays true until it commits. An error from change rolls
	// everything back.
	ChangeMembers(ctx context.Context, workspaceID string, change func(MembersTx) error) error
}

// MembersTx is one workspace's members inside Store.ChangeMembers.
type MembersTx interface {
	Members(ctx context.Context) ([]Member, error)
	// AddMember makes a user a member; one already a member is
	// fault.ErrConflict.
	AddMember(ctx context.Context, userID string, role access.Role, at time.Time) error
	SetRole(ctx context.Context, userID string, role access.Role) error
	RemoveMember(ctx context.Context, userID string) error
	// RevokeTokens stops every API token the user holds for the
	// workspace.
	RevokeTokens(ctx context.Context, userID string, at time.Time) error
	// EndSessions signs the user out everywhere.
	EndSessions(ctx context.Context, userID string) error
}

// Accounts is what the settings need of people's accounts, to add someone
// by email; *access.Auth is one.
type Accounts interface {
	UserByEmail(ctx context.Context, email string) (access.User, error)
	CreateUser(ctx context.Context, email, name, password string) (access.User, error)
}

// Hooks are told of changes that caches elsewhere hold on to. Nil hooks
// are skipped.
type Hooks struct {
	// KeysChanged follows a revoked write key: the collection API forgets
	// the keys it remembers.
	KeysChanged func()
	// ChannelsChanged follows a changed channel override of the workspace.
	ChannelsChanged func(workspaceID string)
}

// Settings reads and changes workspaces' settings under their rules.
type Settings struct {
	st       Store
	accounts Accounts
	now      func() time.Time
	hooks    Hooks
}

// New returns the settings over st. accounts may be nil where nobody is
// added by email (a benchmark, a test); now is the clock.
func New(st Store, accounts Accounts, now func() time.Time, hooks Hooks) *Settings {
	return &Settings{st: st, accounts: accounts, now: clock.Or(now), hooks: hooks}
}
