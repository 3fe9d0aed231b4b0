package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"ripple/internal/access"
	"ripple/internal/store"
)

func TestUserCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	_, settings := domain(st)
	ws, err := settings.Create(ctx, "Acme", "product")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	runUser := func(stdin string, args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append([]string{"user"}, args...), stdio{in: strings.NewReader(stdin), out: &out, err: &errb, getenv: func(string) string { return "" }})
		return out.String(), err
	}
	out, err := runUser("", "create", "--data", dir, "--email", "ana@example.com", "--name", "Ana", "--workspace", ws.ID, "--role", "analyst")
	if err != nil {
		t.Fatal(err)
	}
	_, generated, ok := strings.Cut(out, "password (shown once): ")
	generated = strings.TrimSpace(generated)
	if !ok || len(generated) < access.MinPasswordLen {
		t.Fatalf("no generated password in %q", out)
	}
	if _, err := runUser("s3cret-from-stdin\n", "create", "--data", dir, "--email", "own@example.com", "--password-stdin", "--workspace", ws.ID, "--role", "owner"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{
		{"create", "--data", dir, "--email", "x@example.com", "--workspace", ws.ID, "--role", "boss"},
		{"create", "--data", dir, "--email", "x@example.com", "--workspace", "ws_nope", "--role", "viewer"},
		{"create", "--data", dir, "--email", "not-an-email", "--workspace", ws.ID, "--role", "viewer"},
		{"create", "--data", dir, "--email", "x@example.com", "--password", "short", "--workspace", ws.ID, "--role", "viewer"},
	} {
		if _, err := runUser("", bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	// Someone already a member keeps their role: create says how to change
	// it, and role does, but never takes the last owner's ownership.
	if _, err := runUser("", "create", "--data", dir, "--email", "ana@example.com", "--workspace", ws.ID, "--role", "owner"); err == nil || !strings.Contains(err.Error(), "already a member of this workspace, as analyst") || !strings.Contains(err.Error(), "ripple user role") {
		t.Errorf("create for a member: %v, want a refusal pointing to ripple user role", err)
	}
	if out, err := runUser("", "role", "--data", dir, "--email", "ana@example.com", "--workspace", ws.ID, "--role", "viewer"); err != nil || !strings.Contains(out, "now has the role viewer") {
		t.Errorf("role: %q, %v", out, err)
	}
	if _, err := runUser("", "role", "--data", dir, "--email", "own@example.com", "--workspace", ws.ID, "--role", "viewer"); err == nil || !strings.Contains(err.Error(), "last owner") {
		t.Errorf("demoting the last owner: %v, want a refusal", err)
	}
	out, err = runUser("", "list", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "ana@example.com") || !strings.Contains(out, "Acme ("+ws.ID+"): viewer") || !strings.Contains(out, "own@example.com") {
		t.Errorf("list:\n%s", out)
	}

	st, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	auth := access.NewAuth(st, nil)
	if _, _, err := auth.Login(ctx, "127.0.0.1", "ana@example.com", generated); err != nil {
		t.Errorf("sign in with the generated password: %v", err)
	}
	if _, _, err := auth.Login(ctx, "127.0.0.1", "own@example.com", "s3cret-from-stdin"); err != nil {
		t.Errorf("sign in with the password from stdin: %v", err)
	}
}
