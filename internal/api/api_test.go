package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"ripple/internal/access"
	"ripple/internal/api"
	"ripple/internal/server"
	"ripple/internal/web/webtest"
)

type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+api.Prefix+path, strings.NewReader(body))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	json.Unmarshal(b, &out)
	return res.StatusCode, out
}

func token(t *testing.T, f *webtest.Fixture, user, ws string, role access.Role) string {
	t.Helper()
	return f.Token(user, ws, role)
}

// TestRoles calls every route with a token of every role.
func TestRoles(t *testing.T) {
	f := webtest.New(t)
	a := "/workspaces/" + f.A.ID
	calls := []struct {
		method, path, body string
		want               [4]int // owner, analyst, responder, viewer
	}{
		{"GET", "/workspaces", "", [4]int{200, 200, 200, 200}},
		{"GET", a, "", [4]int{200, 200, 200, 200}},
		{"PATCH", a, `{"name":"Acme"}`, [4]int{200, 403, 403, 403}},
		{"GET", a + "/keys", "", [4]int{200, 403, 403, 403}},
		{"POST", a + "/keys", `{"name":"k"}`, [4]int{201, 403, 403, 403}},
		{"DELETE", a + "/keys/key_nope", "", [4]int{404, 403, 403, 403}},
		{"GET", a + "/members", "", [4]int{200, 403, 403, 403}},
		{"POST", a + "/members", `{"email":"x@example.com","role":"viewer"}`, [4]int{201, 403, 403, 403}},
		{"PATCH", a + "/members/usr_nope", `{"role":"viewer"}`, [4]int{404, 403, 403, 403}},
		{"DELETE", a + "/members/usr_nope", "", [4]int{404, 403, 403, 403}},
		{"GET", a + "/stats/overview?from=2025-03-01&to=2025-03-31", "", [4]int{200, 200, 403, 200}},
		{"GET", a + "/channels", "", [4]int{200, 200, 403, 200}},
		{"GET", a + "/funnel", "", [4]int{200, 200, 403, 200}},
		{"GET", a + "/people/ann", "", [4]int{200, 200, 403, 403}},
		{"GET", a + "/people/nobody", "", [4]int{404, 404, 403, 403}},
		{"PATCH", a + "/channels/web%2Fowned", `{"name":"Site"}`, [4]int{200, 403, 403, 403}},
		{"GET", "/tokens", "", [4]int{200, 200, 200, 200}},
		{"POST", "/tokens", `{"name":"n","role":"viewer"}`, [4]int{201, 201, 400, 201}}, // a responder cannot mint a viewer token
		{"DELETE", "/tokens/tok_nope", "", [4]int{404, 404, 404, 404}},
	}
	for i, role := range []access.Role{access.Owner, access.Analyst, access.Responder, access.Viewer} {
		c := apiClient{t, f.Server.URL, token(t, f, string(role), f.A.ID, role)}
		for _, call := range calls {
			want := call.want[i]
			if status, body := c.do(call.method, call.path, call.body); status != want {
				t.Errorf("%s %s %s: status %d, want %d (%v)", role, call.method, call.path, status, want, body)
			}
		}
	}
	if status, _ := (apiClient{t, f.Server.URL, ""}).do("GET", "/workspaces", ""); status != 401 {
		t.Errorf("no token: status %d, want 401", status)
	}
	if status, _ := (apiClient{t, f.Server.URL, "rpt_guess"}).do("GET", "/workspaces", ""); status != 401 {
		t.Errorf("made-up token: status %d, want 401", status)
	}
}

// TestIsolation: a token of A cannot reach B by editing the path, even when
// its user is an owner of both.
func TestIsolation(t *testing.T) {
	f := webtest.New(t)
	ctx := context.Background()
	bKey, _ := f.Key(f.B.ID, "b")
	c := apiClient{t, f.Server.URL, token(t, f, "agency", f.A.ID, access.Owner)}
	b := "/workspaces/" + f.B.ID
	for _, call := range [][3]string{
		{"GET", b, ""}, {"PATCH", b, `{"name":"mine"}`}, {"GET", b + "/keys", ""}, {"DELETE", b + "/keys/" + bKey.ID, ""},
		{"DELETE", "/workspaces/" + f.A.ID + "/keys/" + bKey.ID, ""},
		{"GET", b + "/members", ""}, {"DELETE", b + "/members/" + f.Users["b-owner"].ID, ""},
		{"PATCH", "/workspaces/" + f.A.ID + "/members/" + f.Users["b-owner"].ID, `{"role":"viewer"}`},
		{"GET", b + "/stats/overview", ""}, {"GET", b + "/channels", ""},
		{"GET", b + "/funnel", ""}, {"GET", b + "/people/zed", ""}, {"GET", "/workspaces/" + f.A.ID + "/people/zed", ""},
	} {
		if status, _ := c.do(call[0], call[1], call[2]); status != 404 {
			t.Errorf("A's token %s %s: status %d, want 404", call[0], call[1], status)
		}
	}
	_, list := c.do("GET", "/workspaces", "")
	if ws := list["workspaces"].([]any); len(ws) != 1 || ws[0].(map[string]any)["id"] != f.A.ID {
		t.Errorf("A's token lists %v", ws)
	}
	if keys, _ := f.Store.WriteKeys(ctx, f.B.ID); keys[0].RevokedAt != nil {
		t.Error("B's key revoked through A's token")
	}
}

