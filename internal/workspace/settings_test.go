package workspace_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/clock"
	"ripple/internal/fault"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// world is a real store on a fake clock, with a workspace A whose owner is
// ann, and a workspace B owned by bo.
type world struct {
	st       *store.Store
	clk      *clock.Fake
	auth     *access.Auth
	settings *workspace.Settings
	a, b     workspace.Workspace
	ann, bo  access.User

	keysChanged     int
	channelsChanged []string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{st: st, clk: clock.NewFake(time.Date(2025, 3, 31, 9, 0, 0, 0, time.UTC))}
	w.auth = access.NewAuth(st, w.clk.Now)
	w.settings = workspace.New(st, w.auth, w.clk.Now, workspace.Hooks{
		KeysChanged:     func() { w.keysChanged++ },
		ChannelsChanged: func(ws string) { w.channelsChanged = append(w.channelsChanged, ws) },
	})
	if w.a, err = w.settings.Create(ctx, "Acme", "product"); err != nil {
		t.Fatal(err)
	}
	if w.b, err = w.settings.Create(ctx, "Bolt", "service"); err != nil {
		t.Fatal(err)
	}
	w.ann = w.join(t, w.a, "ann@example.com", access.Owner)
	w.bo = w.join(t, w.b, "bo@example.com", access.Owner)
	return w
}

