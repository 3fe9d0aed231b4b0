package api

import (
	"net/http"
	"time"

	"ripple/internal/access"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

// Workspace is a workspace as the API shows it.
type Workspace struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	BusinessType string    `json:"business_type"`
	TimeZone     string    `json:"time_zone"`
	Currency     string    `json:"currency"`
	CreatedAt    time.Time `json:"created_at"`
	Role         string    `json:"role"` // the calling token's role in it
}

func (a *API) workspace(r *http.Request, c *call) (Workspace, error) {
	w, err := a.settings.Workspace(r.Context(), c.who.Workspace)
	if err != nil {
		return Workspace{}, err
	}
	return workspaceOf(w, c), nil
}

func workspaceOf(w workspace.Workspace, c *call) Workspace {
	return Workspace{ID: w.ID, Name: w.Name, BusinessType: w.BusinessType, TimeZone: w.TimeZone, Currency: w.Currency,
		CreatedAt: w.CreatedAt, Role: string(c.who.Role)}
}

func (a *API) listWorkspaces(w http.ResponseWriter, r *http.Request, c *call) error {
	ws, err := a.workspace(r, c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workspaces": []Workspace{ws}})
}

func (a *API) getWorkspace(w http.ResponseWriter, r *http.Request, c *call) error {
	ws, err := a.workspace(r, c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ws)
}

type workspacePatch struct {
	Name         *string `json:"name"`
	BusinessType *string `json:"business_type"`
	TimeZone     *string `json:"time_zone"`
	Currency     *string `json:"currency"`
}

func (a *API) updateWorkspace(w http.ResponseWriter, r *http.Request, c *call) error {
	var p workspacePatch
	if err := decode(r, &p); err != nil {
		return err
	}
	ws, err := a.settings.Update(r.Context(), c.actor(), workspace.Patch{Name: p.Name, BusinessType: p.BusinessType, TimeZone: p.TimeZone, Currency: p.Currency})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, workspaceOf(ws, c))
}

