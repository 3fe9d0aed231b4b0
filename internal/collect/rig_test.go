package collect_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/event"
	"ripple/internal/server"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// rig is a real Ripple server on a loopback port over a fresh store, with
// one workspace and its write key.
type rig struct {
	st   *store.Store
	srv  *server.Server
	url  string
	ws   string
	key  string
	stop func()
}

// newRig starts a server over a fresh store; opts, when given, configure it
// (a fake clock).
func newRig(t testing.TB, opts ...server.Options) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	ws, key := newWorkspace(t, st, "Acme")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var o server.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	srv, err := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), o)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	r := &rig{st: st, srv: srv, url: "http://" + ln.Addr().String(), ws: ws, key: key}
	stopped := false
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server stopped with %v", err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("store close: %v", err)
		}
	}
	t.Cleanup(r.stop)
	return r
}

func newWorkspace(t testing.TB, st *store.Store, name string) (ws, secret string) {
	t.Helper()
	ctx := context.Background()
	settings := workspace.New(st, nil, nil, workspace.Hooks{})
	w, err := settings.Create(ctx, name, "product")
	if err != nil {
		t.Fatalf("create workspace: %v", err)
	}
	_, secret, err = settings.CreateKey(ctx, access.Operator(w.ID), "test")
	if err != nil {
		t.Fatalf("create write key: %v", err)
	}
	return w.ID, secret
}

// stored is one row of the events table, as the tests compare it.
type stored struct {
	Workspace, MessageID, Type, UserID, AnonymousID, Event, Name string
	Properties, Traits, Context                                  string
	TS, Received                                                 time.Time
	Original, SentAt                                             sql.NullTime
}

// rows reads every stored event of a workspace ("" for all), by message id.
func rows(t testing.TB, st *store.Store, ws string) []stored {
	t.Helper()
	var out []stored
	err := st.Touchpoints(context.Background(), ws, func(m *event.Message) error {
		s := stored{Workspace: m.Workspace, MessageID: m.MessageID, Type: string(m.Type), UserID: m.UserID, AnonymousID: m.AnonymousID,
			Event: m.Event, Name: m.Name, Properties: string(m.Properties), Traits: string(m.Traits), Context: string(m.Context),
			TS: m.Timestamp, Received: m.ReceivedAt}
		s.Original = sql.NullTime{Time: m.OriginalTimestamp, Valid: !m.OriginalTimestamp.IsZero()}
		s.SentAt = sql.NullTime{Time: m.SentAt, Valid: !m.SentAt.IsZero()}
		out = append(out, s)
		return nil
	})
	if err != nil {
		t.Fatalf("read events: %v", err)
	}
	return out
}

// response is a collection API answer.
type response struct {
	Status  int
	Header  http.Header
	Success bool   `json:"success"`
	Error   string `json:"error"`
	Limit   int    `json:"limit"`
	Body    string
}

// post sends body to path with the write key as the Basic auth username;
// gzipped compresses it and says so.
func post(t testing.TB, url, path, key string, body []byte, gzipped bool) response {
	t.Helper()
	h := map[string]string{}
	if gzipped {
		body = gz(body)
		h["Content-Encoding"] = "gzip"
	}
	if key != "" {
		h["Authorization"] = basic(key)
	}
	return postHeaders(t, url+path, body, h)
}

// postHeaders posts a JSON body with the given headers and decodes the
// answer, which must be JSON whatever the status.
func postHeaders(t testing.TB, url string, body []byte, headers map[string]string) response {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Header: resp.Header, Body: string(raw)}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Errorf("POST %s: answer %d is not JSON: %q", url, resp.StatusCode, raw)
	}
	return r
}

// basic is the Authorization header Segment clients send: the write key as
// the username, no password.
func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
