package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/store"
)

// TestCrashExactlyOnce is at-least-once in, exactly-once stored: clients
// that retry until they get a 200 send batches while the server is killed
// with SIGKILL and started again on the same data directory. Every
// acknowledged batch must be stored, and every message exactly once.
func TestCrashExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the ripple binary")
	}
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()

	out, err := ripple(t, nil, "workspace", "create", "--name", "Crash", "--data", dir)
	ws := regexp.MustCompile(`ws_[0-9a-f]+`).FindString(out)
	if err == nil {
		out, err = ripple(t, nil, "key", "create", "--workspace", ws, "--data", dir)
	}
	key := regexp.MustCompile(`rk_[0-9a-f]+`).FindString(out)
	if err != nil || ws == "" || key == "" {
		t.Fatalf("no workspace or key: %v\n%s", err, out)
	}

	addr := freeLoopbackAddr(t)
	srv := startServeProcess(t, bin, dir, addr)

	// While the server holds the database, a second process cannot open it
	// and says why.
	_, err = ripple(t, nil, "workspace", "list", "--data", dir)
	if err == nil || !strings.Contains(err.Error(), "in use by a running Ripple server") {
		t.Errorf("workspace list while serving: have %v, want an error saying the data directory is in use", err)
	}

	const clients, batches, size = 4, 30, 50
	var acked, failures atomic.Int64
	ackedIDs := make([][]string, clients)
	var wg sync.WaitGroup
	httpc := &http.Client{Timeout: 10 * time.Second}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				ids := make([]string, size)
				msgs := make([]string, size)
				for i := range size {
					ids[i] = fmt.Sprintf("c%d-b%d-m%d", c, b, i)
					msgs[i] = fmt.Sprintf(`{"type":"track","event":"Order Completed","userId":"u%d","messageId":%q,"properties":{"revenue":%d}}`, c, ids[i], i)
				}
				body := []byte(`{"batch":[` + strings.Join(msgs, ",") + `]}`)
				deadline := time.Now().Add(60 * time.Second)
				for {
					// Only a 200 means the server committed the batch.
					if status, err := postOne(ctx, httpc, "http://"+addr+"/v1/batch", key, body); err == nil && status == http.StatusOK {
						break
					}
					failures.Add(1)
					if time.Now().After(deadline) {
						t.Errorf("client %d batch %d: no 200 within 60 s", c, b)
						return
					}
					time.Sleep(25 * time.Millisecond)
				}
				acked.Add(1)
				ackedIDs[c] = append(ackedIDs[c], ids...)
			}
		}()
	}

	// Kill the server mid-stream, without warning, then start it again.
	waitUntil(t, 30*time.Second, "a third of the batches acknowledged", func() bool { return acked.Load() >= clients*batches/3 })
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	killedAt := acked.Load()
	srv = startServeProcess(t, bin, dir, addr)
	wg.Wait()
	t.Logf("killed after %d of %d batches were acknowledged; %d attempts failed and were retried", killedAt, clients*batches, failures.Load())
	if killedAt >= clients*batches {
		t.Errorf("every batch was acknowledged before the kill: it did not happen mid-stream")
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Errorf("server exit after SIGTERM: %v", err)
	}

	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatalf("open the store after the run: %v", err)
	}
	defer st.Close()
	count := map[string]int{}
	err = st.Touchpoints(ctx, ws, func(m *event.Message) error {
		count[m.MessageID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("message %s stored %d times", id, n)
		}
	}
	total := 0
	for c := range clients {
		for _, id := range ackedIDs[c] {
			total++
			if count[id] != 1 {
				t.Errorf("acknowledged message %s stored %d times, want 1", id, count[id])
			}
		}
	}
	if total != clients*batches*size || len(count) != total {
		t.Errorf("%d messages acknowledged, %d distinct stored; want %d of each", total, len(count), clients*batches*size)
	}
}

// buildBinary builds the real ripple binary from this package, once for
// all the tests that run it.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

var builtBinary = sync.OnceValues(func() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	dir, err := os.MkdirTemp("", "ripple-test-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "ripple")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// binDir holds the built binary; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServeProcess runs `ripple serve` as a child process and waits until it
// answers /healthz.
func startServeProcess(t *testing.T, bin, dir, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", addr, "--log-level", "warn")
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	waitUntil(t, 30*time.Second, "server answers /healthz", func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return cmd
}

func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockedBuffer collects a child's output written from its pipe goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
