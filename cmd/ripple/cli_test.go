package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ripple runs one command in-process and returns its stdout.
func ripple(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb, getenv: func(k string) string { return env[k] }})
	if err != nil {
		return out.String() + errb.String(), err
	}
	return out.String(), nil
}

func TestWorkspaceKeyImport(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"RIPPLE_DATA": data} // flags fall back to the environment
	if out, err := ripple(t, env, "workspace", "create", "--name", "Acme", "--business", "service"); err != nil || !strings.Contains(out, "created workspace ws_") {
		t.Fatalf("workspace create: %q, %v", out, err)
	}
	out, err := ripple(t, env, "workspace", "list")
	ws := regexp.MustCompile(`ws_[0-9a-f]+`).FindString(out)
	if err != nil || ws == "" || !strings.Contains(out, "service") {
		t.Fatalf("workspace list: %q, %v", out, err)
	}
	out, err = ripple(t, env, "key", "create", "--workspace", ws, "--name", "site")
	if err != nil || !regexp.MustCompile(`secret \(shown once\): rk_[0-9a-f]{48}`).MatchString(out) {
		t.Fatalf("key create: %q, %v", out, err)
	}
	keyID := regexp.MustCompile(`key_[0-9a-f]+`).FindString(out)
	if out, err := ripple(t, env, "key", "revoke", "--workspace", ws, "--key", keyID); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("key revoke: %q, %v", out, err)
	}
	if out, _ := ripple(t, env, "key", "list", "--workspace", ws); !strings.Contains(out, "revoked ") {
		t.Fatalf("key list after revoke: %q", out)
	}

	file := filepath.Join(t.TempDir(), "touchpoints.csv")
	os.WriteFile(file, []byte("user_id,event,timestamp,revenue\nu1,Order Completed,2026-10-01T10:00:00Z,12.5\nu2,,2026-10-01T10:00:00Z,\n"), 0o600)
	out, err = ripple(t, env, "import", file)
	if err != nil || !strings.Contains(out, "accepted 1, duplicate 0, rejected 1") || !strings.Contains(out, "line 3: event: is required for track") {
		t.Fatalf("import: %q, %v", out, err)
	}
	out, err = ripple(t, env, "import", file)
	if err != nil || !strings.Contains(out, "accepted 0, duplicate 1, rejected 1") {
		t.Fatalf("second import: %q, %v", out, err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nonsense"}, `unknown command "nonsense"`},
		{[]string{"key", "create"}, "--workspace: is required"},
		{[]string{"import", "--data", t.TempDir(), "missing.ndjson"}, "no such file"},
		{[]string{"import", "--data", t.TempDir(), "-"}, "there is no workspace yet"},
		{[]string{"import", "--memory", "lots", "x.ndjson"}, `--memory: "lots" is not a size`},
		{[]string{"serve", "--log-level", "loud"}, `"loud" is not debug, info, warn or error`},
	} {
		out, err := ripple(t, nil, tc.args...)
		if err == nil || !strings.Contains(out+err.Error(), tc.want) {
			t.Errorf("ripple %v: %q, %v; want an error mentioning %q", tc.args, out, err, tc.want)
		}
	}
}

func TestDemoSeedsAndServes(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data", data, "--addr", "127.0.0.1:0", "--events", "20000", "--days", "30"},
			stdio{out: &out, err: &errb, getenv: func(string) string { return "" }})
	}()
	addr := regexp.MustCompile(`Open http://(\S+) `)
	deadline := time.Now().Add(2 * time.Minute)
	for !addr.MatchString(out.String()) {
		select {
		case err := <-done:
			t.Fatalf("demo stopped: %v\n%s", err, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo never served; stderr:\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	printed := out.String()
	base := "http://" + addr.FindStringSubmatch(printed)[1]
	key := regexp.MustCompile(`write key: (rk_[0-9a-f]+)`).FindStringSubmatch(printed)
	if !strings.Contains(printed, "owner@ripple.demo") || key == nil {
		t.Fatalf("demo did not print the login and the write key:\n%s", printed)
	}
	req, _ := http.NewRequest("POST", base+"/v1/track", strings.NewReader(`{"userId":"u1","event":"Signed Up"}`))
	req.SetBasicAuth(key[1], "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("tracking with the printed key: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo shutdown: %v", err)
	}
	for _, f := range []string{"channels.csv", "people.csv", "referrals.csv", "mentions.csv", "spend.csv"} {
		if _, err := os.Stat(filepath.Join(data, "truth", f)); err != nil {
			t.Errorf("ground truth %s: %v", f, err)
		}
	}

	// A second run serves the same data instead of seeding again.
	ctx, cancel = context.WithCancel(context.Background())
	out = lockedBuffer{}
	go func() {
		done <- run(ctx, []string{"demo", "--data", data, "--addr", "127.0.0.1:0"}, stdio{out: &out, err: &errb, getenv: func(string) string { return "" }})
	}()
	for !strings.Contains(out.String(), "Serving the existing data") {
		if time.Now().After(deadline) {
			t.Fatalf("second demo run: %q", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(fmt.Errorf("second demo shutdown: %w", err))
	}
}