// join adds the person with email to ws with role, making their account
// when it is new.
func (w *world) join(t *testing.T, ws workspace.Workspace, email string, role access.Role) access.User {
	t.Helper()
	m, _, err := w.settings.Add(context.Background(), access.Operator(ws.ID), email, "", string(role))
	if err != nil {
		t.Fatalf("add %s to %s: %v", email, ws.Name, err)
	}
	u, err := w.auth.UserByEmail(context.Background(), m.Email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// as is u acting in ws through a web session, with their role there.
func (w *world) as(t *testing.T, u access.User, ws workspace.Workspace) access.Actor {
	t.Helper()
	role, err := w.st.MemberRole(context.Background(), u.ID, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	return access.Principal{User: u}.As(ws.ID, role)
}

func (w *world) roles(t *testing.T, ws workspace.Workspace) map[string]access.Role {
	t.Helper()
	ms, err := w.st.Members(context.Background(), ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]access.Role{}
	for _, m := range ms {
		out[m.Email] = m.Role
	}
	return out
}

// TestLastOwner: the workspace's only owner can be neither demoted nor
// removed, by themselves or by the operator; once there is a second owner,
// either may go.
func TestLastOwner(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ann := w.as(t, w.ann, w.a)
	for name, change := range map[string]func(access.Actor) error{
		"demote": func(a access.Actor) error { _, err := w.settings.ChangeRole(ctx, a, w.ann.ID, "analyst"); return err },
		"remove": func(a access.Actor) error { return w.settings.Remove(ctx, a, w.ann.ID) },
	} {
		for _, actor := range []access.Actor{ann, access.Operator(w.a.ID)} {
			err := change(actor)
			if fault.KindOf(err) != fault.KindConflict || !strings.Contains(fault.Message(err), "last owner") {
				t.Errorf("%s the last owner as %+v: %v, want a conflict naming the last owner", name, actor.Role, err)
			}
		}
	}
	if r := w.roles(t, w.a); r["ann@example.com"] != access.Owner {
		t.Fatalf("after refused changes ann is %q", r["ann@example.com"])
	}
	// Keeping the role is no demotion.
	if _, err := w.settings.ChangeRole(ctx, ann, w.ann.ID, "owner"); err != nil {
		t.Errorf("the last owner staying owner: %v", err)
	}
	cy := w.join(t, w.a, "cy@example.com", access.Owner)
	if m, err := w.settings.ChangeRole(ctx, ann, w.ann.ID, "viewer"); err != nil || m.Role != access.Viewer || m.Email != "ann@example.com" {
		t.Fatalf("demoting one of two owners: %+v, %v", m, err)
	}
	if err := w.settings.Remove(ctx, w.as(t, cy, w.a), w.ann.ID); err != nil {
		t.Fatalf("removing a former owner: %v", err)
	}
	if r := w.roles(t, w.a); len(r) != 1 || r["cy@example.com"] != access.Owner {
		t.Errorf("members now %v, want cy alone, owner", r)
	}
}

// TestLastOwnerConcurrent: two requests that would each leave one owner,
// sent at the same moment, cannot together leave none: one is refused.
// They run for real in parallel against the real store, many times over.
func TestLastOwnerConcurrent(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	cy := w.join(t, w.a, "cy@example.com", access.Owner)
	op := access.Operator(w.a.ID)
	demote := func(a access.Actor, u access.User) func() error {
		return func() error { _, err := w.settings.ChangeRole(ctx, a, u.ID, "analyst"); return err }
	}
	remove := func(a access.Actor, u access.User) func() error {
		return func() error { return w.settings.Remove(ctx, a, u.ID) }
	}
	// Each pair is built afresh every round: a session acts with the role
	// its page was loaded with.
	pairs := map[string]func() [2]func() error{
		"each owner demotes the other": func() [2]func() error {
			return [2]func() error{demote(w.as(t, w.ann, w.a), cy), demote(w.as(t, cy, w.a), w.ann)}
		},
		"each owner removes the other": func() [2]func() error {
			return [2]func() error{remove(w.as(t, w.ann, w.a), cy), remove(w.as(t, cy, w.a), w.ann)}
		},
		"one owner demotes both": func() [2]func() error {
			ann := w.as(t, w.ann, w.a)
			return [2]func() error{demote(ann, cy), demote(ann, w.ann)}
		},
		"the operator demotes one and removes the other": func() [2]func() error {
			return [2]func() error{demote(op, w.ann), remove(op, cy)}
		},
	}
	for name, pair := range pairs {
		for round := range 12 {
			// Both owners again, ann and cy.
			for _, u := range []access.User{w.ann, cy} {
				if _, err := w.settings.ChangeRole(ctx, op, u.ID, "owner"); errors.Is(err, fault.ErrNotFound) {
					w.join(t, w.a, u.Email, access.Owner)
				} else if err != nil {
					t.Fatal(err)
				}
			}
			reqs := pair()
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, req := range reqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = req()
				}()
			}
			close(start)
			wg.Wait()
			owners := 0
			for _, r := range w.roles(t, w.a) {
				if r == access.Owner {
					owners++
				}
			}
			failed := 0
			for _, err := range errs {
				if err != nil {
					failed++
					// The last-owner rule, or the actor's own demotion or
					// removal by the other request, refuses it.
					if k := fault.KindOf(err); k != fault.KindConflict && k != fault.KindForbidden && k != fault.KindNotFound {
						t.Errorf("%s, round %d: refused with %v, want a conflict, forbidden or not found", name, round, err)
					}
				}
			}
			if owners != 1 || failed != 1 {
				t.Fatalf("%s, round %d: %d owners left and %d of 2 requests refused (%v); want 1 and 1", name, round, owners, failed, errs)
			}
		}
	}
}

// TestAddExistingMember: adding someone who is already a member never
// changes their role silently: it is refused with a message that says how
// to change a role instead; adding someone with an account of their own
// keeps their account and password.
func TestAddExistingMember(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ann := w.as(t, w.ann, w.a)
	m, password, err := w.settings.Add(ctx, ann, "Dee@Example.com", "Dee", "viewer")
	if err != nil || password == "" || m.Role != access.Viewer || m.Email != "dee@example.com" || m.WorkspaceName != "Acme" {
		t.Fatalf("adding someone new: %+v, password %q, %v", m, password, err)
	}
	for _, role := range []string{"owner", "viewer"} {
		_, again, err := w.settings.Add(ctx, ann, "dee@example.com", "", role)
		msg := fault.Message(err)
		if fault.KindOf(err) != fault.KindConflict || !strings.Contains(msg, "already a member") || !strings.Contains(msg, "as viewer") || !strings.Contains(msg, "change their role") || again != "" {
			t.Errorf("adding dee again as %s: %v, want a conflict naming her role and how to change it", role, err)
		}
	}
	if r := w.roles(t, w.a); r["dee@example.com"] != access.Viewer {
		t.Errorf("dee's role after the refused adds: %q", r["dee@example.com"])
	}
	// bo has an account (owner of B): added to A, he keeps it.
	m, password, err = w.settings.Add(ctx, ann, "bo@example.com", "", "analyst")
	if err != nil || password != "" || m.UserID != w.bo.ID || m.Role != access.Analyst {
		t.Fatalf("adding bo, who has an account: %+v, password %q, %v", m, password, err)
	}
	if r := w.roles(t, w.b); r["bo@example.com"] != access.Owner {
		t.Errorf("bo's role in B changed to %q", r["bo@example.com"])
	}
}

// TestRoleMenu: the roles an actor is offered are those it may give, and
// giving any other is refused; only those who manage the workspace are
// offered any.
func TestRoleMenu(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	all := []access.Role{access.Owner, access.Analyst, access.Responder, access.Viewer}
	for _, tt := range []struct {
		actor access.Actor
		want  []access.Role
	}{
		{w.as(t, w.ann, w.a), all},
		{access.Operator(w.a.ID), all},
		{access.Principal{User: w.ann, Workspace: w.a.ID, Role: access.Analyst}.As("", ""), nil}, // an analyst token of an owner
	} {
		if have := workspace.GrantableRoles(tt.actor); !slices.Equal(have, tt.want) {
			t.Errorf("%s is offered %v, want %v", tt.actor.Role, have, tt.want)
		}
	}
	for _, r := range []access.Role{access.Analyst, access.Responder, access.Viewer} {
		u := w.join(t, w.a, string(r)+"@example.com", r)
		actor := w.as(t, u, w.a)
		if have := workspace.GrantableRoles(actor); len(have) != 0 {
			t.Errorf("%s is offered %v, want nothing", r, have)
		}
		if _, _, err := w.settings.Add(ctx, actor, "new-"+string(r)+"@example.com", "", string(r)); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("%s adding someone with its own role: %v, want forbidden", r, err)
		}
		if _, err := w.auth.UserByEmail(ctx, "new-"+string(r)+"@example.com"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a refused add by %s made an account: %v", r, err)
		}
		if _, err := w.settings.ChangeRole(ctx, actor, u.ID, "owner"); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("%s making itself owner: %v, want forbidden", r, err)
		}
	}
	if _, _, err := w.settings.Add(ctx, w.as(t, w.ann, w.a), "x@example.com", "", "boss"); fault.KindOf(err) != fault.KindInvalid {
		t.Errorf("adding with a role that does not exist: %v, want invalid", err)
	}
}

