package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/event"
	"ripple/internal/web/webtest"
)

// TestRolesOnPages opens every page as every role, by direct URL: what the
// role forbids answers 403 whether or not a link to it is shown.
func TestRolesOnPages(t *testing.T) {
	f := webtest.New(t)
	a := "/w/" + f.A.ID
	// want[i] is the status for owner, analyst, responder, viewer.
	pages := []struct {
		path string
		want [4]int
	}{
		{"/overview", [4]int{200, 200, 403, 200}},
		{"/overview/events.csv", [4]int{200, 200, 403, 200}},
		{"/overview/funnel.csv", [4]int{200, 200, 403, 200}},
		{"/journey", [4]int{200, 200, 403, 200}},
		{"/listening", [4]int{200, 200, 403, 200}},
		{"/inbox", [4]int{200, 200, 200, 403}},
		{"/plan", [4]int{200, 200, 403, 200}},
		{"/value", [4]int{200, 200, 403, 200}},
		{"/advocacy", [4]int{200, 200, 403, 200}},
		{"/audiences", [4]int{200, 200, 403, 200}},
		{"/settings/workspace", [4]int{200, 403, 403, 403}},
		{"/settings/keys", [4]int{200, 403, 403, 403}},
		{"/settings/users", [4]int{200, 403, 403, 403}},
		{"/settings/channels", [4]int{200, 403, 403, 403}},
	}
	for i, role := range []string{"owner", "analyst", "responder", "viewer"} {
		c := f.Login(role)
		for _, p := range pages {
			res, body := c.Get(a + p.path)
			if res.StatusCode != p.want[i] {
				t.Errorf("%s GET %s: status %d, want %d", role, p.path, res.StatusCode, p.want[i])
			}
			if res.StatusCode == 403 && !strings.Contains(body, "does not allow") {
				t.Errorf("%s GET %s: 403 page does not say why", role, p.path)
			}
		}
		// Posting to an owner's form is refused by the server too.
		res, _ := c.PostWithCSRF("/account/tokens", a+"/settings/keys", url.Values{"name": {"sneaky"}})
		want := [4]int{200, 403, 403, 403}[i]
		if res.StatusCode != want {
			t.Errorf("%s POST settings/keys: status %d, want %d", role, res.StatusCode, want)
		}
	}
	keys, err := f.Store.WriteKeys(context.Background(), f.A.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 {
		t.Errorf("write keys after one permitted create: %d, want 1", len(keys))
	}
}

// TestNavigationFollowsRole: the shell links only what the role may open.
func TestNavigationFollowsRole(t *testing.T) {
	f := webtest.New(t)
	res, body := f.Login("responder").Get("/w/" + f.A.ID + "/")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/inbox") {
		t.Fatalf("responder's workspace home: %d to %q, want 303 to the inbox", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = f.Login("responder").Get("/w/" + f.A.ID + "/inbox")
	for _, hidden := range []string{">Overview<", ">Settings<", ">Audiences<"} {
		if strings.Contains(body, hidden) {
			t.Errorf("responder's navigation shows %s", hidden)
		}
	}
	_, body = f.Login("owner").Get("/w/" + f.A.ID + "/overview")
	for _, shown := range []string{">Overview<", ">Journey<", ">Listening<", ">Inbox<", ">Plan<", ">Value<", ">Advocacy<", ">Audiences<", ">Settings<"} {
		if !strings.Contains(body, shown) {
			t.Errorf("owner's navigation lacks %s", shown)
		}
	}
}

// htmlTag matches a tag with its attributes, to search a page's text alone.
var htmlTag = regexp.MustCompile(`<[^>]*>`)

// TestWorkspaceIsolation: a member of A cannot reach anything of B by
// editing the URL, and B's data never shows in A.
func TestWorkspaceIsolation(t *testing.T) {
	f := webtest.New(t)
	ctx := context.Background()
	bKey, _ := f.Key(f.B.ID, "b's key")
	c := f.Login("owner") // owner of A only
	b := "/w/" + f.B.ID
	for _, path := range []string{b + "/", b + "/overview", b + "/overview/events.csv", b + "/inbox", b + "/settings/keys",
		b + "/settings/users", "/switch?ws=" + f.B.ID} {
		if res, body := c.Get(path); res.StatusCode != http.StatusNotFound || strings.Contains(body, "Bolt") {
			t.Errorf("A's owner GET %s: status %d, want 404 without B's name", path, res.StatusCode)
		}
	}
	posts := []string{
		b + "/settings/keys/" + bKey.ID + "/revoke",
		"/w/" + f.A.ID + "/settings/keys/" + bKey.ID + "/revoke", // B's key through A's URL
		"/w/" + f.A.ID + "/settings/users/" + f.Users["b-owner"].ID + "/role",
		"/w/" + f.A.ID + "/settings/users/" + f.Users["b-owner"].ID + "/remove",
		b + "/settings/workspace",
	}
	for _, path := range posts {
		res, _ := c.PostWithCSRF("/account/tokens", path, url.Values{"role": {"viewer"}, "name": {"mine now"}, "business_type": {"product"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("A's owner POST %s: status %d, want 404", path, res.StatusCode)
		}
	}
	keys, _ := f.Store.WriteKeys(ctx, f.B.ID)
	if keys[0].RevokedAt != nil {
		t.Error("B's key was revoked by A's owner")
	}
	if role, err := f.Store.MemberRole(ctx, f.Users["b-owner"].ID, f.B.ID); err != nil || role != access.Owner {
		t.Errorf("B's owner membership changed: %v, %v", role, err)
	}
	if ws, _ := f.Store.Workspace(ctx, f.B.ID); ws.Name != "Bolt Consulting" {
		t.Errorf("B renamed to %q", ws.Name)
	}
	// A's pages show none of B's events (B's only channel is linkedin, its
	// revenue 999). The revenue is looked for in the page's text only: its
	// tags carry random hex (form tokens, workspace ids) that holds "999"
	// once in some thirty pages.
	_, body := c.Get("/w/" + f.A.ID + "/overview?from=2025-03-01&to=2025-03-31")
	if strings.Contains(body, "linkedin") || strings.Contains(htmlTag.ReplaceAllString(body, " "), "999") {
		t.Error("A's overview shows B's data")
	}
	// The agency user sees both and switches between them.
	ag := f.Login("agency")
	res, _ := ag.Get("/switch?ws=" + f.B.ID + "&page=overview&from=2025-03-01&to=2025-03-31")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != b+"/overview?from=2025-03-01&to=2025-03-31" {
		t.Fatalf("agency switch: %d to %q", res.StatusCode, loc)
	}
	_, body = ag.Get(b + "/overview?from=2025-03-01&to=2025-03-31")
	if !strings.Contains(body, "linkedin/paid") || strings.Contains(body, "facebook/paid") {
		t.Error("B's overview for the agency user does not show exactly B's channels")
	}
}

// TestCSRF: a POST without the session's form token changes nothing.
func TestCSRF(t *testing.T) {
	f := webtest.New(t)
	c := f.Login("owner")
	path := "/w/" + f.A.ID + "/settings/keys"
	for _, token := range []string{"", "0123456789abcdef0123456789abcdef"} {
		res, _ := c.Post(path, url.Values{"name": {"forged"}, "csrf": {token}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST with csrf %q: status %d, want 403", token, res.StatusCode)
		}
	}
	// Another session's token does not work either.
	other := f.Login("owner")
	_, page := other.Get("/account/tokens")
	if res, _ := c.Post(path, url.Values{"name": {"forged"}, "csrf": {webtest.CSRF(page)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST with another session's token: status %d, want 403", res.StatusCode)
	}
	if keys, _ := f.Store.WriteKeys(context.Background(), f.A.ID); len(keys) != 0 {
		t.Errorf("%d keys created by forged posts", len(keys))
	}
	// Signing in needs the form's token too.
	res, _ := f.Client().Post("/login", url.Values{"email": {f.Users["owner"].Email}, "password": {webtest.Password}})
	if res.StatusCode != http.StatusForbidden || hasCookie(res, "ripple_session") {
		t.Errorf("sign-in without the form token: status %d, want 403 and no session", res.StatusCode)
	}
}

func hasCookie(res *http.Response, name string) bool {
	for _, c := range res.Cookies() {
		if c.Name == name && c.Value != "" {
			return true
		}
	}
	return false
}

// TestLoginRateLimit: after too many failures even the right password is
// refused, per account and per address.
func TestLoginRateLimit(t *testing.T) {
	f := webtest.New(t)
	c := f.Client()
	email := f.Users["viewer"].Email
	for i := 0; i < 5; i++ {
		if res := c.LoginAs(email, "wrong password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, res.StatusCode)
		}
	}
	if res := c.LoginAs(email, webtest.Password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password after 5 failures: status %d, want 429", res.StatusCode)
	}
	// Another account from the same address still signs in until the
	// address itself has failed too often.
	if res := c.LoginAs(f.Users["analyst"].Email, webtest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("other account: status %d, want 303", res.StatusCode)
	}
	c = f.Client()
	for i := 0; i < 15; i++ {
		c.LoginAs("nobody"+string(rune('a'+i))+"@example.com", "wrong password")
	}
	if res := c.LoginAs(f.Users["owner"].Email, webtest.Password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from one address: status %d, want 429", res.StatusCode)
	}
}

// TestLoginRateLimitParallel: tries made at once share the budget; they do
// not all pass the check before the first failure is counted.
func TestLoginRateLimitParallel(t *testing.T) {
	f := webtest.New(t)
	email := f.Users["viewer"].Email
	const tries = 12
	codes := make(chan int, tries)
	var wg sync.WaitGroup
	for range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- f.Client().LoginAs(email, "wrong password").StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	checked := 0
	for code := range codes {
		if code == http.StatusUnauthorized {
			checked++
		}
	}
	if checked > access.AccountFailures {
		t.Fatalf("%d of %d parallel wrong passwords were checked, want at most %d", checked, tries, access.AccountFailures)
	}
}

// TestSessionsEnd: signing out, signing out everywhere and being removed
// each end sessions at once.
func TestSessionsEnd(t *testing.T) {
	f := webtest.New(t)
	overview := "/w/" + f.A.ID + "/overview"
	signedOut := func(c *webtest.Client) bool {
		res, _ := c.Get(overview)
		return res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login")
	}
	c := f.Login("viewer")
	if signedOut(c) {
		t.Fatal("fresh session does not open the overview")
	}
	// Keep the cookie to replay it after sign-out.
	u, _ := url.Parse(f.Server.URL)
	stolen := c.HTTP.Jar.Cookies(u)
	c.PostWithCSRF(overview, "/logout", url.Values{})
	replay := f.Client()
	replay.HTTP.Jar.SetCookies(u, stolen)
	if !signedOut(replay) {
		t.Error("a signed-out session's cookie still works")
	}

	c1, c2 := f.Login("analyst"), f.Login("analyst")
	c1.PostWithCSRF(overview, "/logout-everywhere", url.Values{})
	if !signedOut(c1) || !signedOut(c2) {
		t.Error("sign out everywhere left a session open")
	}

	removed := f.Login("responder")
	owner := f.Login("owner")
	res, _ := owner.PostWithCSRF("/w/"+f.A.ID+"/settings/users", "/w/"+f.A.ID+"/settings/users/"+f.Users["responder"].ID+"/remove", url.Values{})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("remove: status %d", res.StatusCode)
	}
	if res, _ := removed.Get("/w/" + f.A.ID + "/inbox"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("removed user's session: status %d, want 303 to sign in", res.StatusCode)
	}
}

// TestSecretsNotStoredPlain: passwords, sessions, tokens and keys are kept
// only as hashes.
func TestSecretsNotStoredPlain(t *testing.T) {
	f := webtest.New(t)
	c := f.Login("owner")
	_, body := c.PostWithCSRF("/account/tokens", "/account/tokens", url.Values{"name": {"ci"}, "workspace": {f.A.ID}, "role": {"viewer"}})
	token := between(body, `<code id="new-token">`, `</code>`)
	if !strings.HasPrefix(token, "rpt_") {
		t.Fatalf("no token shown once: %q", token)
	}
	_, body = c.PostWithCSRF("/w/"+f.A.ID+"/settings/keys", "/w/"+f.A.ID+"/settings/keys", url.Values{"name": {"site"}})
	key := between(body, `<code id="new-secret">`, `</code>`)
	if !strings.HasPrefix(key, "rk_") {
		t.Fatalf("no key shown once: %q", key)
	}
	u, _ := url.Parse(f.Server.URL)
	var session string
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "ripple_session" {
			session = ck.Value
		}
	}
	// Look for the secrets in every text column of every table.
	ctx := context.Background()
	for name, secret := range map[string]string{"password": webtest.Password, "token": token, "key": key, "session": session} {
		if secret == "" {
			t.Fatalf("no %s to look for", name)
		}
		cols, err := f.Store.ColumnsHolding(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if len(cols) > 0 {
			t.Errorf("%v hold the %s in plain text", cols, name)
		}
	}
	// The search finds what is stored: the hint of the key is.
	if cols, err := f.Store.ColumnsHolding(ctx, key[len(key)-4:]); err != nil || !slices.Contains(cols, "write_keys.hint") {
		t.Errorf("the search for the key's last characters found %v, %v; want write_keys.hint", cols, err)
	}
	if _, hash, err := f.Store.UserByEmail(ctx, f.Users["owner"].Email); err != nil || !strings.HasPrefix(hash, "$argon2id$") {
		t.Errorf("password hash %q, %v: not argon2id", hash, err)
	}
	// Shown once: the tokens page does not show it again.
	if _, body := c.Get("/account/tokens"); strings.Contains(body, token) {
		t.Error("the token is shown again after creation")
	}
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

// TestOverviewNumbers checks the Overview against the fixture's known
// events, with and without a channel filter.
func TestOverviewNumbers(t *testing.T) {
	f := webtest.New(t)
	c := f.Login("viewer")
	base := "/w/" + f.A.ID + "/overview"
	tests := []struct {
		query                              string
		events, people, purchases, revenue string
		funnel                             string // CSV body
	}{
		{"?from=2025-03-01&to=2025-03-31", "6", "3", "1", "120.50",
			"stage,rank,people_reached\nstimulus,1,3\nfind,2,3\nunderstand,3,2\nengage,4,2\npurchase,5,1\nadvocate,6,0\n"},
		{"?from=2025-03-01&to=2025-03-31&channel=facebook%2Fpaid", "2", "2", "0", "0.00",
			"stage,rank,people_reached\nstimulus,1,2\nfind,2,0\nunderstand,3,0\nengage,4,0\npurchase,5,0\nadvocate,6,0\n"},
		{"?from=2025-03-30&to=2025-03-31", "1", "1", "0", "0.00",
			"stage,rank,people_reached\nstimulus,1,1\nfind,2,1\nunderstand,3,0\nengage,4,0\npurchase,5,0\nadvocate,6,0\n"},
		{"", "6", "3", "1", "120.50", ""}, // default range: the 30 days ending today, the fixture's last day
	}
	for _, tt := range tests {
		res, body := c.Get(base + tt.query)
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", tt.query, res.StatusCode)
		}
		for id, want := range map[string]string{"stat-events": tt.events, "stat-people": tt.people, "stat-purchases": tt.purchases, "stat-revenue": tt.revenue} {
			if have := between(body, `id="`+id+`">`, "<"); have != want {
				t.Errorf("%s %s: have %q, want %q", tt.query, id, have, want)
			}
		}
		if tt.funnel != "" {
			res, csv := c.Get(base + "/funnel.csv" + tt.query)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("funnel.csv content type %q", ct)
			}
			if csv = strings.ReplaceAll(csv, "\r\n", "\n"); csv != tt.funnel {
				t.Errorf("%s funnel.csv:\nhave %q\nwant %q", tt.query, csv, tt.funnel)
			}
		}
	}
	_, csv := c.Get(base + "/events.csv?from=2025-03-25&to=2025-03-31&channel=web%2Fowned")
	want := "day,channel_key,channel,events\n2025-03-26,web/owned,web/owned,1\n2025-03-27,web/owned,web/owned,1\n2025-03-29,web/owned,web/owned,1\n2025-03-31,web/owned,web/owned,1\n"
	if csv = strings.ReplaceAll(csv, "\r\n", "\n"); csv != want {
		t.Errorf("events.csv:\nhave %q\nwant %q", csv, want)
	}
	for _, bad := range []string{"?from=yesterday", "?from=2025-03-31&to=2025-03-01", "?from=2020-01-01&to=2025-01-01"} {
		if res, _ := c.Get(base + bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, res.StatusCode)
		}
	}
}

// TestSettings: rename a workspace, rename a channel (reports then show the
// name), invite a user who can then sign in, change a role.
func TestSettings(t *testing.T) {
	f := webtest.New(t)
	c := f.Login("owner")
	s := "/w/" + f.A.ID + "/settings/"
	if res, body := c.PostWithCSRF(s+"workspace", s+"workspace", url.Values{"name": {"Acme Boots"}, "business_type": {"service"}}); res.StatusCode != 200 || !strings.Contains(body, "Saved.") {
		t.Fatalf("rename workspace: %d", res.StatusCode)
	}
	if ws, _ := f.Store.Workspace(context.Background(), f.A.ID); ws.Name != "Acme Boots" || ws.BusinessType != "service" {
		t.Errorf("workspace after save: %+v", ws)
	}
	if res, body := c.PostWithCSRF(s+"workspace", s+"workspace", url.Values{"name": {" "}, "business_type": {"product"}}); res.StatusCode != 400 || !strings.Contains(body, "name: is required") {
		t.Errorf("empty name: %d", res.StatusCode)
	}
	res, _ := c.PostWithCSRF(s+"channels", s+"channels", url.Values{"channel": {"facebook/paid"}, "name": {"Facebook Ads"}, "platform": {"facebook"}, "ownership": {"paid"}})
	if res.StatusCode != 200 {
		t.Fatalf("rename channel: %d", res.StatusCode)
	}
	_, body := c.Get("/w/" + f.A.ID + "/overview?from=2025-03-01&to=2025-03-31")
	if !strings.Contains(body, "Facebook Ads") {
		t.Error("the overview does not show the channel's new name")
	}
	if res, _ := c.PostWithCSRF(s+"channels", s+"channels", url.Values{"channel": {"facebook/paid"}, "ownership": {"stolen"}}); res.StatusCode != 400 {
		t.Errorf("bad ownership: %d, want 400", res.StatusCode)
	}
	// The form prefills only what was overridden: the facebook/paid row
	// carries its new name, and nothing pins the derived platform or
	// ownership of a channel that was not corrected.
	_, body = c.Get(s + "channels")
	if !strings.Contains(body, `value="Facebook Ads"`) || strings.Contains(body, `name="platform" value="facebook"`) || strings.Contains(body, `value="paid" selected`) {
		t.Error("the channel form prefills derived values, so saving a name would pin them")
	}

	res, body = c.PostWithCSRF(s+"users", s+"users", url.Values{"email": {"new@example.com"}, "name": {"New"}, "role": {"analyst"}})
	password := between(body, `<code id="new-password">`, `</code>`)
	if res.StatusCode != 200 || password == "" {
		t.Fatalf("invite: %d, password %q", res.StatusCode, password)
	}
	nc := f.Client()
	if res := nc.LoginAs("new@example.com", password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invited user signs in: %d", res.StatusCode)
	}
	if res, _ := nc.Get("/w/" + f.A.ID + "/overview"); res.StatusCode != 200 {
		t.Errorf("invited analyst opens the overview: %d", res.StatusCode)
	}
	// Demote the invited analyst to responder: the overview closes at once.
	u, _ := f.Auth.UserByEmail(context.Background(), "new@example.com")
	if res, _ := c.PostWithCSRF(s+"users", s+"users/"+u.ID+"/role", url.Values{"role": {"responder"}}); res.StatusCode != 200 {
		t.Fatalf("change role: %d", res.StatusCode)
	}
	if res, _ := nc.Get("/w/" + f.A.ID + "/overview"); res.StatusCode != 403 {
		t.Errorf("demoted user opens the overview: %d, want 403", res.StatusCode)
	}
}

// TestSecretsNeverLogged: signing in (rightly and wrongly), creating a write
// key and an API token, and using both leave none of the secrets in the
// server's log, even at debug level.
func TestSecretsNeverLogged(t *testing.T) {
	f := webtest.New(t)
	c := f.Client()
	c.LoginAs(f.Users["owner"].Email, "not the password")
	c.LoginAs(f.Users["owner"].Email, webtest.Password)
	a := "/w/" + f.A.ID
	_, page := c.PostWithCSRF(a+"/settings/keys", a+"/settings/keys", url.Values{"name": {"site"}})
	key := regexp.MustCompile(`rk_[0-9a-f]{48}`).FindString(page)
	if key == "" {
		t.Fatal("the new write key's secret was not shown")
	}
	token := f.Token("owner", f.A.ID, access.Owner)
	req, _ := http.NewRequest("POST", f.Server.URL+"/v1/track", strings.NewReader(`{"userId":"u1","event":"Signed Up"}`))
	req.SetBasicAuth(key, "")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("tracking with the new key: %v %v", res, err)
	}
	req, _ = http.NewRequest("POST", f.Server.URL+"/v1/track", strings.NewReader(`{"userId":"u1"}`))
	req.SetBasicAuth(key, "")
	http.DefaultClient.Do(req) // rejected: no event name
	req, _ = http.NewRequest("GET", f.Server.URL+"/api/v1/workspaces", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("API with the token: %v %v", res, err)
	}
	logs := f.Logs()
	if logs == "" {
		t.Fatal("the server logged nothing: the test would prove nothing")
	}
	for name, secret := range map[string]string{"password": webtest.Password, "wrong password": "not the password", "write key": key, "API token": token} {
		if strings.Contains(logs, secret) {
			t.Errorf("the %s appears in the server log", name)
		}
	}
}

// TestDefaultRangeEndsToday: the default range ends today in the
// workspace's zone, wherever its latest event is. A workspace whose events
// are older shows an empty range with a link to the days that hold them,
// and an event dated 9999 moves nobody's range.
func TestDefaultRangeEndsToday(t *testing.T) {
	f := webtest.New(t)
	ctx := context.Background()
	future := event.Message{Workspace: f.A.ID, MessageID: "from-9999", Type: event.Track, UserID: "dan", Event: "x",
		Timestamp: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), ReceivedAt: f.Day, Stage: event.Stimulus}
	if _, err := f.Store.AppendEvents(ctx, []event.Message{future}); err != nil {
		t.Fatal(err)
	}
	c := f.Login("viewer")
	overview := "/w/" + f.A.ID + "/overview"
	if _, body := c.Get(overview); between(body, `id="stat-events">`, "<") != "6" || strings.Contains(body, `id="empty-range"`) {
		t.Errorf("today's default range does not hold the fixture's 6 events")
	}
	// Ten weeks later the last 30 days are empty; the page says so and links
	// to the 30 days ending on the latest event before them, not to 9999.
	f.SetNow(f.Day.AddDate(0, 0, 70))
	c = f.Login("viewer") // the session of ten weeks ago has expired
	_, body := c.Get(overview)
	if have := between(body, `id="stat-events">`, "<"); have != "0" || !strings.Contains(body, `id="empty-range"`) {
		t.Fatalf("ten weeks on: %s events, empty-range note %v", have, strings.Contains(body, `id="empty-range"`))
	}
	link := html.UnescapeString(between(body, `id="earlier-range" href="`, `"`))
	if link != overview+"?from=2025-03-02&to=2025-03-31" || strings.Contains(body, `id="later-range"`) {
		t.Fatalf("earlier link %q, later link shown %v; want the 30 days ending 2025-03-31 and no link to 9999", link, strings.Contains(body, `id="later-range"`))
	}
	if _, body := c.Get(link); between(body, `id="stat-events">`, "<") != "6" {
		t.Error("the earlier range does not hold the fixture's events")
	}
	// A range before the data links forward to it, keeping the channel.
	_, body = c.Get(overview + "?from=2025-01-01&to=2025-01-10&channel=web%2Fowned")
	link = html.UnescapeString(between(body, `id="later-range" href="`, `"`))
	if link != overview+"?channel=web%2Fowned&from=2025-03-26&to=2025-04-04" {
		t.Errorf("later link %q; want the 10 days from the first web/owned event on", link)
	}
}

// TestWorkspaceZoneAndCurrency: the owner sets the time zone and the
// reporting currency in Settings; bad values are refused naming the field
// and change nothing; the Overview then counts days and money in them.
func TestWorkspaceZoneAndCurrency(t *testing.T) {
	f := webtest.New(t)
	ctx := context.Background()
	c := f.Login("owner")
	s := "/w/" + f.A.ID + "/settings/workspace"
	form := func(zone, currency string) url.Values {
		return url.Values{"name": {"Acme Shoes"}, "business_type": {"product"}, "time_zone": {zone}, "currency": {currency}}
	}
	_, page := c.Get(s)
	if !strings.Contains(page, `name="time_zone" id="time-zone" value="UTC"`) || !strings.Contains(page, `name="currency" id="currency" value="USD"`) {
		t.Fatal("the settings page does not show the time zone and the currency")
	}
	for _, bad := range []struct{ zone, currency, want string }{
		{"Mars/Olympus_Mons", "EUR", "time_zone: "},
		{"", "EUR", "time_zone: is required"},
		{"Local", "EUR", "time_zone: "},
		{"Europe/Paris", "EURO", "currency: "},
		{"Europe/Paris", "", "currency: is required"},
	} {
		res, body := c.PostWithCSRF(s, s, form(bad.zone, bad.currency))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, bad.want) {
			t.Errorf("zone %q currency %q: status %d, want 400 saying %q", bad.zone, bad.currency, res.StatusCode, bad.want)
		}
	}
	if ws, _ := f.Store.Workspace(ctx, f.A.ID); ws.TimeZone != "UTC" || ws.Currency != "USD" {
		t.Fatalf("refused forms changed the workspace: %+v", ws)
	}
	if res, body := c.PostWithCSRF(s, s, form(" Pacific/Kiritimati ", "eur")); res.StatusCode != 200 || !strings.Contains(body, "Saved.") ||
		!strings.Contains(body, `value="Pacific/Kiritimati"`) || !strings.Contains(body, `value="EUR"`) {
		t.Fatalf("save: status %d", res.StatusCode)
	}
	if ws, _ := f.Store.Workspace(ctx, f.A.ID); ws.TimeZone != "Pacific/Kiritimati" || ws.Currency != "EUR" {
		t.Fatalf("after save: %+v", ws)
	}
	// Kiritimati is UTC+14: the web/owned events of 10:00 UTC fall on the
	// next day there.
	_, csv := c.Get("/w/" + f.A.ID + "/overview/events.csv?from=2025-03-25&to=2025-04-01&channel=web%2Fowned")
	want := "day,channel_key,channel,events\n2025-03-27,web/owned,web/owned,1\n2025-03-28,web/owned,web/owned,1\n2025-03-30,web/owned,web/owned,1\n2025-04-01,web/owned,web/owned,1\n"
	if csv = strings.ReplaceAll(csv, "\r\n", "\n"); csv != want {
		t.Errorf("events.csv in Kiritimati:\nhave %q\nwant %q", csv, want)
	}
	// A purchase in another currency is shown apart, not added.
	other := event.Message{Workspace: f.A.ID, MessageID: "in-gbp", Type: event.Track, UserID: "bob", Event: "x",
		Timestamp: f.Day.Add(10 * time.Hour), ReceivedAt: f.Day, Stage: event.Purchase, Revenue: 40, Currency: "GBP"}
	if _, err := f.Store.AppendEvents(ctx, []event.Message{other}); err != nil {
		t.Fatal(err)
	}
	_, body := c.Get("/w/" + f.A.ID + "/overview?from=2025-03-01&to=2025-04-01")
	if have := between(body, `id="stat-revenue">`, "<"); have != "120.50" || !strings.Contains(body, ">EUR</abbr>") ||
		!strings.Contains(between(body, `id="other-currencies">`, "</p>"), "40.00 GBP from 1 purchase") {
		t.Errorf("revenue %q; want 120.50 EUR with 40.00 GBP apart", have)
	}
	if have := between(body, `id="stat-purchases">`, "<"); have != "2" {
		t.Errorf("purchases %q, want 2 (in any currency)", have)
	}
}

// TestNotFoundPage: a URL that is no page gets the styled 404, signed in or
// not, never Go's plain text.
func TestNotFoundPage(t *testing.T) {
	f := webtest.New(t)
	for _, tc := range []struct {
		who  string
		path string
	}{{"", "/nope"}, {"", "/w/" + f.A.ID + "/nope"}, {"", "/static/app.00000000.css"},
		{"owner", "/nope"}, {"owner", "/w/" + f.A.ID + "/nope"}, {"owner", "/w/" + f.A.ID + "/overview/nope.csv"}} {
		c := f.Client()
		if tc.who != "" {
			c = f.Login(tc.who)
		}
		res, body := c.Get(tc.path)
		if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `<link rel="stylesheet"`) || !strings.Contains(body, "404") || strings.Contains(body, "404 page not found") {
			t.Errorf("%s GET %s: status %d, %s; want the styled 404 page", tc.who, tc.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if signedIn := strings.Contains(body, "Sign out"); signedIn != (tc.who != "") {
			t.Errorf("%s GET %s: the header's sign-out shown %v", tc.who, tc.path, signedIn)
		}
	}
}

// TestErrorPageKeepsFilter: a mistyped date answers 400 with a page that
// names it and keeps the filter bar, on the default range, to fix it there.
func TestErrorPageKeepsFilter(t *testing.T) {
	f := webtest.New(t)
	c := f.Login("viewer")
	res, body := c.Get("/w/" + f.A.ID + "/overview?from=2025-13-01&channel=web%2Fowned")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "from: is not a date like 2025-01-31") {
		t.Fatalf("status %d; want 400 naming the date", res.StatusCode)
	}
	bar := between(body, `<form class="filter"`, "</form>")
	if !strings.Contains(bar, `name="from" value="2025-03-02"`) || !strings.Contains(bar, `name="to" value="2025-03-31"`) ||
		!strings.Contains(bar, `value="web/owned" selected`) {
		t.Errorf("the filter bar on the error page: %q", bar)
	}
	if !strings.Contains(body, `aria-label="Areas"`) {
		t.Error("the error page lost the navigation")
	}
}

// roleOptions are the options of the first role menu on a page.
func roleOptions(page string) []string {
	_, after, _ := strings.Cut(page, `<select name="role">`)
	menu, _, _ := strings.Cut(after, `</select>`)
	var out []string
	for _, m := range regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(menu, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestRoleMenus: a role menu offers only the roles its user may give: a
// member's role on the members page, a token's on the API tokens page.
func TestRoleMenus(t *testing.T) {
	f := webtest.New(t)
	_, page := f.Login("owner").Get("/w/" + f.A.ID + "/settings/users")
	if have := strings.Join(roleOptions(page), " "); have != "owner analyst responder viewer" {
		t.Errorf("the owner's Add someone menu offers %q", have)
	}
	for user, want := range map[string]string{"owner": "owner analyst responder viewer", "analyst": "analyst viewer", "responder": "responder", "viewer": "viewer"} {
		_, page := f.Login(user).Get("/account/tokens")
		if have := strings.Join(roleOptions(page), " "); have != want {
			t.Errorf("%s's API token menu offers %q, want %q", user, have, want)
		}
	}
	// What the menu does not offer, the server refuses too.
	res, page := f.Login("responder").PostWithCSRF("/account/tokens", "/account/tokens", url.Values{"name": {"x"}, "workspace": {f.A.ID}, "role": {"viewer"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "more rights than you have") {
		t.Errorf("a responder asking for a viewer token: %d", res.StatusCode)
	}
}

// TestAddSomeoneAgain: "Add someone" with a member's email refuses, saying
// how to change a role, and leaves the role as it was.
func TestAddSomeoneAgain(t *testing.T) {
	f := webtest.New(t)
	s := "/w/" + f.A.ID + "/settings/users"
	res, page := f.Login("owner").PostWithCSRF(s, s, url.Values{"email": {"Viewer@example.com"}, "role": {"owner"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "already a member of this workspace, as viewer: change their role instead") {
		t.Errorf("adding the viewer again as owner: %d", res.StatusCode)
	}
	if role, err := f.Store.MemberRole(context.Background(), f.Users["viewer"].ID, f.A.ID); err != nil || role != access.Viewer {
		t.Errorf("the viewer is now %q, %v", role, err)
	}
}
