package workspace

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"ripple/internal/access"
	"ripple/internal/fault"
)

// errLastOwner refuses a change that would leave a workspace without
// anyone who can manage it.
var errLastOwner = fault.Conflict("the workspace's last owner cannot be removed or demoted; make someone else owner first")

// Members lists the actor's workspace's members, by email.
func (s *Settings) Members(ctx context.Context, a access.Actor) ([]Member, error) {
	if err := manage(a); err != nil {
		return nil, err
	}
	return s.st.Members(ctx, a.Workspace)
}

// MembershipsOf lists the workspaces the user belongs to, by name, with
// the user's role in each: what the user may switch between.
func (s *Settings) MembershipsOf(ctx context.Context, userID string) ([]Member, error) {
	return s.st.MembershipsOfUser(ctx, userID)
}

// GrantableRoles are the roles the actor may give a member, most powerful
// first: none unless it manages the workspace, and none above its own.
// Pages offer these and no others; Add and ChangeRole refuse the rest.
func GrantableRoles(a access.Actor) []access.Role {
	if manage(a) != nil {
		return nil
	}
	return a.Role.Covered()
}

// Add makes the person with the email a member of the actor's workspace with
// role, creating their account when the email is new; the generated password
// is returned for a new account only, to be handed over once. Someone who is
// already a member is refused, never silently given another role.
func (s *Settings) Add(ctx context.Context, a access.Actor, email, name, role string) (Member, string, error) {
	r, err := s.grantable(a, role)
	if err != nil {
		return Member{}, "", err
	}
	if s.accounts == nil {
		return Member{}, "", errors.New("workspace: add member: no accounts to find people in")
	}
	if _, err := s.st.Workspace(ctx, a.Workspace); err != nil {
		return Member{}, "", err
	}
	u, err := s.accounts.UserByEmail(ctx, email)
	var password string
	if errors.Is(err, fault.ErrNotFound) {
		password = access.GeneratePassword()
		u, err = s.accounts.CreateUser(ctx, email, name, password)
		if errors.Is(err, fault.ErrConflict) { // the account was made meanwhile
			password = ""
			u, err = s.accounts.UserByEmail(ctx, email)
		}
	}
	if err != nil {
		return Member{}, "", err
	}
	var added Member
	err = s.st.ChangeMembers(ctx, a.Workspace, func(tx MembersTx) error {
		ms, err := tx.Members(ctx)
		if err != nil {
			return err
		}
		if err := actorIn(ms, a); err != nil {
			return err
		}
		if m, ok := find(ms, u.ID); ok {
			return fault.Conflict(fmt.Sprintf("%s is already a member of this workspace, as %s: change their role instead of adding them again", m.Email, m.Role))
		}
		if err := tx.AddMember(ctx, u.ID, r, s.now().UTC()); err != nil {
			return err
		}
		if ms, err = tx.Members(ctx); err != nil {
			return err
		}
		added, _ = find(ms, u.ID)
		return nil
	})
	if err != nil {
		return Member{}, "", err
	}
	return added, password, nil
}

// ChangeRole gives a member of the actor's workspace another role and
// returns the membership as it now is. It never adds a member: a user who
// is not one is fault.ErrNotFound, so a role change cannot pull anyone into
// a workspace.
func (s *Settings) ChangeRole(ctx context.Context, a access.Actor, userID, role string) (Member, error) {
	var changed Member
	err := s.st.ChangeMembers(ctx, a.Workspace, func(tx MembersTx) error {
		m, ms, err := s.member(ctx, tx, a, userID)
		if err != nil {
			return err
		}
		r, err := s.grantable(a, role)
		if err != nil {
			return err
		}
		if err := keepsAnOwner(ms, userID, r); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, userID, r); err != nil {
			return err
		}
		m.Role = r
		changed = m
		return nil
	})
	return changed, err
}

// Remove takes a member out of the actor's workspace: their API tokens for
// it are revoked and their sessions end, so a removed user is signed out at
// once.
func (s *Settings) Remove(ctx context.Context, a access.Actor, userID string) error {
	return s.st.ChangeMembers(ctx, a.Workspace, func(tx MembersTx) error {
		if _, ms, err := s.member(ctx, tx, a, userID); err != nil {
			return err
		} else if err := keepsAnOwner(ms, userID, ""); err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, userID); err != nil {
			return err
		}
		if err := tx.RevokeTokens(ctx, userID, s.now().UTC()); err != nil {
			return err
		}
		return tx.EndSessions(ctx, userID)
	})
}

// member finds, inside a change, the member the actor is changing, after
// checking that the actor may: manage the workspace as it stands now, and
// hold at least the member's role.
func (s *Settings) member(ctx context.Context, tx MembersTx, a access.Actor, userID string) (Member, []Member, error) {
	ms, err := tx.Members(ctx)
	if err != nil {
		return Member{}, nil, err
	}
	if err := actorIn(ms, a); err != nil {
		return Member{}, nil, err
	}
	m, ok := find(ms, userID)
	if !ok {
		return Member{}, nil, fmt.Errorf("member %q: %w", userID, fault.ErrNotFound)
	}
	if !a.Role.Covers(m.Role) {
		return Member{}, nil, fault.Forbidden("your role cannot change a member whose role (" + string(m.Role) + ") is above it")
	}
	return m, ms, nil
}

// grantable parses role and refuses one the actor may not give.
func (s *Settings) grantable(a access.Actor, role string) (access.Role, error) {
	if err := manage(a); err != nil {
		return "", err
	}
	r, err := access.ParseRole(role)
	if err != nil {
		return "", err
	}
	if !slices.Contains(GrantableRoles(a), r) {
		return "", fault.Forbidden("your role (" + string(a.Role) + ") cannot give the role " + string(r))
	}
	return r, nil
}

// actorIn checks, against the members as they are inside a change, that a
// member actor still is one with at least the role it acts with: a page or
// token from before a demotion acts with what is left. The operator is no
// member and needs none of this.
func actorIn(ms []Member, a access.Actor) error {
	if a.IsOperator() {
		return nil
	}
	m, ok := find(ms, a.User.ID)
	if !ok {
		return fmt.Errorf("workspace %q: %w", a.Workspace, fault.ErrNotFound)
	}
	if !m.Role.Covers(a.Role) {
		return fault.ErrForbidden
	}
	return manage(a)
}

// keepsAnOwner refuses to give userID the role (none: removed) when they
// are an owner and the members would be left without one.
func keepsAnOwner(ms []Member, userID string, role access.Role) error {
	if m, _ := find(ms, userID); m.Role != access.Owner {
		return nil
	}
	owners := 0
	for _, m := range ms {
		if m.UserID == userID {
			if role == access.Owner {
				owners++
			}
		} else if m.Role == access.Owner {
			owners++
		}
	}
	if owners == 0 {
		return errLastOwner
	}
	return nil
}

func find(ms []Member, userID string) (Member, bool) {
	for _, m := range ms {
		if m.UserID == userID {
			return m, true
		}
	}
	return Member{}, false
}
