package collect_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"ripple/internal/event"
)

// benchBodies builds n Segment batches of size realistic messages with
// unique message ids (prefix keeps ids unique across benchmark rounds).
func benchBodies(prefix string, n, size int) [][]byte {
	rng := rand.New(rand.NewPCG(7, 11))
	now := time.Now().UTC()
	out := make([][]byte, n)
	for b := range out {
		msgs := make([]map[string]any, size)
		for i := range msgs {
			id := fmt.Sprintf("%s-%d-%d", prefix, b, i)
			user := fmt.Sprintf("user-%d", rng.IntN(10_000))
			ctx := map[string]any{
				"library":   map[string]any{"name": "analytics.js", "version": "4.1.0"},
				"page":      map[string]any{"url": "https://shop.example/products/trail-shoe", "referrer": "https://www.facebook.com/", "title": "Trail shoe"},
				"campaign":  map[string]any{"source": "facebook", "medium": "cpc", "name": "spring-sale"},
				"userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
				"ip":        "203.0.113.7",
			}
			m := map[string]any{"messageId": id, "anonymousId": "anon-" + user, "timestamp": now.Format(time.RFC3339Nano), "context": ctx}
			switch i % 10 {
			case 0, 1, 2, 3, 4:
				m["type"], m["event"], m["userId"] = "track", "Order Completed", user
				m["properties"] = map[string]any{"revenue": 49.5, "currency": "EUR", "order_id": id,
					"products": []any{map[string]any{"sku": "A1", "quantity": 1, "price": 49.5}}}
			case 5, 6, 7:
				m["type"], m["name"] = "page", "Trail shoe"
				m["properties"] = map[string]any{"url": "https://shop.example/products/trail-shoe", "path": "/products/trail-shoe", "title": "Trail shoe"}
			default:
				m["type"], m["userId"] = "identify", user
				m["traits"] = map[string]any{"email": user + "@example.com", "plan": "pro", "logins": 12}
			}
			msgs[i] = m
		}
		out[b], _ = json.Marshal(map[string]any{"batch": msgs, "sentAt": now.Format(time.RFC3339Nano)})
	}
	return out
}

// BenchmarkCollect posts batches of 100 messages from parallel clients to a
// real server over loopback; each request returns once its events are
// durable. It reports durable events per second.
func BenchmarkCollect(b *testing.B) {
	r := newRig(b)
	const size = 100
	bodies := benchBodies("warm", 1, size)
	if resp := postBench(r, bodies[0]); resp != http.StatusOK {
		b.Fatalf("warm-up answered %d", resp)
	}
	bodies = benchBodies(fmt.Sprintf("b%d", b.N), b.N, size)
	var next atomic.Int64
	b.SetParallelism(4) // 4 x GOMAXPROCS clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			for {
				status := postBench(r, bodies[i])
				if status == http.StatusOK {
					break
				}
				if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
					b.Errorf("batch answered %d", status)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
}

var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func postBench(r *rig, body []byte) int {
	req, _ := http.NewRequest("POST", r.url+"/v1/batch", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(r.key, "")
	resp, err := benchClient.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// BenchmarkParse decodes, validates and enriches batches as the handler
// does, without HTTP or storage: the ceiling for the durable path.
func BenchmarkParse(b *testing.B) {
	bodies := benchBodies("p", 16, 100)
	received := time.Now().UTC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		var env struct {
			Batch  []json.RawMessage `json:"batch"`
			SentAt string            `json:"sentAt"`
		}
		if err := json.Unmarshal(bodies[i%len(bodies)], &env); err != nil {
			b.Fatal(err)
		}
		for j, raw := range env.Batch {
			m, err := event.Parse(raw, j, received, event.Defaults{})
			if err == nil {
				err = event.Enrich(&m, j)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppend is the store's share of the durable path: appending
// groups of parsed messages as the batcher does (800 is 8 clients' batches
// of 100), without HTTP or parsing.
func BenchmarkAppend(b *testing.B) {
	for _, group := range []int{100, 800, 4000} {
		b.Run(fmt.Sprintf("group=%d", group), func(b *testing.B) { benchAppend(b, group) })
	}
}

func benchAppend(b *testing.B, group int) {
	r := newRig(b)
	bodies := benchBodies(fmt.Sprintf("a%d-%d", group, b.N), (b.N*group+99)/100, 100)
	var msgs []event.Message
	received := time.Now().UTC()
	for _, body := range bodies {
		var env struct{ Batch []json.RawMessage }
		json.Unmarshal(body, &env)
		for j, raw := range env.Batch {
			m, err := event.Parse(raw, j, received, event.Defaults{})
			if err == nil {
				err = event.Enrich(&m, j)
			}
			if err != nil {
				b.Fatal(err)
			}
			m.Workspace = r.ws
			msgs = append(msgs, m)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := r.st.AppendEvents(b.Context(), msgs[i*group:(i+1)*group]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*group)/b.Elapsed().Seconds(), "events/s")
}
