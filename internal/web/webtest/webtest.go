// Package webtest builds, for tests, a real Ripple server over a fresh store
// with two workspaces, a user per role and known events, and a browser-like
// client that signs in with cookies and CSRF tokens as a person would.
package webtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/channel"
	"ripple/internal/event"
	"ripple/internal/server"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// Password is every fixture user's password.
const Password = "correct horse battery"

// Fixture is a running server with its data.
type Fixture struct {
	T      testing.TB
	Store  *store.Store
	Server *httptest.Server
	// Auth and Settings are the domain over Store, on the server's clock,
	// for a test to make what it needs (a token, a key) as Ripple's own
	// code would.
	Auth     *access.Auth
	Settings *workspace.Settings
	A, B     workspace.Workspace    // two clients of an agency
	Users    map[string]access.User // "owner", "analyst", "responder", "viewer" (of A), "agency" (owner of A and B), "b-owner" (of B only)
	// Day is the last day with events; the fixture's events fill the seven
	// days ending on it.
	Day time.Time

	now atomic.Pointer[time.Time] // the server's clock: noon UTC on Day, unless set

	logs logBuffer // everything the server logged, at debug level
}

// Now is the server's clock.
func (f *Fixture) Now() time.Time { return *f.now.Load() }

// SetNow moves the server's clock.
func (f *Fixture) SetNow(t time.Time) { f.now.Store(&t) }

// Logs is everything the server has logged so far.
func (f *Fixture) Logs() string { return f.logs.String() }

