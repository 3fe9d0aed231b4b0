package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"ripple/internal/access"
	"ripple/internal/event"
	"ripple/internal/server"
	"ripple/internal/store"
)

// benchCollect measures the collection API end to end on this machine: a
// real server on loopback over a fresh data directory, driven by concurrent
// HTTP clients posting Segment batches, each answered only once durable. In
// the same run it measures parsing alone (decode, validate, enrich the same
// batches, no HTTP, no storage), so the cost of HTTP and the store shows as a
// ratio.
func benchCollect(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "bench collect", "bench collect [--events N] [--batch 100] [--clients 8]\n\nStarts a server on loopback over a fresh temporary data directory, posts\nSegment-shaped batches with unique message ids from concurrent clients and\nprints durable events/s, request latency percentiles and parse-only speed.")
	events := fs.Int("events", 500_000, "events to send")
	batch := fs.Int("batch", 100, "messages per batch")
	clients := fs.Int("clients", 8, "concurrent HTTP clients")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *events < 1 || *batch < 1 || *clients < 1 {
		return fmt.Errorf("--events, --batch and --clients: must be at least 1")
	}

	bodies := benchBatches(*events, *batch)
	fmt.Fprintf(s.out, "collect: %d events in %d batches of %d, %d clients, GOMAXPROCS %d\n",
		*events, len(bodies), *batch, *clients, runtime.GOMAXPROCS(0))

	dir, err := os.MkdirTemp("", "ripple-bench-collect-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	_, settings := domain(st)
	w, err := settings.Create(ctx, "Bench", "product")
	if err != nil {
		return err
	}
	_, key, err := settings.CreateKey(ctx, access.Operator(w.ID), "bench")
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv, err := server.New(st, slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn})), server.Options{})
	if err != nil {
		ln.Close()
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, ln) }()
	url := "http://" + ln.Addr().String() + "/v1/batch"

	res, err := postAll(ctx, url, key, bodies, *clients)
	stop()
	if serr := <-served; err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	stored, err := st.CountEvents(ctx, w.ID)
	if err != nil {
		return err
	}
	if stored != int64(*events) {
		return fmt.Errorf("bench collect: %d events stored, want %d", stored, *events)
	}
	durable := float64(*events) / res.elapsed.Seconds()
	slices.Sort(res.latencies)
	fmt.Fprintf(s.out, "durable:    %.0f events/s (%d stored in %.2fs, %d requests, %d retried after 429/503)\n",
		durable, stored, res.elapsed.Seconds(), len(res.latencies), res.retries)
	fmt.Fprintf(s.out, "latency:    p50 %s  p95 %s  p99 %s  max %s\n",
		pct(res.latencies, 0.50), pct(res.latencies, 0.95), pct(res.latencies, 0.99), res.latencies[len(res.latencies)-1].Round(100*time.Microsecond))

	parse, err := parseOnly(bodies)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "parse-only: %.0f events/s (decode, validate, enrich; %d goroutines, no HTTP, no store)\n", parse, runtime.GOMAXPROCS(0))
	fmt.Fprintf(s.out, "ratio:      durable/parse-only %.2f\n", durable/parse)
	return nil
}

type postResult struct {
	elapsed   time.Duration
	latencies []time.Duration // one per successful request, retries included in its time
	retries   int64
}

// postAll sends every body from n concurrent clients, retrying on 429 and
// 503 as the real clients do, and times each request until it is durable.
func postAll(ctx context.Context, url, key string, bodies [][]byte, n int) (postResult, error) {
	tr := &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	var next, retries atomic.Int64
	lat := make([][]time.Duration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				for attempt := 0; ; attempt++ {
					status, err := postOne(ctx, client, url, key, bodies[i])
					if err == nil && status == http.StatusOK {
						break
					}
					if err == nil && status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
						errs[c] = fmt.Errorf("bench collect: batch %d answered %d", i, status)
						return
					}
					if attempt == 20 {
						errs[c] = fmt.Errorf("bench collect: batch %d still failing after %d attempts: %v (status %d)", i, attempt, err, status)
						return
					}
					retries.Add(1)
					time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	res := postResult{elapsed: time.Since(start), retries: retries.Load()}
	for c := range n {
		if errs[c] != nil {
			return res, errs[c]
		}
		res.latencies = append(res.latencies, lat[c]...)
	}
	return res, nil
}

func postOne(ctx context.Context, client *http.Client, url, key string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(key, "")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// parseOnly decodes, validates and enriches every batch the way the
// collection handler does, on every core, and returns events per second.
func parseOnly(bodies [][]byte) (float64, error) {
	var next atomic.Int64
	var events atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	received := time.Now().UTC()
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				var env struct {
					Batch  []json.RawMessage `json:"batch"`
					SentAt string            `json:"sentAt"`
				}
				if err := json.Unmarshal(bodies[i], &env); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				d := event.Defaults{}
				d.SentAt, _ = time.Parse(time.RFC3339Nano, env.SentAt)
				for j, raw := range env.Batch {
					m, err := event.Parse(raw, j, received, d)
					if err == nil {
						err = event.Enrich(&m, j)
					}
					if err != nil {
						firstErr.CompareAndSwap(nil, err)
						return
					}
				}
				events.Add(int64(len(env.Batch)))
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, fmt.Errorf("bench collect: parse-only: %w", err)
	}
	return float64(events.Load()) / time.Since(start).Seconds(), nil
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))].Round(100 * time.Microsecond)
}