// TestStaleActor: a page or token loaded before its user was demoted acts
// with what is left: it cannot change members any more.
func TestStaleActor(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	cy := w.join(t, w.a, "cy@example.com", access.Owner)
	dee := w.join(t, w.a, "dee@example.com", access.Viewer)
	cyAsOwner := w.as(t, cy, w.a)
	if _, err := w.settings.ChangeRole(ctx, w.as(t, w.ann, w.a), cy.ID, "analyst"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.settings.ChangeRole(ctx, cyAsOwner, dee.ID, "owner"); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("a demoted owner's stale page promoting a viewer: %v, want forbidden", err)
	}
	if r := w.roles(t, w.a); r["dee@example.com"] != access.Viewer {
		t.Errorf("dee is now %q", r["dee@example.com"])
	}
}

// TestMembersStayInTheirWorkspace: an owner of A can neither see, change
// nor remove a member of B, nor add anyone to B.
func TestMembersStayInTheirWorkspace(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ann := w.as(t, w.ann, w.a)
	if _, err := w.settings.ChangeRole(ctx, ann, w.bo.ID, "viewer"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("A's owner changing B's owner: %v, want not found", err)
	}
	if err := w.settings.Remove(ctx, ann, w.bo.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("A's owner removing B's owner: %v, want not found", err)
	}
	annInB := access.Principal{User: w.ann}.As(w.b.ID, access.Owner) // a forged role for B
	if _, _, err := w.settings.Add(ctx, annInB, "eve@example.com", "", "owner"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("ann, no member of B, adding to B: %v, want not found", err)
	}
	if r := w.roles(t, w.b); len(r) != 1 || r["bo@example.com"] != access.Owner {
		t.Errorf("B's members now %v", r)
	}
}

