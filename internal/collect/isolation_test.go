package collect_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/clock"
	"ripple/internal/collect"
	"ripple/internal/server"
	"ripple/internal/workspace"
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
// ForgetKeys, and once the key cache's lifetime has passed without it;
// nothing it sends afterwards is stored. The server runs on a fake clock,
// so the lifetime passes without waiting for it.
func TestRevokedKey(t *testing.T) {
	clk := clock.NewFake(time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC))
	r := newRig(t, server.Options{Now: clk.Now})
	ctx := context.Background()
	settings := workspace.New(r.st, nil, clk.Now, workspace.Hooks{})
	op := access.Operator(r.ws)
	k2, secret2, err := settings.CreateKey(ctx, op, "second")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := settings.Keys(ctx, op)
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

	if err := settings.RevokeKey(ctx, op, k1); err != nil {
		t.Fatal(err)
	}
	r.srv.Collect.ForgetKeys()
	if resp := post(t, r.url, "/v1/batch", r.key, batchOf(track("after-forget")), false); resp.Status != http.StatusUnauthorized {
		t.Errorf("revoked key after ForgetKeys: status %d, want 401 (%s)", resp.Status, resp.Body)
	}

	// The second key is revoked without telling the collector: the cache
	// still answers for it within its lifetime, and forgets it on its own
	// once that has passed.
	if resp := post(t, r.url, "/v1/batch", secret2, batchOf(track("cached")), false); resp.Status != 200 {
		t.Fatalf("second key: %d %s", resp.Status, resp.Body)
	}
	if err := settings.RevokeKey(ctx, op, k2.ID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(collect.KeyTTL - time.Millisecond)
	if resp := post(t, r.url, "/v1/batch", secret2, batchOf(track("still-cached")), false); resp.Status != 200 {
		t.Fatalf("revoked second key within the cache's lifetime: %d %s, want 200 from the cache", resp.Status, resp.Body)
	}
	clk.Advance(time.Millisecond)
	if resp := post(t, r.url, "/v1/batch", secret2, batchOf(track("after-ttl")), false); resp.Status != http.StatusUnauthorized {
		t.Fatalf("revoked second key once the cache's lifetime has passed: %d %s, want 401", resp.Status, resp.Body)
	}

	// Nothing is stored from either key once refused.
	stored := map[string]bool{}
	for _, s := range rows(t, r.st, r.ws) {
		stored[s.MessageID] = true
	}
	if stored["after-forget"] || stored["after-ttl"] {
		t.Errorf("a refused request was stored: %v", stored)
	}
	if !stored["before-0"] || !stored["before-1"] || !stored["cached"] || !stored["still-cached"] {
		t.Errorf("events sent before the cache forgot the key are gone: %v", stored)
	}
}
