package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

// clientsDir holds the npm packages of the real tracking clients and the
// script that drives them.
var clientsDir = filepath.Join("..", "..", "test", "clients")

// nodeOrSkip returns the node binary, skipping the test when node or the
// installed packages are missing, unless RIPPLE_REQUIRE_NODE=1 says they must
// be there.
func nodeOrSkip(t *testing.T) string {
	t.Helper()
	miss := func(what string) {
		if os.Getenv("RIPPLE_REQUIRE_NODE") == "1" {
			t.Fatalf("%s is missing and RIPPLE_REQUIRE_NODE=1: run ./test.sh, or npm ci --prefix test/clients", what)
		}
		t.Skipf("%s is missing (set RIPPLE_REQUIRE_NODE=1 to fail instead)", what)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		miss("node")
	}
	for _, pkg := range []string{"@segment/analytics-node", "@rudderstack/rudder-sdk-node"} {
		if _, err := os.Stat(filepath.Join(clientsDir, "node_modules", pkg, "package.json")); err != nil {
			miss("test/clients/node_modules/" + pkg)
		}
	}
	return node
}

// faultyProxy forwards every request to Ripple, but answers the first one
// badly after Ripple has taken it: with a 500, or by dropping the
// connection. The client then retries a batch that was in fact stored.
type faultyProxy struct {
	fault string // "", "500" or "drop"
	rp    *httputil.ReverseProxy

	mu          sync.Mutex
	requests    int
	firstStatus int            // what Ripple answered to the sabotaged request
	labels      map[string]int // Content-Encoding and Content-Type of each request
}

func (p *faultyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.requests++
	if p.labels == nil {
		p.labels = map[string]int{}
	}
	p.labels[r.Header.Get("Content-Encoding")+" "+r.Header.Get("Content-Type")]++
	first := p.requests == 1
	p.mu.Unlock()
	if !first || p.fault == "" {
		p.rp.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	p.rp.ServeHTTP(rec, r)
	p.mu.Lock()
	p.firstStatus = rec.Code
	p.mu.Unlock()
	switch p.fault {
	case "500":
		w.WriteHeader(http.StatusInternalServerError)
	case "drop":
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		conn.Close()
	}
}

// clientCalls is what the application does: identify a person, track what
// they do, record the pages they see.
func clientCalls(run string) []map[string]any {
	var calls []map[string]any
	for i := range 4 {
		user := fmt.Sprintf("%s-user-%d", run, i)
		calls = append(calls,
			map[string]any{"type": "identify", "userId": user,
				"traits": map[string]any{"email": user + "@example.com", "plan": "pro", "age": 30 + i}},
			map[string]any{"type": "page", "userId": user, "name": "Pricing",
				"properties": map[string]any{"url": "https://acme.example/pricing", "title": "Pricing"}},
			map[string]any{"type": "track", "userId": user, "event": "Order Completed",
				"properties": map[string]any{"revenue": 42.5 + float64(i), "currency": "EUR", "order_id": fmt.Sprintf("o-%d", i),
					"products": []any{map[string]any{"sku": "A1", "quantity": 2}}},
				"context": map[string]any{"campaign": map[string]any{"source": "facebook", "medium": "cpc", "name": "spring"}}},
		)
	}
	return calls
}

type driveReport struct {
	MessageIDs []string `json:"messageIds"`
	Errors     []string `json:"errors"`
}

func drive(t *testing.T, node, client, host, key string, calls []map[string]any) driveReport {
	t.Helper()
	job, _ := json.Marshal(map[string]any{"client": client, "host": host, "writeKey": key, "flushAt": 5, "calls": calls})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "drive.mjs")
	cmd.Dir = clientsDir
	cmd.Stdin = bytes.NewReader(job)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node drive.mjs (%s): %v\nstderr: %s", client, err, stderr.String())
	}
	var rep driveReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("driver report %q: %v\nstderr: %s", stdout.String(), err, stderr.String())
	}
	return rep
}