// benchBatches builds the request bodies: Segment batches of realistic
// track, page and identify messages as a browser or server library sends
// them, each with a unique message id.
func benchBatches(events, size int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	pages := []string{"/", "/pricing", "/blog/spring-launch", "/products/trail-shoe", "/checkout", "/reviews"}
	refs := []string{"https://www.google.com/", "https://www.facebook.com/", "https://t.co/x1", "", "https://www.youtube.com/watch?v=abc"}
	sources := []string{"facebook", "instagram", "google", "newsletter", "tiktok", ""}
	names := []string{"Product Viewed", "Product Added", "Order Completed", "Signed Up", "Review Posted", "Video Played"}
	var out [][]byte
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for n := 0; n < events; {
		k := min(size, events-n)
		msgs := make([]map[string]any, k)
		for i := range msgs {
			user := fmt.Sprintf("user-%d", rng.IntN(50_000))
			path := pages[rng.IntN(len(pages))]
			ctx := map[string]any{
				"library":   map[string]any{"name": "analytics.js", "version": "4.1.0"},
				"page":      map[string]any{"url": "https://shop.example" + path, "path": path, "referrer": refs[rng.IntN(len(refs))], "title": "Shop"},
				"userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
				"ip":        fmt.Sprintf("203.0.113.%d", rng.IntN(250)),
				"locale":    "en-GB",
			}
			if src := sources[rng.IntN(len(sources))]; src != "" {
				ctx["campaign"] = map[string]any{"source": src, "medium": "cpc", "name": "spring-sale"}
			}
			ts := now.Add(-time.Duration(rng.IntN(5000)) * time.Millisecond)
			m := map[string]any{
				"messageId": fmt.Sprintf("bench-%d-%x", n+i, rng.Uint64()), "anonymousId": fmt.Sprintf("anon-%d", rng.IntN(80_000)),
				"timestamp": ts.Format(time.RFC3339Nano), "context": ctx,
			}
			switch r := rng.IntN(10); {
			case r < 5:
				ev := names[rng.IntN(len(names))]
				m["type"], m["event"], m["userId"] = "track", ev, user
				props := map[string]any{"product_id": fmt.Sprintf("sku-%d", rng.IntN(500)), "price": 19.99, "currency": "EUR", "category": "shoes"}
				if ev == "Order Completed" {
					props["revenue"] = float64(rng.IntN(20000)) / 100
					props["products"] = []any{map[string]any{"sku": "A1", "quantity": 1, "price": 49.5}, map[string]any{"sku": "B7", "quantity": 2, "price": 12}}
				}
				if ev == "Review Posted" {
					props["text"] = "Really comfortable shoes, arrived fast. Would buy again!"
				}
				m["properties"] = props
			case r < 8:
				m["type"], m["name"] = "page", "Shop"
				m["properties"] = map[string]any{"url": "https://shop.example" + path, "path": path, "title": "Shop", "referrer": refs[rng.IntN(len(refs))]}
			default:
				m["type"], m["userId"] = "identify", user
				m["traits"] = map[string]any{"email": user + "@example.com", "plan": "pro", "logins": rng.IntN(100), "createdAt": "2025-03-01T10:00:00Z"}
			}
			msgs[i] = m
		}
		buf.Reset()
		enc.Encode(map[string]any{"batch": msgs, "sentAt": now.Format(time.RFC3339Nano)})
		out = append(out, bytes.Clone(buf.Bytes()))
		n += k
	}
	return out
}