// TestRemoveEndsAccess: a removed member's tokens for the workspace are
// revoked as of the clock and their sessions end, in the same change.
func TestRemoveEndsAccess(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	dee := w.join(t, w.a, "dee@example.com", access.Analyst)
	if _, _, err := w.settings.Add(ctx, access.Operator(w.b.ID), dee.Email, "", "viewer"); err != nil {
		t.Fatal(err)
	}
	deeP := access.Principal{User: dee}
	_, inA, _ := w.auth.CreateToken(ctx, deeP, w.a.ID, access.Analyst, "a")
	_, inB, _ := w.auth.CreateToken(ctx, deeP, w.b.ID, access.Viewer, "b")
	// dee's password was generated: sign in through a session made directly.
	sess := access.Session{ID: access.NewID("ses"), UserID: dee.ID, CreatedAt: w.clk.Now(), ExpiresAt: w.clk.Now().Add(time.Hour)}
	if err := w.st.CreateSession(ctx, sess, access.HashSecret("rs_dee")); err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(time.Minute)
	if err := w.settings.Remove(ctx, w.as(t, w.ann, w.a), dee.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Token(ctx, inA); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Errorf("dee's token for A after removal: %v", err)
	}
	if _, err := w.auth.Token(ctx, inB); err != nil {
		t.Errorf("dee's token for B after removal from A: %v", err)
	}
	if _, err := w.auth.Session(ctx, "rs_dee"); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Errorf("dee's session after removal: %v", err)
	}
	ts, _ := w.auth.Tokens(ctx, deeP)
	for _, tok := range ts {
		if tok.WorkspaceID == w.a.ID && (tok.RevokedAt == nil || !tok.RevokedAt.Equal(w.clk.Now())) {
			t.Errorf("token for A revoked at %v, want %v", tok.RevokedAt, w.clk.Now())
		}
	}
}

// TestKeys: only a manager makes and revokes a workspace's keys, a key of
// another workspace is as if it did not exist, and a revocation is told
// to the collection API's cache.
func TestKeys(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ann := w.as(t, w.ann, w.a)
	k, secret, err := w.settings.CreateKey(ctx, ann, " site ")
	if err != nil || !strings.HasPrefix(secret, "rk_") || len(secret) != 51 || k.Name != "site" || !k.CreatedAt.Equal(w.clk.Now()) {
		t.Fatalf("CreateKey = %+v, %q, %v", k, secret, err)
	}
	if _, _, err := w.settings.CreateKey(ctx, ann, strings.Repeat("x", 81)); fault.KindOf(err) != fault.KindInvalid {
		t.Errorf("an 81-character label: %v, want invalid", err)
	}
	bKey, _, _ := w.settings.CreateKey(ctx, access.Operator(w.b.ID), "b")
	analyst := w.as(t, w.join(t, w.a, "al@example.com", access.Analyst), w.a)
	if _, _, err := w.settings.CreateKey(ctx, analyst, "x"); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("an analyst making a key: %v, want forbidden", err)
	}
	if _, err := w.settings.Keys(ctx, analyst); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("an analyst listing keys: %v, want forbidden", err)
	}
	if err := w.settings.RevokeKey(ctx, ann, bKey.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("A's owner revoking B's key: %v, want not found", err)
	}
	if w.keysChanged != 0 {
		t.Errorf("refused revocations told the cache %d times", w.keysChanged)
	}
	w.clk.Advance(time.Hour)
	if err := w.settings.RevokeKey(ctx, ann, k.ID); err != nil || w.keysChanged != 1 {
		t.Fatalf("revoke: %v, cache told %d times", err, w.keysChanged)
	}
	keys, _ := w.settings.Keys(ctx, ann)
	if len(keys) != 1 || keys[0].RevokedAt == nil || !keys[0].RevokedAt.Equal(w.clk.Now()) {
		t.Errorf("keys after revoke: %+v", keys)
	}
}