// TestRealClients points the real Segment and RudderStack Node clients at a
// running Ripple, directly and through a proxy that makes the first attempt
// fail after Ripple stored it, and checks every call is stored exactly once
// with what the application sent.
func TestRealClients(t *testing.T) {
	node := nodeOrSkip(t)
	for _, client := range []string{"segment", "rudderstack"} {
		for _, fault := range []string{"", "500", "drop"} {
			name := client + "/" + map[string]string{"": "direct", "500": "first-answer-500", "drop": "first-connection-dropped"}[fault]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := newRig(t)
				target, _ := url.Parse(r.url)
				proxy := &faultyProxy{fault: fault, rp: httputil.NewSingleHostReverseProxy(target)}
				ps := httptest.NewServer(proxy)
				defer ps.Close()

				calls := clientCalls(client + fault)
				start := time.Now().UTC()
				rep := drive(t, node, client, ps.URL, r.key, calls)
				end := time.Now().UTC()
				if len(rep.Errors) > 0 {
					t.Fatalf("the client reported delivery errors: %q", rep.Errors)
				}
				checkStored(t, r, calls, rep.MessageIDs, start, end)

				// RudderStack's SDK gzips and labels the body form-encoded;
				// the test must have gone through that path.
				proxy.mu.Lock()
				labels := proxy.labels
				proxy.mu.Unlock()
				if want := "gzip application/x-www-form-urlencoded"; client == "rudderstack" && (len(labels) != 1 || labels[want] == 0) {
					t.Errorf("rudderstack requests were labelled %v, want all %q", labels, want)
				}

				if fault != "" {
					proxy.mu.Lock()
					first, n := proxy.firstStatus, proxy.requests
					proxy.mu.Unlock()
					if first != http.StatusOK {
						t.Errorf("Ripple answered the sabotaged first request with %d, want 200 (stored)", first)
					}
					dupes := r.srv.Metrics.Counter("ripple_events_duplicate_total", "").Value()
					if dupes == 0 {
						t.Errorf("no duplicate was skipped after %d requests: the client did not resend the stored batch", n)
					}
				}
			})
		}
	}
}

// checkStored compares the workspace's stored events with the calls.
func checkStored(t *testing.T, r *rig, calls []map[string]any, ids []string, start, end time.Time) {
	t.Helper()
	if len(ids) != len(calls) {
		t.Fatalf("the client reported %d message ids for %d calls", len(ids), len(calls))
	}
	got := rows(t, r.st, r.ws)
	if len(got) != len(calls) {
		t.Errorf("stored %d events, want %d (one per call)", len(got), len(calls))
	}
	byID := map[string]stored{}
	for _, s := range got {
		if _, dup := byID[s.MessageID]; dup {
			t.Errorf("message %s stored twice", s.MessageID)
		}
		byID[s.MessageID] = s
	}
	for i, call := range calls {
		id := ids[i]
		s, ok := byID[id]
		if !ok {
			t.Errorf("call %d (%s): message %q not stored", i, call["type"], id)
			continue
		}
		if s.Type != call["type"] || s.UserID != call["userId"] {
			t.Errorf("call %d: stored type %q user %q, want %q %q", i, s.Type, s.UserID, call["type"], call["userId"])
		}
		if want, _ := call["event"].(string); s.Event != want {
			t.Errorf("call %d: stored event %q, want %q", i, s.Event, want)
		}
		if want, _ := call["name"].(string); s.Name != want {
			t.Errorf("call %d: stored name %q, want %q", i, s.Name, want)
		}
		if want, ok := call["properties"]; ok {
			subset(t, fmt.Sprintf("call %d properties", i), want, s.Properties)
		}
		if want, ok := call["traits"]; ok {
			subset(t, fmt.Sprintf("call %d traits", i), want, s.Traits)
		}
		// The clients stamp the call time; corrected for clock skew it must
		// fall inside the run, and never after Ripple received it.
		slack := 2 * time.Second
		if s.TS.Before(start.Add(-slack)) || s.TS.After(end.Add(slack)) || s.TS.After(s.Received.Add(time.Millisecond)) {
			t.Errorf("call %d: timestamp %v outside the run [%v, %v] or after receivedAt %v", i, s.TS, start, end, s.Received)
		}
		if !s.Original.Valid {
			t.Errorf("call %d: the client's own timestamp was not kept", i)
		}
	}
}

// subset checks that every key the application sent is stored with its
// value (clients may add keys of their own).
func subset(t *testing.T, what string, want any, stored string) {
	t.Helper()
	var have map[string]any
	if err := json.Unmarshal([]byte(stored), &have); err != nil {
		t.Errorf("%s: stored %q is not a JSON object: %v", what, stored, err)
		return
	}
	w, _ := json.Marshal(want)
	var wantMap map[string]any
	json.Unmarshal(w, &wantMap)
	for k, v := range wantMap {
		if !reflect.DeepEqual(have[k], v) {
			t.Errorf("%s.%s: have %v, want %v", what, k, have[k], v)
		}
	}
}
