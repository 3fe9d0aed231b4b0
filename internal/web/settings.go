package web

import (
	"net/http"
	"net/url"
	"strings"

	"ripple/internal/access"
	"ripple/internal/report"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

func (a *App) settingsHome(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	http.Redirect(w, r, a.wsURL(c, "settings/workspace"), http.StatusSeeOther)
	return nil
}

func (a *App) wsURL(c *reqCtx, page string) string {
	u := "/w/" + url.PathEscape(c.ws.ID) + "/" + page
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	return u
}

// settingsView is a settings page; Tab picks the settings sub-navigation.
type settingsView struct {
	Tab  string
	Base string // "/w/ID/settings/"
	Page any
}

func (a *App) renderSettings(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, tab, page string, data any, notice, problem string) {
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, c, status, page, view{Title: "Settings", Active: "settings", Notice: notice, Problem: problem,
		Data: settingsView{Tab: tab, Base: "/w/" + url.PathEscape(c.ws.ID) + "/settings/", Page: data}})
}

// userProblem turns a validation error into a message on the page it came
// from; other errors go to the error page.
func userProblem(err error) (string, bool) {
	kind, msg := access.Classify(err)
	if kind == access.KindInvalid || kind == access.KindConflict {
		return msg, true
	}
	return "", false
}

// workspacePage is the workspace settings form.
type workspacePage struct {
	workspace.Workspace
	Currencies []string
}

func (a *App) showWorkspace(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, ws workspace.Workspace, notice, problem string) {
	a.renderSettings(w, r, c, status, "workspace", "settings_workspace.html",
		workspacePage{Workspace: ws, Currencies: workspace.Currencies()}, notice, problem)
}

func (a *App) workspaceSettings(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	a.showWorkspace(w, r, c, http.StatusOK, c.ws, "", "")
	return nil
}