// logBuffer is written by the server's goroutines and read by the test.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// New starts a server over a fresh store.
func New(t testing.TB) *Fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &Fixture{T: t, Store: st, Users: map[string]access.User{}, Day: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)}
	f.SetNow(f.Day.Add(12 * time.Hour))
	f.Auth = access.NewAuth(st, f.Now)
	f.Settings = workspace.New(st, f.Auth, f.Now, workspace.Hooks{})
	if f.A, err = f.Settings.Create(ctx, "Acme Shoes", "product"); err != nil {
		t.Fatal(err)
	}
	if f.B, err = f.Settings.Create(ctx, "Bolt Consulting", "service"); err != nil {
		t.Fatal(err)
	}
	grant := func(name string, ws workspace.Workspace, role access.Role) {
		u, ok := f.Users[name]
		if !ok {
			if u, err = f.Auth.CreateUser(ctx, name+"@example.com", strings.ToUpper(name[:1])+name[1:], Password); err != nil {
				t.Fatal(err)
			}
			f.Users[name] = u
		}
		if _, _, err := f.Settings.Add(ctx, access.Operator(ws.ID), u.Email, "", string(role)); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range access.Roles {
		grant(string(r), f.A, r)
	}
	grant("agency", f.A, access.Owner)
	grant("agency", f.B, access.Owner)
	grant("b-owner", f.B, access.Owner)
	f.seed(ctx)

	log := slog.New(slog.NewTextHandler(&f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := server.New(st, log, server.Options{Now: f.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.Server = httptest.NewServer(srv.Handler())
	t.Cleanup(f.Server.Close)
	return f
}

// seed stores known events: in A, 3 people over 7 days on 2 channels; in B,
// one person on a channel A never sees.
func (f *Fixture) seed(ctx context.Context) {
	var msgs []event.Message
	n := 0
	add := func(ws, person string, day int, platform string, own channel.Ownership, stage event.Stage, revenue float64) {
		n++
		ts := f.Day.AddDate(0, 0, -day).Add(10 * time.Hour)
		msgs = append(msgs, event.Message{Workspace: ws, MessageID: fmt.Sprintf("m%d", n), Type: event.Track,
			UserID: person, Event: "x", Timestamp: ts, ReceivedAt: ts,
			Channel: channel.Channel{Platform: platform, Ownership: own, Group: "Test"}, Stage: stage, Revenue: revenue})
	}
	a := f.A.ID
	// ann: stimulus -> purchase; bob: stimulus -> engage; cy: find only.
	add(a, "ann", 6, "facebook", channel.Paid, event.Stimulus, 0)
	add(a, "ann", 5, "web", channel.Owned, event.Understand, 0)
	add(a, "ann", 4, "web", channel.Owned, event.Purchase, 120.5)
	add(a, "bob", 3, "facebook", channel.Paid, event.Stimulus, 0)
	add(a, "bob", 2, "web", channel.Owned, event.Engage, 0)
	add(a, "cy", 0, "web", channel.Owned, event.Find, 0)
	add(f.B.ID, "zed", 1, "linkedin", channel.Paid, event.Purchase, 999)
	if _, err := f.Store.AppendEvents(ctx, msgs); err != nil {
		f.T.Fatal(err)
	}
}

// Token makes an API token for the named fixture user in ws with role, as
// the API tokens page would, and returns its secret.
func (f *Fixture) Token(user, ws string, role access.Role) string {
	f.T.Helper()
	_, secret, err := f.Auth.CreateToken(context.Background(), access.Principal{User: f.Users[user]}, ws, role, "test")
	if err != nil {
		f.T.Fatal(err)
	}
	return secret
}

// Key makes a write key for ws, as its Settings page would.
func (f *Fixture) Key(ws, name string) (workspace.Key, string) {
	f.T.Helper()
	k, secret, err := f.Settings.CreateKey(context.Background(), access.Operator(ws), name)
	if err != nil {
		f.T.Fatal(err)
	}
	return k, secret
}

// Client is a browser-like client: it keeps cookies and reads CSRF tokens
// from the pages it gets.
type Client struct {
	f    *Fixture
	HTTP *http.Client
}

// Client returns a client that does not follow redirects, so tests see them.
func (f *Fixture) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{f: f, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// Login signs the user in with the fixture password.
func (f *Fixture) Login(name string) *Client {
	f.T.Helper()
	c := f.Client()
	if res := c.LoginAs(f.Users[name].Email, Password); res.StatusCode != http.StatusSeeOther {
		f.T.Fatalf("sign in as %s: status %d, want 303", name, res.StatusCode)
	}
	return c
}

// LoginAs posts the sign-in form as a browser does.
func (c *Client) LoginAs(email, password string) *http.Response {
	c.f.T.Helper()
	res, body := c.Get("/login")
	if res.StatusCode != http.StatusOK {
		c.f.T.Fatalf("GET /login: %d", res.StatusCode)
	}
	res, _ = c.Post("/login", url.Values{"csrf": {CSRF(body)}, "email": {email}, "password": {password}})
	return res
}

// Get fetches a path and returns the response and its body.
func (c *Client) Get(path string) (*http.Response, string) {
	c.f.T.Helper()
	res, err := c.HTTP.Get(c.f.Server.URL + path)
	if err != nil {
		c.f.T.Fatal(err)
	}
	return res, readBody(c.f.T, res)
}

// Post posts a form.
func (c *Client) Post(path string, form url.Values) (*http.Response, string) {
	c.f.T.Helper()
	res, err := c.HTTP.PostForm(c.f.Server.URL+path, form)
	if err != nil {
		c.f.T.Fatal(err)
	}
	return res, readBody(c.f.T, res)
}

// PostWithCSRF fetches from (a page with a form) for its CSRF token, then
// posts form to path with it.
func (c *Client) PostWithCSRF(from, path string, form url.Values) (*http.Response, string) {
	c.f.T.Helper()
	_, body := c.Get(from)
	token := CSRF(body)
	if token == "" {
		c.f.T.Fatalf("no CSRF token on %s", from)
	}
	form.Set("csrf", token)
	return c.Post(path, form)
}

func readBody(t testing.TB, res *http.Response) string {
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRF finds the form token on a page.
func CSRF(body string) string {
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// SeedVolume adds a realistic-looking spread of events to a workspace: n
// people over the days ending on f.Day, across a dozen channels, moving
// through the stages. It is deterministic, for screenshots and browser tests.
func (f *Fixture) SeedVolume(ws string, people, days int) {
	f.T.Helper()
	type ch struct {
		platform string
		own      channel.Ownership
		weight   int
	}
	chans := []ch{{"facebook", channel.Paid, 9}, {"instagram", channel.Paid, 7}, {"search", channel.Earned, 8}, {"web", channel.Owned, 12},
		{"email", channel.Owned, 5}, {"youtube", channel.Earned, 4}, {"pinterest", channel.Paid, 3}, {"x", channel.Earned, 2},
		{"linkedin", channel.Paid, 2}, {"tiktok", channel.Paid, 3}, {"tv", channel.Paid, 1}, {"direct", channel.Owned, 3}}
	total := 0
	for _, c := range chans {
		total += c.weight
	}
	seed := uint64(42)
	rnd := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	pick := func() ch {
		r := rnd(total)
		for _, c := range chans {
			if r < c.weight {
				return c
			}
			r -= c.weight
		}
		return chans[0]
	}
	var msgs []event.Message
	for p := 0; p < people; p++ {
		day := rnd(days)
		furthest := 1 + rnd(3)
		for furthest < 6 && rnd(100) < 45 {
			furthest++
		}
		for rank := 1; rank <= furthest; rank++ {
			c := pick()
			ts := f.Day.AddDate(0, 0, -day).Add(time.Duration(rnd(86400)) * time.Second)
			m := event.Message{Workspace: ws, MessageID: fmt.Sprintf("v%s-%d-%d", ws, p, rank), Type: event.Track,
				UserID: fmt.Sprintf("p%d", p), Event: "x", Timestamp: ts, ReceivedAt: ts,
				Channel: channel.Channel{Platform: c.platform, Ownership: c.own, Group: "Test"}, Stage: event.Stages[rank-1]}
			if m.Stage == event.Purchase {
				m.Revenue = float64(20 + rnd(180))
			}
			msgs = append(msgs, m)
			if day > 0 && rnd(2) == 0 {
				day--
			}
		}
	}
	if _, err := f.Store.AppendEvents(context.Background(), msgs); err != nil {
		f.T.Fatal(err)
	}
}
