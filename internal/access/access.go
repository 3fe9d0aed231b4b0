// Package access owns who may do what in Ripple: users and their argon2id
// passwords, roles per workspace and what each role permits, web sessions
// with their CSRF tokens, personal API tokens, and the sign-in rate limit.
// It holds no SQL and knows nothing of HTTP: it declares the storage it
// needs (Store), and the web app and the REST API ask it.
package access

import (
	"fmt"
	"time"

	"ripple/internal/fault"
)

// Role is what a user may do in one workspace.
type Role string

// The four roles. Owner does everything; analyst reads everything and builds
// reports and audiences; responder works the inbox and replies (the rules of
// engagement: not everyone answers the public); viewer reads dashboards.
const (
	Owner     Role = "owner"
	Analyst   Role = "analyst"
	Responder Role = "responder"
	Viewer    Role = "viewer"
)

// Roles lists the roles, most powerful first.
var Roles = []Role{Owner, Analyst, Responder, Viewer}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fault.Invalid("role", fmt.Sprintf("%q is not owner, analyst, responder or viewer", s))
}

// Permission is one kind of action a page or API call needs.
type Permission int

// The permissions a role may hold.
const (
	ViewReports     Permission = iota + 1 // dashboards: overview, journey, listening, plan, value, advocacy, audiences
	ViewInbox                             // read conversations
	Reply                                 // answer the public
	BuildAudiences                        // build reports and audiences
	ManageWorkspace                       // settings: name, keys, users, channels
)

var grants = map[Role][]Permission{
	Owner:     {ViewReports, ViewInbox, Reply, BuildAudiences, ManageWorkspace},
	Analyst:   {ViewReports, ViewInbox, BuildAudiences},
	Responder: {ViewInbox, Reply},
	Viewer:    {ViewReports},
}

// Can reports whether the role holds p.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Covers reports whether a holder of r may hand out other (to a token or a
// member): it must not give more than it has.
func (r Role) Covers(other Role) bool {
	for _, p := range grants[other] {
		if !r.Can(p) {
			return false
		}
	}
	_, ok := grants[other]
	return ok
}

// Covered lists, most powerful first, the roles r may hand out.
func (r Role) Covered() []Role {
	var out []Role
	for _, o := range Roles {
		if r.Covers(o) {
			out = append(out, o)
		}
	}
	return out
}

// User is a person who signs in. The password hash never leaves the store
// and this package.
type User struct {
	ID        string
	Email     string
	Name      string
	CreatedAt time.Time
}

// Session is a signed-in browser. Its secret lives in the cookie only; the
// store keeps its hash.
type Session struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is a personal API token as listed; its secret is never stored.
type Token struct {
	ID          string
	UserID      string
	WorkspaceID string
	Role        Role
	Name        string
	Hint        string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// Principal is who is calling: a user, and for an API token the workspace
// and role the token is limited to.
type Principal struct {
	User User
	// Workspace and Role are set for an API token only: a web session takes
	// its role from the workspace in the URL.
	Workspace string
	Role      Role
}

// ViaToken reports whether the principal is an API token rather than a
// web session.
func (p Principal) ViaToken() bool { return p.Workspace != "" }

// Actor is who does something in one workspace, and the role they do it
// with: a web session's member role there, or an API token's role. The
// rules of the domain packages are written against an Actor.
type Actor struct {
	User      User
	Workspace string
	Role      Role
	operator  bool
}

// As is the principal acting in a workspace with a role: for a web
// session, the user's role as a member; an API token acts with its own.
func (p Principal) As(workspace string, role Role) Actor {
	if p.ViaToken() {
		workspace, role = p.Workspace, p.Role
	}
	return Actor{User: p.User, Workspace: workspace, Role: role}
}

// Operator is whoever runs Ripple's command line on the data directory
// itself: they could edit the database, so they act as an owner of any
// workspace without being a member. Rules about the workspace itself (it
// keeps an owner) still hold for them.
func Operator(workspace string) Actor {
	return Actor{Workspace: workspace, Role: Owner, operator: true}
}

// IsOperator reports whether the actor is the command line's Operator.
func (a Actor) IsOperator() bool { return a.operator }

// Can reports whether the actor may do p in its workspace.
func (a Actor) Can(p Permission) bool { return a.Role.Can(p) }

// ErrBadCredentials refuses a sign-in whose email or password is wrong;
// which one is never said.
var ErrBadCredentials = fault.Unauthenticated("the email or the password is wrong")

const rateLimitedReason = "too many failed sign-ins: wait a few minutes and try again"
