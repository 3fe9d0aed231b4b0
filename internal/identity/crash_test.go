package identity_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/identity"
	"ripple/internal/store"
)

const crashChildEnv = "RIPPLE_IDENTITY_CRASH_DIR"

// crashBatch is batch i of the crash test: ten people browse anonymously
// and sign up, and the ten of the batch before sign in on a new device.
func crashBatch(ws string, i int) []event.Message {
	var out []event.Message
	add := func(body string) {
		line := fmt.Sprintf(`{"messageId":"b%d-%d",%s`, i, len(out), strings.TrimPrefix(body, "{"))
		m, err := event.Parse([]byte(line), -1, day0.Add(time.Duration(i)*time.Minute), event.Defaults{})
		if err != nil {
			panic(err)
		}
		m.Workspace = ws
		out = append(out, m)
	}
	for k := range 10 {
		u := i*10 + k
		add(fmt.Sprintf(`{"type":"page","anonymousId":"web-%d"}`, u))
		add(fmt.Sprintf(`{"type":"identify","userId":"u%d","anonymousId":"web-%d","traits":{"email":"p%d@x.example"}}`, u, u, u))
		if i > 0 {
			prev := u - 10
			add(fmt.Sprintf(`{"type":"page","anonymousId":"app-%d"}`, prev))
			add(fmt.Sprintf(`{"type":"identify","userId":"u%d","anonymousId":"app-%d"}`, prev, prev))
		}
	}
	return out
}

// TestCrashChild is the process TestCrashKeepsProfiles kills: it resolves
// and stores batch after batch, saying which are done, until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("run by TestCrashKeepsProfiles")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := st.Workspaces(ctx)
	if err != nil || len(ws) != 1 {
		t.Fatalf("workspaces %v: %v", ws, err)
	}
	r, err := identity.New(st, identity.DefaultRules(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		msgs := crashBatch(ws[0].ID, i)
		if _, err := r.Resolve(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AppendEvents(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("stored %d\n", i)
	}
}

// TestCrashKeepsProfiles kills a process with SIGKILL while it resolves and
// stores batches, then checks that what was stored agrees with itself:
// every stored event's profile is the one its identifiers resolve to, no
// profile holds two user ids, and resolution goes on where it stopped.
func TestCrashKeepsProfiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs and kills a child process")
	}
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	w := createWorkspace(t, st, "Crash")
	st.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	acked := -1
	for sc.Scan() {
		if n, err := fmt.Sscanf(sc.Text(), "stored %d", &acked); n == 1 && err == nil && acked == 20 {
			break
		}
	}
	if acked < 20 {
		cmd.Wait()
		t.Fatalf("the child stopped after batch %d", acked)
	}
	// Kill it while it is in the middle of later batches.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	st, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := map[string]int64{}
	if err := st.EventProfiles(ctx, w.ID, func(id string, p int64) error { stored[id] = p; return nil }); err != nil {
		t.Fatal(err)
	}
	find := func(k identity.Kind, v string) int64 {
		p, err := st.FindProfile(ctx, w.ID, identity.Identifier{Kind: k, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	last := -1
	for i := 0; ; i++ {
		msgs := crashBatch(w.ID, i)
		if _, ok := stored[msgs[0].MessageID]; !ok {
			break
		}
		last = i
		for _, m := range msgs {
			p, ok := stored[m.MessageID]
			if !ok {
				t.Fatalf("batch %d is stored in part: %s is missing", i, m.MessageID)
			}
			if want := find(identity.AnonymousID, m.AnonymousID); p != want {
				t.Errorf("event %s: profile %d, but its device %s resolves to %d", m.MessageID, p, m.AnonymousID, want)
			}
			if m.UserID != "" {
				if want := find(identity.UserID, m.UserID); p != want {
					t.Errorf("event %s: profile %d, but %s resolves to %d", m.MessageID, p, m.UserID, want)
				}
			}
		}
	}
	if last < acked {
		t.Fatalf("batches up to %d were acknowledged, only %d are stored", acked, last)
	}
	// Resolution carries on: the last stored batch's people sign in on their
	// app, as the killed process's next batch would have had them do.
	r, err := identity.New(st, identity.DefaultRules(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	next := crashBatch(w.ID, last+1)
	if _, err := r.Resolve(ctx, next); err != nil {
		t.Fatal(err)
	}
	for _, m := range next {
		if m.UserID == "" || !strings.HasPrefix(m.AnonymousID, "app-") {
			continue
		}
		if want := find(identity.UserID, m.UserID); m.Profile != want {
			t.Errorf("after the crash, %s on %s resolves to %d, want %s's %d", m.UserID, m.AnonymousID, m.Profile, m.UserID, want)
		}
	}
	t.Logf("killed after batch %d was acknowledged; %d batches stored", acked, last+1)
}