// WriteKey is a write key as listed; Secret is set only in the answer that
// creates it.
type WriteKey struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Hint      string     `json:"hint"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	Secret    string     `json:"secret,omitempty"`
}

func writeKeyOf(k workspace.Key) WriteKey {
	return WriteKey{ID: k.ID, Name: k.Name, Hint: k.Hint, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt}
}

func (a *API) listKeys(w http.ResponseWriter, r *http.Request, c *call) error {
	keys, err := a.settings.Keys(r.Context(), c.actor())
	if err != nil {
		return err
	}
	out := make([]WriteKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, writeKeyOf(k))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"keys": out})
}

type nameBody struct {
	Name string `json:"name"`
}

func (a *API) createKey(w http.ResponseWriter, r *http.Request, c *call) error {
	var b nameBody
	if err := decode(r, &b); err != nil {
		return err
	}
	k, secret, err := a.settings.CreateKey(r.Context(), c.actor(), b.Name)
	if err != nil {
		return err
	}
	out := writeKeyOf(k)
	out.Secret = secret
	return writeJSON(w, http.StatusCreated, out)
}

func (a *API) revokeKey(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.settings.RevokeKey(r.Context(), c.actor(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Member is a user's membership of the workspace. Password is set only in
// the answer that creates the user.
type Member struct {
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	Since    time.Time `json:"since"`
	Password string    `json:"password,omitempty"`
}

func memberOf(m workspace.Member) Member {
	return Member{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: string(m.Role), Since: m.Since}
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request, c *call) error {
	ms, err := a.settings.Members(r.Context(), c.actor())
	if err != nil {
		return err
	}
	out := make([]Member, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberOf(m))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"members": out})
}

type memberBody struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request, c *call) error {
	var b memberBody
	if err := decode(r, &b); err != nil {
		return err
	}
	m, password, err := a.settings.Add(r.Context(), c.actor(), b.Email, b.Name, b.Role)
	if err != nil {
		return err
	}
	out := memberOf(m)
	out.Password = password
	return writeJSON(w, http.StatusCreated, out)
}

type roleBody struct {
	Role string `json:"role"`
}

func (a *API) changeRole(w http.ResponseWriter, r *http.Request, c *call) error {
	var b roleBody
	if err := decode(r, &b); err != nil {
		return err
	}
	m, err := a.settings.ChangeRole(r.Context(), c.actor(), r.PathValue("user"), b.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, memberOf(m))
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.settings.Remove(r.Context(), c.actor(), r.PathValue("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Overview is the Overview page's numbers.
type Overview struct {
	From            string       `json:"from"`
	To              string       `json:"to"`
	TimeZone        string       `json:"time_zone"`
	Channel         string       `json:"channel,omitempty"`
	Events          int64        `json:"events"`
	People          int64        `json:"people"`
	Purchases       int64        `json:"purchases"`
	Revenue         float64      `json:"revenue"`
	Currency        string       `json:"currency"`
	OtherCurrencies []Money      `json:"other_currencies"`
	PerDay          []ChannelDay `json:"events_per_day"`
	Funnel          []StageCount `json:"funnel"`
}

// Money is the revenue of purchases in one currency other than the
// workspace's, never converted.
type Money struct {
	Currency  string  `json:"currency"`
	Purchases int64   `json:"purchases"`
	Revenue   float64 `json:"revenue"`
}

// ChannelDay is one channel's events on one day.
type ChannelDay struct {
	Day     string `json:"day"`
	Channel string `json:"channel"`
	Name    string `json:"name"`
	Events  int64  `json:"events"`
}

// StageCount is how many people reached a stage or a later one.
type StageCount struct {
	Stage  string `json:"stage"`
	People int64  `json:"people"`
}

func (a *API) overview(w http.ResponseWriter, r *http.Request, c *call) error {
	ws, err := a.settings.Workspace(r.Context(), c.ws)
	if err != nil {
		return err
	}
	// from, to and channel as the web app reads them: missing dates are the
	// days ending today in the workspace's time zone.
	f, _, err := report.ParseFilter(r.URL.Query(), ws, a.o.Now())
	if err != nil {
		return err
	}
	o, err := a.reads.Overview(r.Context(), ws, f)
	if err != nil {
		return err
	}
	out := Overview{From: f.From.Format(time.DateOnly), To: f.To.Format(time.DateOnly), TimeZone: ws.TimeZone, Channel: f.Channel,
		Events: o.Events, People: o.People, Purchases: o.Purchases, Revenue: o.Revenue, Currency: o.Currency,
		OtherCurrencies: []Money{}, PerDay: []ChannelDay{}, Funnel: []StageCount{}}
	for _, m := range o.OtherCurrencies {
		out.OtherCurrencies = append(out.OtherCurrencies, Money{Currency: m.Currency, Purchases: m.Purchases, Revenue: m.Amount})
	}
	for i, d := range o.Days {
		for _, s := range o.Series {
			if s.Counts[i] > 0 {
				out.PerDay = append(out.PerDay, ChannelDay{Day: d.Format(time.DateOnly), Channel: s.Channel, Name: s.Name, Events: s.Counts[i]})
			}
		}
	}
	for _, s := range o.Funnel {
		out.Funnel = append(out.Funnel, StageCount{Stage: string(s.Stage), People: s.People})
	}
	return writeJSON(w, http.StatusOK, out)
}

// Channel is a channel of the workspace with its overrides applied.
type Channel struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Platform  string `json:"platform"`
	Ownership string `json:"ownership"`
	Events    int64  `json:"events"`
}

func channelOf(ch report.Channel) Channel {
	return Channel{Key: ch.Key, Name: ch.Name, Platform: ch.Platform, Ownership: ch.Ownership, Events: ch.Events}
}

func (a *API) listChannels(w http.ResponseWriter, r *http.Request, c *call) error {
	chs, err := a.reads.Channels(r.Context(), c.ws)
	if err != nil {
		return err
	}
	out := make([]Channel, 0, len(chs))
	for _, ch := range chs {
		out = append(out, channelOf(ch))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"channels": out})
}

type channelPatch struct {
	Name      *string `json:"name"`
	Platform  *string `json:"platform"`
	Ownership *string `json:"ownership"`
}

func (a *API) updateChannel(w http.ResponseWriter, r *http.Request, c *call) error {
	var p channelPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	key := r.PathValue("channel")
	o, err := a.settings.PatchChannel(r.Context(), c.actor(), key, workspace.ChannelPatch{Name: p.Name, Platform: p.Platform, Ownership: p.Ownership})
	if err != nil {
		return err
	}
	chs, err := a.reads.Channels(r.Context(), c.ws)
	if err != nil {
		return err
	}
	for _, ch := range chs {
		if ch.Key == o.Channel {
			return writeJSON(w, http.StatusOK, channelOf(ch))
		}
	}
	return writeJSON(w, http.StatusOK, Channel{Key: o.Channel, Name: o.DisplayName, Platform: o.Platform, Ownership: o.Ownership})
}

// Token is a personal API token as listed; Secret is set only in the answer
// that creates it.
type Token struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Hint        string     `json:"hint"`
	WorkspaceID string     `json:"workspace_id"`
	Role        string     `json:"role"`
	CreatedAt   time.Time  `json:"created_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
	Secret      string     `json:"secret,omitempty"`
}

func tokenOf(t access.Token) Token {
	return Token{ID: t.ID, Name: t.Name, Hint: t.Hint, WorkspaceID: t.WorkspaceID, Role: string(t.Role), CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt}
}

// listTokens lists the caller's tokens for the workspace the calling token
// is scoped to: a token never sees another workspace's.
func (a *API) listTokens(w http.ResponseWriter, r *http.Request, c *call) error {
	ts, err := a.auth.Tokens(r.Context(), c.who)
	if err != nil {
		return err
	}
	out := make([]Token, 0, len(ts))
	for _, t := range ts {
		out = append(out, tokenOf(t))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

type tokenBody struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// createToken makes a token for the caller's workspace; it may not have
// more rights than the token that asks for it.
func (a *API) createToken(w http.ResponseWriter, r *http.Request, c *call) error {
	var b tokenBody
	if err := decode(r, &b); err != nil {
		return err
	}
	t, secret, err := a.auth.CreateToken(r.Context(), c.who, c.who.Workspace, access.Role(b.Role), b.Name)
	if err != nil {
		return err
	}
	out := tokenOf(t)
	out.Secret = secret
	return writeJSON(w, http.StatusCreated, out)
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.auth.RevokeToken(r.Context(), c.who, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
