package collect_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestWorkspaceIsolation: events sent with workspace A's key land in A and
// nowhere else, whatever the body claims; and one workspace's message ids
// never suppress another's events.
func TestWorkspaceIsolation(t *testing.T) {
	r := newRig(t)
	wsB, keyB := newWorkspace(t, r.st, "Beta")

	claimB := func(id string) string {
		// Every place a body could try to name another tenant.
		return fmt.Sprintf(`{"type":"track","event":"Order Completed","userId":"u","messageId":%q,
			"workspace":%q,"workspaceId":%q,"workspace_id":%q,"writeKey":%q,
			"properties":{"workspace_id":%q},"context":{"workspace":%q}}`, id, wsB, wsB, wsB, keyB, wsB, wsB)
	}
	tests := []struct {
		name    string
		headers map[string]string
		body    string
		wantWS  string
	}{
		{"A's key, body claims B everywhere", map[string]string{"Authorization": basic(r.key)},
			`{"writeKey":"` + keyB + `","workspaceId":"` + wsB + `","batch":[` + claimB("iso-1") + `]}`, r.ws},
		{"A's key in the body, message claims B", nil,
			`{"writeKey":"` + r.key + `","batch":[` + claimB("iso-2") + `]}`, r.ws},
		{"B's key, same message id as A's", map[string]string{"Authorization": basic(keyB)},
			`{"batch":[` + track("iso-1") + `]}`, wsB},
	}
	for _, tt := range tests {
		resp := postHeaders(t, r.url+"/v1/batch", []byte(tt.body), tt.headers)
		if resp.Status != http.StatusOK {
			t.Fatalf("%s: status %d %s", tt.name, resp.Status, resp.Body)
		}
	}
	for _, call := range []string{"/v1/track", "/v1/identify"} {
		body := fmt.Sprintf(`{"userId":"u","event":"Signed Up","messageId":"single%s","writeKey":%q,"workspaceId":%q}`, call[3:], keyB, wsB)
		if resp := post(t, r.url, call, r.key, []byte(body), false); resp.Status != http.StatusOK {
			t.Fatalf("%s: status %d %s", call, resp.Status, resp.Body)
		}
	}

	got := map[string][]string{}
	for _, s := range rows(t, r.st, "") {
		got[s.Workspace] = append(got[s.Workspace], s.MessageID)
	}
	want := map[string][]string{r.ws: {"iso-1", "iso-2", "single/identify", "single/track"}, wsB: {"iso-1"}}
	for ws, ids := range want {
		if fmt.Sprint(got[ws]) != fmt.Sprint(ids) {
			t.Errorf("workspace %s holds %v, want %v", ws, got[ws], ids)
		}
	}
	if len(got) != 2 {
		t.Errorf("events landed in %d workspaces: %v", len(got), got)
	}
}

// TestRevokedKey: a revoked key is refused with 401 at once after
// ForgetKeys, and within the key cache's lifetime without it; nothing it
// sends afterwards is stored.
func TestRevokedKey(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	k2, secret2, err := r.st.CreateWriteKey(ctx, r.ws, "second")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := r.st.WriteKeys(ctx, r.ws)
	if err != nil {
		t.Fatal(err)
	}
	var k1 string
	for _, k := range keys {
		if k.ID != k2.ID {
			k1 = k.ID
		}
	}
	// Both keys work, and are now cached.
	for i, key := range []string{r.key, secret2} {
		if resp := post(t, r.url, "/v1/batch", key, batchOf(track(fmt.Sprintf("before-%d", i))), false); resp.Status != 200 {
			t.Fatalf("key %d before revocation: %d %s", i, resp.Status, resp.Body)
		}
	}

	if err := r.st.RevokeWriteKey(ctx, r.ws, k1); err != nil {
		t.Fatal(err)
	}
	r.srv.Collect.ForgetKeys()
	if resp := post(t, r.url, "/v1/batch", r.key, batchOf(track("after-forget")), false); resp.Status != http.StatusUnauthorized {
		t.Errorf("revoked key after ForgetKeys: status %d, want 401 (%s)", resp.Status, resp.Body)
	}

	// The second key is revoked without telling the collector: the cache
	// forgets it on its own within its lifetime (5 s).
	if resp := post(t, r.url, "/v1/batch", secret2, batchOf(track("cached")), false); resp.Status != 200 {
		t.Fatalf("second key: %d %s", resp.Status, resp.Body)
	}
	start := time.Now()
	if err := r.st.RevokeWriteKey(ctx, r.ws, k2.ID); err != nil {
		t.Fatal(err)
	}
	n := 0
	eventually(t, 15*time.Second, "revoked key refused", func() bool {
		n++
		resp := post(t, r.url, "/v1/batch", secret2, batchOf(track(fmt.Sprintf("after-ttl-%d", n))), false)
		return resp.Status == http.StatusUnauthorized
	})
	t.Logf("revoked key refused after %v and %d requests", time.Since(start).Round(time.Millisecond), n)

	// Whatever the cache let through before it expired, nothing is stored
	// from either key once refused.
	stored := map[string]bool{}
	for _, s := range rows(t, r.st, r.ws) {
		stored[s.MessageID] = true
	}
	if stored["after-forget"] || stored[fmt.Sprintf("after-ttl-%d", n)] {
		t.Errorf("a refused request was stored: %v", stored)
	}
	if !stored["before-0"] || !stored["before-1"] {
		t.Errorf("events sent before revocation are gone: %v", stored)
	}
}
