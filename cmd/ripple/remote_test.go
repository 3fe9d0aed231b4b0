package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"ripple/internal/access"
	"ripple/internal/server"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// TestCommandsThroughAPIWhileServing: while a server process holds the data
// directory, key and workspace commands work through its API with a token,
// and say what to do without one.
func TestCommandsThroughAPIWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the ripple binary")
	}
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ws, token := ownerToken(t, st, access.Owner)
	st.Close()

	addr := freeLoopbackAddr(t)
	srv := startServeProcess(t, bin, dir, addr)
	env := map[string]string{"RIPPLE_DATA": dir, "RIPPLE_SERVER": "http://" + addr}
	if _, err := ripple(t, env, "key", "list", "--workspace", ws.ID); err == nil || !strings.Contains(err.Error(), "pass --token") {
		t.Fatalf("key list without a token while serving: %v, want advice to pass --token", err)
	}
	env["RIPPLE_TOKEN"] = token
	out, err := ripple(t, env, "key", "create", "--workspace", ws.ID, "--name", "site")
	keyID := regexp.MustCompile(`key_[0-9a-f]+`).FindString(out)
	if err != nil || keyID == "" || !regexp.MustCompile(`secret \(shown once\): rk_[0-9a-f]{48}`).MatchString(out) {
		t.Fatalf("key create through the API: %q, %v", out, err)
	}
	if out, err := ripple(t, env, "key", "revoke", "--workspace", ws.ID, "--key", keyID); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("key revoke through the API: %q, %v", out, err)
	}
	if out, err := ripple(t, env, "key", "list", "--workspace", ws.ID); err != nil || !strings.Contains(out, keyID) || !strings.Contains(out, "revoked ") {
		t.Fatalf("key list through the API: %q, %v", out, err)
	}
	if out, err := ripple(t, env, "workspace", "list"); err != nil || !strings.Contains(out, ws.ID) || !strings.Contains(out, "Acme") {
		t.Fatalf("workspace list through the API: %q, %v", out, err)
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
}

// TestListThroughServerIgnoresData: with --server and --token, workspace
// list asks the server whatever --data or RIPPLE_DATA says, and creates no
// data directory; without a token it refuses a directory that holds no
// data rather than make one.
func TestListThroughServerIgnoresData(t *testing.T) {
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ws, token := ownerToken(t, st, access.Viewer)
	srv, err := server.New(st, slog.New(slog.DiscardHandler), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	nowhere := filepath.Join(t.TempDir(), "not-here")
	elsewhere := filepath.Join(t.TempDir(), "nor-here")
	env := map[string]string{"RIPPLE_DATA": elsewhere}
	out, err := ripple(t, env, "workspace", "list", "--server", hs.URL, "--token", token, "--data", nowhere)
	if err != nil || !strings.Contains(out, ws.ID) || !strings.Contains(out, "Acme") {
		t.Fatalf("workspace list through the server: %q, %v", out, err)
	}
	if out, err := ripple(t, env, "workspace", "list", "--server", hs.URL, "--token", token); err != nil || !strings.Contains(out, ws.ID) {
		t.Fatalf("workspace list through the server, RIPPLE_DATA set: %q, %v", out, err)
	}
	if _, err := ripple(t, env, "workspace", "list", "--data", nowhere); err == nil || !strings.Contains(err.Error(), "holds no Ripple data") {
		t.Errorf("workspace list on a directory without data: %v, want a refusal saying so", err)
	}
	if _, err := ripple(t, env, "workspace", "list", "--server", hs.URL); err == nil || !strings.Contains(err.Error(), "--server: needs --token") {
		t.Errorf("workspace list with --server and no token: %v", err)
	}
	for _, dir := range []string{nowhere, elsewhere} {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was created: %v", dir, err)
		}
	}
}

// ownerToken makes a workspace "Acme" in st with an owner, and an API token
// of the owner's for it with the role.
func ownerToken(t *testing.T, st *store.Store, role access.Role) (workspace.Workspace, string) {
	t.Helper()
	ctx := context.Background()
	auth, settings := domain(st)
	ws, err := settings.Create(ctx, "Acme", "product")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := settings.Add(ctx, access.Operator(ws.ID), "owner@example.com", "Owner", "owner")
	if err != nil {
		t.Fatal(err)
	}
	u, err := auth.UserByEmail(ctx, m.Email)
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := auth.CreateToken(ctx, access.Principal{User: u}, ws.ID, role, "cli")
	if err != nil {
		t.Fatal(err)
	}
	return ws, token
}