// TestTokenLifecycle: a token is shown once, works, and stops working when
// revoked or when its user is removed or demoted.
func TestTokenLifecycle(t *testing.T) {
	f := webtest.New(t)
	owner := apiClient{t, f.Server.URL, token(t, f, "owner", f.A.ID, access.Owner)}
	status, created := owner.do("POST", "/tokens", `{"name":"export","role":"analyst"}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, created)
	}
	mine := apiClient{t, f.Server.URL, created["secret"].(string)}
	if status, _ := mine.do("GET", "/workspaces/"+f.A.ID+"/stats/overview", ""); status != 200 {
		t.Fatalf("new token: %d", status)
	}
	_, list := owner.do("GET", "/tokens", "")
	raw, _ := json.Marshal(list)
	if strings.Contains(string(raw), created["secret"].(string)) {
		t.Error("the token list shows a secret")
	}
	if status, _ := owner.do("DELETE", "/tokens/"+created["id"].(string), ""); status != 204 {
		t.Fatalf("revoke: %d", status)
	}
	if status, _ := mine.do("GET", "/workspaces/"+f.A.ID, ""); status != 401 {
		t.Errorf("revoked token: %d, want 401", status)
	}

	// Demoted from analyst to viewer: an analyst-role token stops working.
	an := apiClient{t, f.Server.URL, token(t, f, "analyst", f.A.ID, access.Analyst)}
	if status, m := owner.do("PATCH", "/workspaces/"+f.A.ID+"/members/"+f.Users["analyst"].ID, `{"role":"viewer"}`); status != 200 || m["role"] != "viewer" {
		t.Fatalf("demote: %d %v, want 200 and the role as it now is", status, m)
	}
	if status, _ := an.do("GET", "/workspaces/"+f.A.ID, ""); status != 401 {
		t.Errorf("demoted user's analyst token: %d, want 401", status)
	}
	// Removed: the viewer's token stops working.
	vw := apiClient{t, f.Server.URL, token(t, f, "viewer", f.A.ID, access.Viewer)}
	if status, _ := owner.do("DELETE", "/workspaces/"+f.A.ID+"/members/"+f.Users["viewer"].ID, ""); status != 204 {
		t.Fatalf("remove: %d", status)
	}
	if status, _ := vw.do("GET", "/workspaces/"+f.A.ID, ""); status != 401 {
		t.Errorf("removed user's token: %d, want 401", status)
	}
	// A viewer's token cannot mint an owner's.
	if _, _, err := f.Auth.CreateToken(context.Background(), access.Principal{User: f.Users["responder"]}, f.A.ID, access.Owner, "x"); err == nil {
		t.Error("a responder made an owner token")
	}
}

// TestOverviewMatchesPage: the API's overview numbers are the page's.
func TestOverviewMatchesPage(t *testing.T) {
	f := webtest.New(t)
	c := apiClient{t, f.Server.URL, token(t, f, "viewer", f.A.ID, access.Viewer)}
	q := "?from=2025-03-01&to=2025-03-31"
	status, o := c.do("GET", "/workspaces/"+f.A.ID+"/stats/overview"+q, "")
	if status != 200 {
		t.Fatal(status)
	}
	_, page := f.Login("viewer").Get("/w/" + f.A.ID + "/overview" + q)
	for id, key := range map[string]string{"stat-events": "events", "stat-people": "people", "stat-purchases": "purchases"} {
		re := regexp.MustCompile(`id="` + id + `">([^<]*)<`)
		m := re.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s on the page", id)
		}
		if have := strings.ReplaceAll(m[1], "\u202f", ""); have != jsonNum(o[key]) {
			t.Errorf("%s: page %s, API %v", key, have, o[key])
		}
	}
	if o["revenue"].(float64) != 120.5 {
		t.Errorf("revenue %v", o["revenue"])
	}
	funnel := o["funnel"].([]any)
	if len(funnel) != 6 || funnel[4].(map[string]any)["people"].(float64) != 1 {
		t.Errorf("funnel %v", funnel)
	}
	if status, body := c.do("GET", "/workspaces/"+f.A.ID+"/stats/overview?from=bad", ""); status != 400 || !strings.Contains(body["error"].(string), "from") {
		t.Errorf("bad from: %d %v", status, body)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestOpenAPIMatchesRoutes: every registered /api/v1 route is in the
// document, and every operation in the document reaches that route on the
// real mux.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := webtest.New(t)
	res, err := http.Get(f.Server.URL + api.Prefix + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	srv, err := server.New(f.Store, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, rt := range api.New(api.Deps{}, nil, api.Options{}).Routes() {
		registered[rt.Method+" "+rt.Path] = true
	}
	for k := range registered {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	var keys []string
	for k := range documented {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		method, path, _ := strings.Cut(k, " ")
		if !registered[k] {
			t.Errorf("openapi.json documents %s, which is not a route", k)
		}
		// The mux itself must send a concrete request to this pattern.
		concrete := param.ReplaceAllString(path, "x")
		req := httptest.NewRequest(method, api.Prefix+concrete, nil)
		if _, pattern := srv.Mux.Handler(req); pattern != method+" "+api.Prefix+path {
			t.Errorf("%s %s reaches pattern %q", method, concrete, pattern)
		}
	}
}

// TestJourney: a person's first and last touch and the funnel by first-touch
// channel come from the workspace's events.
func TestJourney(t *testing.T) {
	f := webtest.New(t)
	c := apiClient{t, f.Server.URL, token(t, f, "owner", f.A.ID, access.Owner)}
	status, ann := c.do("GET", "/workspaces/"+f.A.ID+"/people/ann", "")
	if status != 200 || ann["first_channel"] != "facebook/paid" || ann["last_channel"] != "web/owned" || ann["stage"] != "purchase" || ann["events"] != 3.0 {
		t.Fatalf("ann = %d %v; want first touch facebook/paid, last web/owned, purchase, 3 events", status, ann)
	}
	status, body := c.do("GET", "/workspaces/"+f.A.ID+"/funnel", "")
	if status != 200 {
		t.Fatalf("funnel: %d %v", status, body)
	}
	got := map[string][]float64{}
	for _, row := range body["funnel"].([]any) {
		r := row.(map[string]any)
		for _, s := range r["stages"].([]any) {
			got[r["first_channel"].(string)] = append(got[r["first_channel"].(string)], s.(map[string]any)["people"].(float64))
		}
	}
	// ann (to purchase) and bob (to engage) were first touched by facebook;
	// cy only found the site.
	want := map[string][]float64{"facebook/paid": {2, 2, 2, 2, 1, 0}, "web/owned": {1, 1, 0, 0, 0, 0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("funnel = %v, want %v", got, want)
	}
}

// TestTokensStayInTheirWorkspace: a token scoped to A neither lists nor
// revokes its user's tokens for B.
func TestTokensStayInTheirWorkspace(t *testing.T) {
	f := webtest.New(t)
	ctx := context.Background()
	a := apiClient{t, f.Server.URL, token(t, f, "agency", f.A.ID, access.Viewer)}
	bTok, bSecret, err := f.Auth.CreateToken(ctx, access.Principal{User: f.Users["agency"]}, f.B.ID, access.Owner, "b")
	if err != nil {
		t.Fatal(err)
	}
	_, list := a.do("GET", "/tokens", "")
	for _, tok := range list["tokens"].([]any) {
		if ws := tok.(map[string]any)["workspace_id"]; ws != f.A.ID {
			t.Errorf("A's token lists a token of workspace %v", ws)
		}
	}
	if status, _ := a.do("DELETE", "/tokens/"+bTok.ID, ""); status != 404 {
		t.Errorf("A's token revoking B's token: status %d, want 404", status)
	}
	if _, err := f.Auth.Token(ctx, bSecret); err != nil {
		t.Errorf("B's token stopped working: %v", err)
	}
}

// TestWorkspaceZoneAndCurrency: an owner sets the time zone and the
// reporting currency; bad values are refused naming the field and change
// nothing; the overview reports in them.
func TestWorkspaceZoneAndCurrency(t *testing.T) {
	f := webtest.New(t)
	c := apiClient{t, f.Server.URL, token(t, f, "owner", f.A.ID, access.Owner)}
	a := "/workspaces/" + f.A.ID
	if _, ws := c.do("GET", a, ""); ws["time_zone"] != "UTC" || ws["currency"] != "USD" {
		t.Fatalf("a new workspace: %v; want UTC and USD", ws)
	}
	for _, bad := range []struct{ body, field string }{
		{`{"time_zone":"Mars/Olympus_Mons"}`, "time_zone"},
		{`{"time_zone":""}`, "time_zone"},
		{`{"currency":"EURO"}`, "currency"},
		{`{"currency":"XAU","name":"Gold"}`, "currency"},
	} {
		if status, body := c.do("PATCH", a, bad.body); status != 400 || !strings.HasPrefix(fmt.Sprint(body["error"]), bad.field+":") {
			t.Errorf("PATCH %s: %d %v; want 400 naming %s", bad.body, status, body, bad.field)
		}
	}
	if ws, _ := f.Store.Workspace(context.Background(), f.A.ID); ws.TimeZone != "UTC" || ws.Currency != "USD" || ws.Name != "Acme Shoes" {
		t.Fatalf("refused patches changed the workspace: %+v", ws)
	}
	status, ws := c.do("PATCH", a, `{"time_zone":"Pacific/Kiritimati","currency":"eur"}`)
	if status != 200 || ws["time_zone"] != "Pacific/Kiritimati" || ws["currency"] != "EUR" || ws["name"] != "Acme Shoes" {
		t.Fatalf("PATCH: %d %v", status, ws)
	}
	// Kiritimati is UTC+14: the fixture's events at 10:00 UTC happen at
	// midnight of the next day there, and today there is already April 1.
	_, o := c.do("GET", a+"/stats/overview", "")
	if o["to"] != "2025-04-01" || o["time_zone"] != "Pacific/Kiritimati" || o["currency"] != "EUR" || o["events"] != 6.0 {
		t.Errorf("overview in Kiritimati: %v", o)
	}
	_, o = c.do("GET", a+"/stats/overview?from=2025-03-31&to=2025-03-31", "")
	if o["events"] != 0.0 {
		t.Errorf("March 31 in Kiritimati holds %v events, want 0 (the last one is on April 1 there)", o["events"])
	}
	// ann's purchase names no currency: it is revenue in EUR now.
	_, o = c.do("GET", a+"/stats/overview?from=2025-03-01&to=2025-04-01", "")
	if o["revenue"] != 120.5 || fmt.Sprint(o["other_currencies"]) != "[]" {
		t.Errorf("revenue %v, other currencies %v; want 120.5 EUR and none apart", o["revenue"], o["other_currencies"])
	}
}

// TestSameInputSameAnswer: the same bad input, through the REST API and
// through the pages, gets the same status and the same message.
func TestSameInputSameAnswer(t *testing.T) {
	f := webtest.New(t)
	c := apiClient{t, f.Server.URL, token(t, f, "owner", f.A.ID, access.Owner)}
	page := f.Login("owner")
	s := "/w/" + f.A.ID + "/settings/"
	problem := regexp.MustCompile(`<p class="problem" role="alert">([^<]*)</p>`)
	for _, tt := range []struct {
		what           string
		method, path   string
		body           string
		from, formPath string
		form           url.Values
		status         int
	}{
		{"an empty workspace name", "PATCH", "/workspaces/" + f.A.ID, `{"name":"  "}`,
			s + "workspace", s + "workspace", url.Values{"name": {"  "}, "business_type": {"product"}}, 400},
		{"a business type that is none", "PATCH", "/workspaces/" + f.A.ID, `{"business_type":"charity"}`,
			s + "workspace", s + "workspace", url.Values{"name": {"Acme Shoes"}, "business_type": {"charity"}}, 400},
		{"adding someone already a member", "POST", "/workspaces/" + f.A.ID + "/members", `{"email":"viewer@example.com","role":"owner"}`,
			s + "users", s + "users", url.Values{"email": {"viewer@example.com"}, "role": {"owner"}}, 409},
		{"a role that does not exist", "POST", "/workspaces/" + f.A.ID + "/members", `{"email":"new@example.com","role":"boss"}`,
			s + "users", s + "users", url.Values{"email": {"new@example.com"}, "role": {"boss"}}, 400},
		{"an ownership that is none", "PATCH", "/workspaces/" + f.A.ID + "/channels/web%2Fowned", `{"ownership":"stolen"}`,
			s + "channels", s + "channels", url.Values{"channel": {"web/owned"}, "ownership": {"stolen"}}, 400},
	} {
		status, body := c.do(tt.method, tt.path, tt.body)
		res, text := page.PostWithCSRF(tt.from, tt.formPath, tt.form)
		m := problem.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("%s: the page shows no problem (status %d)", tt.what, res.StatusCode)
			continue
		}
		msg, _ := body["error"].(string)
		if status != tt.status || res.StatusCode != tt.status || msg != html.UnescapeString(m[1]) || msg == "" {
			t.Errorf("%s: API %d %q, page %d %q; want both %d with one message", tt.what, status, msg, res.StatusCode, html.UnescapeString(m[1]), tt.status)
		}
	}
	if ms, _ := f.Store.Members(context.Background(), f.A.ID); len(ms) != 5 {
		t.Errorf("the refused adds changed the members: %d", len(ms))
	}
}
