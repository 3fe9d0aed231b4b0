package access

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"ripple/internal/report"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// User is a person who signs in, without the password hash.
type User struct {
	ID        string
	Email     string
	Name      string
	CreatedAt time.Time
}

func userOf(u store.User) User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, CreatedAt: u.CreatedAt}
}

// CreateUser creates a user who signs in with email and password; the
// password is stored only as an argon2id hash.
func CreateUser(ctx context.Context, st *store.Store, email, name, password string) (User, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return User{}, &InvalidError{Field: "email", Reason: fmt.Sprintf("%q is not an email address", email)}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u := store.User{ID: store.NewID("usr"), Email: email, Name: strings.TrimSpace(name), PasswordHash: hash, CreatedAt: time.Now().UTC()}
	if err := st.CreateUser(ctx, u); err != nil {
		return User{}, err
	}
	return userOf(u), nil
}

// Grant gives the user role in the workspace, replacing any earlier role.
// Taking the last owner's ownership away is refused: a workspace must keep
// someone who can manage it.
func Grant(ctx context.Context, st *store.Store, userID, workspaceID string, role Role) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	if _, err := st.UserByID(ctx, userID); err != nil {
		return err
	}
	if _, err := st.Workspace(ctx, workspaceID); err != nil {
		return err
	}
	if role != Owner {
		if err := keepAnOwner(ctx, st, userID, workspaceID); err != nil {
			return err
		}
	}
	return st.SetMembership(ctx, userID, workspaceID, string(role))
}

// ChangeRole sets the role of a user who is already a member of the
// workspace and returns the membership as it now is. It never adds a
// member: an id from elsewhere gets store.ErrNotFound, so a role change
// cannot pull a user into a workspace.
func ChangeRole(ctx context.Context, st *store.Store, userID, workspaceID, role string) (store.Membership, error) {
	m, err := st.Membership(ctx, userID, workspaceID)
	if err != nil {
		return store.Membership{}, err
	}
	r, err := ParseRole(role)
	if err != nil {
		return store.Membership{}, err
	}
	if r != Owner {
		if err := keepAnOwner(ctx, st, userID, workspaceID); err != nil {
			return store.Membership{}, err
		}
	}
	if err := st.SetMembership(ctx, userID, workspaceID, string(r)); err != nil {
		return store.Membership{}, err
	}
	m.Role = string(r)
	return m, nil
}

// RemoveMember takes the user out of the workspace: their tokens for it are
// revoked and their sessions end, so a removed user is signed out at once.
func RemoveMember(ctx context.Context, st *store.Store, userID, workspaceID string) error {
	if err := keepAnOwner(ctx, st, userID, workspaceID); err != nil {
		return err
	}
	if err := st.RemoveMembership(ctx, userID, workspaceID); err != nil {
		return err
	}
	if err := st.RevokeAPITokensIn(ctx, userID, workspaceID); err != nil {
		return err
	}
	return st.DeleteUserSessions(ctx, userID)
}

// keepAnOwner refuses a change that would leave the workspace without an
// owner when userID is its only one.
func keepAnOwner(ctx context.Context, st *store.Store, userID, workspaceID string) error {
	ms, err := st.Members(ctx, workspaceID)
	if err != nil {
		return err
	}
	owners, isOwner := 0, false
	for _, m := range ms {
		if m.Role == string(Owner) {
			owners++
			isOwner = isOwner || m.UserID == userID
		}
	}
	if isOwner && owners == 1 {
		return &InvalidError{Field: "role", Reason: "the workspace's last owner cannot be removed or demoted; make someone else owner first"}
	}
	return nil
}

// RoleIn is the user's role in the workspace; no membership is ErrNotFound,
// so a workspace one is not in looks like one that does not exist.
func RoleIn(ctx context.Context, st *store.Store, userID, workspaceID string) (Role, error) {
	m, err := st.Membership(ctx, userID, workspaceID)
	if err != nil {
		return "", err
	}
	return Role(m.Role), nil
}

// Invite adds the person with email to the workspace with role, creating the
// user when the email is new. The generated password is returned only for a
// new user, to be handed over once.
func Invite(ctx context.Context, st *store.Store, workspaceID, email, name string, role Role) (User, string, error) {
	if _, err := ParseRole(string(role)); err != nil {
		return User{}, "", err
	}
	var password string
	su, err := st.UserByEmail(ctx, email)
	var u User
	switch {
	case errors.Is(err, store.ErrNotFound):
		password = GeneratePassword()
		if u, err = CreateUser(ctx, st, email, name, password); err != nil {
			return User{}, "", err
		}
	case err != nil:
		return User{}, "", err
	default:
		u = userOf(su)
	}
	if err := Grant(ctx, st, u.ID, workspaceID, role); err != nil {
		return User{}, "", err
	}
	return u, password, nil
}

// UpdateWorkspace validates and saves a workspace's name, business type,
// time zone and reporting currency; an error names the field at fault.
func UpdateWorkspace(ctx context.Context, st *store.Store, ws workspace.Workspace) error {
	ws.Name = strings.TrimSpace(ws.Name)
	if ws.Name == "" {
		return &InvalidError{Field: "name", Reason: "is required"}
	}
	if len(ws.Name) > 120 {
		return &InvalidError{Field: "name", Reason: "is 120 characters at most"}
	}
	if ws.BusinessType != "product" && ws.BusinessType != "service" {
		return &InvalidError{Field: "business_type", Reason: "is product or service"}
	}
	var err error
	if ws.TimeZone, err = workspace.ParseTimeZone(ws.TimeZone); err != nil {
		return &InvalidError{Field: "time_zone", Reason: err.Error()}
	}
	if ws.Currency, err = workspace.ParseCurrency(ws.Currency); err != nil {
		return &InvalidError{Field: "currency", Reason: err.Error()}
	}
	return st.UpdateWorkspace(ctx, ws)
}

// SetChannel validates and stores a workspace's override of one channel:
// its display name, platform and ownership (empty keeps the derived value).
func SetChannel(ctx context.Context, st *store.Store, o store.ChannelOverride) error {
	o.Channel = strings.TrimSpace(o.Channel)
	o.DisplayName = strings.TrimSpace(o.DisplayName)
	o.Platform = strings.ToLower(strings.TrimSpace(o.Platform))
	o.Ownership = strings.TrimSpace(o.Ownership)
	if o.Channel == "" || !strings.Contains(o.Channel, "/") {
		return &InvalidError{Field: "channel", Reason: "is a channel key like facebook/paid"}
	}
	if len(o.DisplayName) > 80 {
		return &InvalidError{Field: "name", Reason: "is 80 characters at most"}
	}
	if o.Ownership != "" && !slices.Contains(report.Ownerships, o.Ownership) {
		return &InvalidError{Field: "ownership", Reason: "is owned, earned or paid"}
	}
	for _, ch := range o.Platform {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return &InvalidError{Field: "platform", Reason: "is a lower-case name like facebook or search"}
		}
	}
	return st.SetChannelOverride(ctx, o)
}
