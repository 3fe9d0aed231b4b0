package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// TestCheckpointAfterAppends: events collected are folded into the database
// file by the background checkpoint, leaving the write-ahead log empty.
func TestCheckpointAfterAppends(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	settings := workspace.New(st, nil, nil, workspace.Hooks{})
	ws, _ := settings.Create(ctx, "Acme", "product")
	_, key, _ := settings.CreateKey(ctx, access.Operator(ws.ID), "")
	s, err := New(st, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Mux)
	defer hs.Close()

	req, _ := http.NewRequest("POST", hs.URL+"/v1/track", strings.NewReader(`{"userId":"u1","event":"Signed Up","messageId":"m1"}`))
	req.SetBasicAuth(key, "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("track: %v %v", resp, err)
	}
	resp.Body.Close()
	wal := filepath.Join(dir, store.FileName+".wal")
	if fi, err := os.Stat(wal); err != nil || fi.Size() == 0 {
		t.Fatalf("expected a write-ahead log after the append: %v", err)
	}

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { s.checkpointLoop(stop, 10*time.Millisecond); close(done) }()
	defer func() { close(stop); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fi, err := os.Stat(wal)
		if os.IsNotExist(err) || (err == nil && fi.Size() == 0) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the write-ahead log was never checkpointed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, _ := st.CountEvents(ctx, ws.ID); n != 1 {
		t.Fatalf("after checkpoint %d events, want 1", n)
	}
}
