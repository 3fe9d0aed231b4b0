package httpfault_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/api"
	"ripple/internal/collect"
	"ripple/internal/fault"
	"ripple/internal/metrics"
	"ripple/internal/store"
	"ripple/internal/web"
	"ripple/internal/workspace"
)

// failingStore is the real store, except that looking up a credential (a
// write key, an API token, a session) fails with err: the first thing each
// adapter asks of it.
type failingStore struct {
	*store.Store
	err error
}

func (f failingStore) WorkspaceForKey(context.Context, string) (string, error) { return "", f.err }
func (f failingStore) APITokenByHash(context.Context, string) (access.Token, error) {
	return access.Token{}, f.err
}
func (f failingStore) SessionByHash(context.Context, string, time.Time) (access.Session, error) {
	return access.Session{}, f.err
}

// answer is what a client reads of a refusal.
type answer struct {
	status     int
	message    string
	retryAfter string
}

var pageMessage = regexp.MustCompile(`(?s)<section class="error">\s*<h1>[^<]*</h1>\s*<p>(.*?)</p>`)

// TestSameFaultEveryAdapter: the collection API, the REST API and the
// pages, each the real handler over the real store and domain, answer one
// fault with one status, one message and one Retry-After; an internal
// error is withheld from all three and logged once for each request.
func TestSameFaultEveryAdapter(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	failing := failingStore{Store: st}
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	auth := access.NewAuth(&failing, nil)
	settings := workspace.New(&failing, auth, nil, workspace.Hooks{})
	mux := http.NewServeMux()
	reg := metrics.New()
	batcher := collect.NewBatcher(st, reg, 16, 100)
	defer batcher.Close()
	collect.NewHandler(&failing, batcher, reg, log, nil).Register(mux)
	api.New(api.Deps{Auth: auth, Settings: settings, Reads: st}, log, api.Options{}).Register(mux)
	app, err := web.New(web.Deps{Auth: auth, Settings: settings, Reads: st}, log, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	app.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	send := func(req *http.Request) (*http.Response, string) {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	fromJSON := func(res *http.Response, body string) answer {
		var b struct{ Error string }
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatalf("not a JSON error body: %q", body)
		}
		return answer{res.StatusCode, b.Error, res.Header.Get("Retry-After")}
	}
	adapters := map[string]func() answer{
		"collection API": func() answer {
			req, _ := http.NewRequest("POST", srv.URL+"/v1/batch", strings.NewReader(`{"batch":[{"type":"track","userId":"u","event":"x"}]}`))
			req.SetBasicAuth("rk_anything", "")
			return fromJSON(send(req))
		},
		"REST API": func() answer {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/workspaces", nil)
			req.Header.Set("Authorization", "Bearer rpt_anything")
			return fromJSON(send(req))
		},
		"pages": func() answer {
			req, _ := http.NewRequest("POST", srv.URL+"/logout", strings.NewReader("csrf=x"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "ripple_session", Value: "rs_anything"})
			res, body := send(req)
			m := pageMessage.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("pages: no error message on the page:\n%s", body)
			}
			return answer{res.StatusCode, html.UnescapeString(m[1]), res.Header.Get("Retry-After")}
		},
	}

	internal := errors.New("store: read /var/lib/ripple/ripple.duckdb: input/output error")
	for _, tt := range []struct {
		err  error
		want answer
	}{
		{fault.Unavailable("the database is busy, retry in a moment", 2*time.Second, errors.New("lock timeout")),
			answer{503, "the database is busy, retry in a moment", "2"}},
		{fault.RateLimited("too many requests from this address: wait a minute", time.Minute),
			answer{429, "too many requests from this address: wait a minute", "60"}},
		{fault.Forbidden("this address may not call Ripple"), answer{403, "this address may not call Ripple", ""}},
		{fault.Invalid("credential", "is not in a form Ripple issues"), answer{400, "credential: is not in a form Ripple issues", ""}},
		{fault.Conflict("the credential is being rotated; use the new one"), answer{409, "the credential is being rotated; use the new one", ""}},
		{internal, answer{500, fault.InternalMessage, ""}},
	} {
		failing.err = tt.err
		logs.Reset()
		for name, call := range adapters {
			if have := call(); have != tt.want {
				t.Errorf("%v through the %s: %+v, want %+v", tt.err, name, have, tt.want)
			}
		}
		if tt.err == internal {
			if n := strings.Count(logs.String(), "input/output error"); n != len(adapters) {
				t.Errorf("the internal error was logged %d times for %d requests:\n%s", n, len(adapters), logs.String())
			}
		}
	}

	// An unknown credential is each adapter's own: each refuses with 401,
	// naming the credential it wanted.
	failing.err = store.ErrNotFound
	for name, call := range adapters {
		if have := call(); have.status != http.StatusUnauthorized || have.message == "" {
			t.Errorf("an unknown credential through the %s: %+v, want 401 with a message", name, have)
		}
	}
}
