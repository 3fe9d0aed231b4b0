package web

import (
	"net/http"
	"net/url"

	"ripple/internal/access"
	"ripple/internal/fault"
	"ripple/internal/httpfault"
	"ripple/internal/report"
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

// formProblem is how a form's page shows a refusal the user can fix there
// (bad input, a clash with what is stored): the status and message every
// adapter gives it. Other errors go to the error page.
func formProblem(err error) (status int, msg string, ok bool) {
	switch k := fault.KindOf(err); k {
	case fault.KindInvalid, fault.KindConflict:
		return httpfault.Status(k), fault.Message(err), true
	}
	return 0, "", false
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
	name, business := r.PostFormValue("name"), r.PostFormValue("business_type")
	p := workspace.Patch{Name: &name, BusinessType: &business}
	typed := c.ws // what the form said, to show again with its problem
	typed.Name, typed.BusinessType = name, business
	// A form from before these fields existed (a page left open across an
	// upgrade) keeps what is stored; a field sent empty is refused.
	if _, ok := r.PostForm["time_zone"]; ok {
		typed.TimeZone = r.PostFormValue("time_zone")
		p.TimeZone = &typed.TimeZone
	}
	if _, ok := r.PostForm["currency"]; ok {
		typed.Currency = r.PostFormValue("currency")
		p.Currency = &typed.Currency
	}
	saved, err := a.settings.Update(r.Context(), c.actor(), p)
	if status, msg, ok := formProblem(err); ok {
		a.showWorkspace(w, r, c, status, typed, "", msg)
		return nil
	}
	if err != nil {
		return err
	}
	// Show the header and its links as they now are.
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
	Keys      []workspace.Key
	NewSecret string
	NewKey    workspace.Key
}

func (a *App) showKeys(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, notice, problem string, p keysPage) error {
	keys, err := a.settings.Keys(r.Context(), c.actor())
	if err != nil {
		return err
	}
	p.Keys = keys
	a.renderSettings(w, r, c, status, "keys", "settings_keys.html", p, notice, problem)
	return nil
}

func (a *App) keys(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return a.showKeys(w, r, c, http.StatusOK, "", "", keysPage{})
}

// createKey shows the new secret on the answer to the POST itself, once:
// it is never stored, so a reload cannot show it again.
func (a *App) createKey(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	k, secret, err := a.settings.CreateKey(r.Context(), c.actor(), r.PostFormValue("name"))
	if status, msg, ok := formProblem(err); ok {
		return a.showKeys(w, r, c, status, "", msg, keysPage{})
	}
	if err != nil {
		return err
	}
	return a.showKeys(w, r, c, http.StatusOK, "Write key created. Copy its secret now: it is shown only once.", "", keysPage{NewSecret: secret, NewKey: k})
}

func (a *App) revokeKey(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := a.settings.RevokeKey(r.Context(), c.actor(), r.PathValue("id")); err != nil {
		return err
	}
	return a.showKeys(w, r, c, http.StatusOK, "Write key revoked: events sent with it are refused from now on.", "", keysPage{})
}

type usersPage struct {
	Members     []workspace.Member
	Roles       []access.Role // the roles the viewer may give: the menus offer no others
	Me          string
	NewEmail    string
	NewPassword string
}

func (a *App) showUsers(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, notice, problem string, p usersPage) error {
	ms, err := a.settings.Members(r.Context(), c.actor())
	if err != nil {
		return err
	}
	p.Members, p.Roles, p.Me = ms, workspace.GrantableRoles(c.actor()), c.who.User.ID
	a.renderSettings(w, r, c, status, "users", "settings_users.html", p, notice, problem)
	return nil
}

func (a *App) users(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return a.showUsers(w, r, c, http.StatusOK, "", "", usersPage{})
}

// invite adds a person to the workspace; a new user's generated password is
// shown once, to be handed over.
func (a *App) invite(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	m, password, err := a.settings.Add(r.Context(), c.actor(), r.PostFormValue("email"), r.PostFormValue("name"), r.PostFormValue("role"))
	if status, msg, ok := formProblem(err); ok {
		return a.showUsers(w, r, c, status, "", msg, usersPage{})
	}
	if err != nil {
		return err
	}
	notice := m.Email + " now has the role " + string(m.Role) + " here."
	if password != "" {
		notice = "Created " + m.Email + " with the role " + string(m.Role) + ". Hand over the password below: it is shown only once."
	}
	return a.showUsers(w, r, c, http.StatusOK, notice, "", usersPage{NewEmail: m.Email, NewPassword: password})
}

func (a *App) changeRole(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	m, err := a.settings.ChangeRole(r.Context(), c.actor(), r.PathValue("user"), r.PostFormValue("role"))
	if status, msg, ok := formProblem(err); ok {
		return a.showUsers(w, r, c, status, "", msg, usersPage{})
	}
	if err != nil {
		return err
	}
	if m.UserID == c.who.User.ID {
		// The page's own role changed: show it as the new role sees it.
		c.role = m.Role
		if !c.role.Can(access.ManageWorkspace) {
			http.Redirect(w, r, "/w/"+url.PathEscape(c.ws.ID)+"/", http.StatusSeeOther)
			return nil
		}
	}
	return a.showUsers(w, r, c, http.StatusOK, m.Email+" now has the role "+string(m.Role)+".", "", usersPage{})
}

func (a *App) removeUser(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	err := a.settings.Remove(r.Context(), c.actor(), r.PathValue("user"))
	if status, msg, ok := formProblem(err); ok {
		return a.showUsers(w, r, c, status, "", msg, usersPage{})
	}
	if err != nil {
		return err
	}
	if r.PathValue("user") == c.who.User.ID {
		a.setCookie(w, r, sessionCookie, "", -1)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	return a.showUsers(w, r, c, http.StatusOK, "Removed from the workspace; their sessions have ended.", "", usersPage{})
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
		channelsPage{Channels: chs, Ownerships: workspace.Ownerships}, notice, problem)
	return nil
}

func (a *App) channels(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return a.showChannels(w, r, c, http.StatusOK, "", "")
}

// updateChannel saves the form's row whole: each field left empty goes
// back to what the events say.
func (a *App) updateChannel(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	name, platform, ownership := r.PostFormValue("name"), r.PostFormValue("platform"), r.PostFormValue("ownership")
	_, err := a.settings.PatchChannel(r.Context(), c.actor(), r.PostFormValue("channel"),
		workspace.ChannelPatch{Name: &name, Platform: &platform, Ownership: &ownership})
	if status, msg, ok := formProblem(err); ok {
		return a.showChannels(w, r, c, status, "", msg)
	}
	if err != nil {
		return err
	}
	return a.showChannels(w, r, c, http.StatusOK, "Channel saved.", "")
}