// TestPatchChannel: a patch changes the fields it names and keeps the
// others; bad values are refused naming the field; only a manager may.
func TestPatchChannel(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ann := w.as(t, w.ann, w.a)
	str := func(s string) *string { return &s }
	if _, err := w.settings.PatchChannel(ctx, ann, "facebook/paid", workspace.ChannelPatch{Name: str(" Facebook Ads "), Platform: str("Facebook")}); err != nil {
		t.Fatal(err)
	}
	o, err := w.settings.PatchChannel(ctx, ann, "facebook/paid", workspace.ChannelPatch{Ownership: str("earned")})
	if err != nil || o.DisplayName != "Facebook Ads" || o.Platform != "facebook" || o.Ownership != "earned" || !o.UpdatedAt.Equal(w.clk.Now()) {
		t.Fatalf("after two patches: %+v, %v", o, err)
	}
	saved, _ := w.st.ChannelOverrides(ctx, w.a.ID)
	if saved["facebook/paid"] != o {
		t.Errorf("stored %+v, want %+v", saved["facebook/paid"], o)
	}
	for _, tt := range []struct {
		key   string
		patch workspace.ChannelPatch
		field string
	}{
		{"facebook", workspace.ChannelPatch{}, "channel"},
		{"facebook/paid", workspace.ChannelPatch{Ownership: str("stolen")}, "ownership"},
		{"facebook/paid", workspace.ChannelPatch{Platform: str("Face Book")}, "platform"},
		{"facebook/paid", workspace.ChannelPatch{Name: str(strings.Repeat("n", 81))}, "name"},
	} {
		if _, err := w.settings.PatchChannel(ctx, ann, tt.key, tt.patch); fault.As(err) == nil || fault.As(err).Field != tt.field {
			t.Errorf("PatchChannel(%q, %+v): %v, want invalid %s", tt.key, tt.patch, err, tt.field)
		}
	}
	viewer := w.as(t, w.join(t, w.a, "vi@example.com", access.Viewer), w.a)
	if _, err := w.settings.PatchChannel(ctx, viewer, "facebook/paid", workspace.ChannelPatch{Name: str("mine")}); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("a viewer patching a channel: %v, want forbidden", err)
	}
	if fmt.Sprint(w.channelsChanged) != fmt.Sprint([]string{w.a.ID, w.a.ID}) {
		t.Errorf("channel changes told %v, want A's twice", w.channelsChanged)
	}
	if after, _ := w.st.ChannelOverrides(ctx, w.a.ID); after["facebook/paid"] != o {
		t.Errorf("refused patches changed the override to %+v", after["facebook/paid"])
	}
}

// TestWorkspaceSettings: a name and a business type are checked before
// anything is stored, with the field named.
func TestWorkspaceSettings(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	str := func(s string) *string { return &s }
	if _, err := w.settings.Create(ctx, "  ", ""); fault.Message(err) != "name: is required" {
		t.Errorf("a workspace without a name: %v", err)
	}
	if _, err := w.settings.Create(ctx, "Shop", "charity"); fault.Message(err) != "business_type: is product or service" {
		t.Errorf("a charity: %v", err)
	}
	ann := w.as(t, w.ann, w.a)
	ws, err := w.settings.Update(ctx, ann, workspace.Patch{Name: str(" Acme Boots ")})
	if err != nil || ws.Name != "Acme Boots" || ws.BusinessType != "product" {
		t.Fatalf("rename: %+v, %v", ws, err)
	}
	if _, err := w.settings.Update(ctx, ann, workspace.Patch{Name: str(strings.Repeat("a", 121))}); fault.As(err) == nil || fault.As(err).Field != "name" {
		t.Errorf("a 121-character name: %v", err)
	}
	if got, _ := w.settings.Workspace(ctx, w.a.ID); got.Name != "Acme Boots" {
		t.Errorf("a refused update changed the name to %q", got.Name)
	}
	if _, err := w.settings.Update(ctx, access.Principal{User: w.ann}.As(w.a.ID, access.Viewer), workspace.Patch{Name: str("x")}); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("a viewer renaming: %v, want forbidden", err)
	}
}