func (a *App) updateWorkspace(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	ws := c.ws
	ws.Name = strings.TrimSpace(r.PostFormValue("name"))
	ws.BusinessType = r.PostFormValue("business_type")
	// A form from before these fields existed (a page left open across an
	// upgrade) keeps what is stored; a field sent empty is refused.
	if _, ok := r.PostForm["time_zone"]; ok {
		ws.TimeZone = r.PostFormValue("time_zone")
	}
	if _, ok := r.PostForm["currency"]; ok {
		ws.Currency = r.PostFormValue("currency")
	}
	if err := access.UpdateWorkspace(r.Context(), a.st, ws); err != nil {
		if msg, ok := userProblem(err); ok {
			a.showWorkspace(w, r, c, http.StatusBadRequest, ws, "", msg)
			return nil
		}
		return err
	}
	// Read it back as stored (trimmed, the currency upper-case), and show
	// the header and its links as they now are.
	saved, err := a.reads.Workspace(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	c.ws = saved
	for i := range c.members {
		if c.members[i].WorkspaceID == saved.ID {
			c.members[i].WorkspaceName = saved.Name
		}
	}
	a.showWorkspace(w, r, c, http.StatusOK, saved, "Saved.", "")
	return nil
}

type keysPage struct {
	Keys      []store.WriteKey
	NewSecret string
	NewKey    store.WriteKey
}

func (a *App) keysPage(r *http.Request, c *reqCtx) (keysPage, error) {
	keys, err := a.st.WriteKeys(r.Context(), c.ws.ID)
	return keysPage{Keys: keys}, err
}

func (a *App) keys(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	p, err := a.keysPage(r, c)
	if err != nil {
		return err
	}
	a.renderSettings(w, r, c, http.StatusOK, "keys", "settings_keys.html", p, "", "")
	return nil
}

// createKey shows the new secret on the answer to the POST itself, once:
// it is never stored, so a reload cannot show it again.
func (a *App) createKey(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	k, secret, err := a.st.CreateWriteKey(r.Context(), c.ws.ID, r.PostFormValue("name"))
	if err != nil {
		return err
	}
	p, err := a.keysPage(r, c)
	if err != nil {
		return err
	}
	p.NewSecret, p.NewKey = secret, k
	a.renderSettings(w, r, c, http.StatusOK, "keys", "settings_keys.html", p, "Write key created. Copy its secret now: it is shown only once.", "")
	return nil
}

func (a *App) revokeKey(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := a.st.RevokeWriteKey(r.Context(), c.ws.ID, r.PathValue("id")); err != nil {
		return err
	}
	if a.opts.KeysChanged != nil {
		a.opts.KeysChanged()
	}
	p, err := a.keysPage(r, c)
	if err != nil {
		return err
	}
	a.renderSettings(w, r, c, http.StatusOK, "keys", "settings_keys.html", p, "Write key revoked: events sent with it are refused from now on.", "")
	return nil
}

type usersPage struct {
	Members     []store.Membership
	Roles       []access.Role
	Me          string
	NewEmail    string
	NewPassword string
}

func (a *App) usersPage(r *http.Request, c *reqCtx) (usersPage, error) {
	ms, err := a.st.Members(r.Context(), c.ws.ID)
	return usersPage{Members: ms, Roles: access.Roles, Me: c.who.User.ID}, err
}

func (a *App) showUsers(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, notice, problem string, fill func(*usersPage)) error {
	p, err := a.usersPage(r, c)
	if err != nil {
		return err
	}
	if fill != nil {
		fill(&p)
	}
	a.renderSettings(w, r, c, status, "users", "settings_users.html", p, notice, problem)
	return nil
}

func (a *App) users(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return a.showUsers(w, r, c, http.StatusOK, "", "", nil)
}

// invite adds a person to the workspace; a new user's generated password is
// shown once, to be handed over.
func (a *App) invite(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	role, err := access.ParseRole(r.PostFormValue("role"))
	if err == nil {
		var u access.User
		var password string
		u, password, err = access.Invite(r.Context(), a.st, c.ws.ID, r.PostFormValue("email"), r.PostFormValue("name"), role)
		if err == nil {
			notice := u.Email + " now has the role " + string(role) + " here."
			if password != "" {
				notice = "Created " + u.Email + " with the role " + string(role) + ". Hand over the password below: it is shown only once."
			}
			return a.showUsers(w, r, c, http.StatusOK, notice, "", func(p *usersPage) { p.NewEmail, p.NewPassword = u.Email, password })
		}
	}
	if msg, ok := userProblem(err); ok {
		return a.showUsers(w, r, c, http.StatusBadRequest, "", msg, nil)
	}
	return err
}

func (a *App) changeRole(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	_, err := access.ChangeRole(r.Context(), a.st, r.PathValue("user"), c.ws.ID, r.PostFormValue("role"))
	if err != nil {
		if msg, ok := userProblem(err); ok {
			return a.showUsers(w, r, c, http.StatusBadRequest, "", msg, nil)
		}
		return err
	}
	return a.showUsers(w, r, c, http.StatusOK, "Role changed.", "", nil)
}

func (a *App) removeUser(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	err := access.RemoveMember(r.Context(), a.st, r.PathValue("user"), c.ws.ID)
	if err != nil {
		if msg, ok := userProblem(err); ok {
			return a.showUsers(w, r, c, http.StatusBadRequest, "", msg, nil)
		}
		return err
	}
	if r.PathValue("user") == c.who.User.ID {
		a.setCookie(w, r, sessionCookie, "", -1)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	return a.showUsers(w, r, c, http.StatusOK, "Removed from the workspace; their sessions have ended.", "", nil)
}

type channelsPage struct {
	Channels   []report.Channel
	Ownerships []string
}

func (a *App) showChannels(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, notice, problem string) error {
	chs, err := a.reads.Channels(r.Context(), c.ws.ID)
	if err != nil {
		return err
	}
	a.renderSettings(w, r, c, status, "channels", "settings_channels.html",
		channelsPage{Channels: chs, Ownerships: report.Ownerships}, notice, problem)
	return nil
}

func (a *App) channels(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return a.showChannels(w, r, c, http.StatusOK, "", "")
}

func (a *App) updateChannel(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	o := store.ChannelOverride{WorkspaceID: c.ws.ID, Channel: r.PostFormValue("channel"),
		DisplayName: r.PostFormValue("name"), Platform: r.PostFormValue("platform"), Ownership: r.PostFormValue("ownership")}
	err := access.SetChannel(r.Context(), a.st, o)
	a.ForgetChannels(c.ws.ID)
	if err != nil {
		if msg, ok := userProblem(err); ok {
			return a.showChannels(w, r, c, http.StatusBadRequest, "", msg)
		}
		return err
	}
	return a.showChannels(w, r, c, http.StatusOK, "Channel saved.", "")
}
