package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"ripple/internal/server"
	"ripple/internal/store"
)

// FuzzBatch posts arbitrary bodies to the collection endpoints of the real
// router over a real store: the answer is never a 5xx and always JSON, and
// nothing panics.
func FuzzBatch(f *testing.F) {
	for _, seed := range []string{
		`{"batch":[{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","properties":{"revenue":"9.5"}}],"sentAt":"2026-11-02T09:00:00Z"}`,
		`{"batch":[{"type":"identify","userId":7,"traits":{"email":"a@b.c"}},{"type":"page","anonymousId":"a","properties":{"url":"https://x.example/?utm_source=fb"}}],"context":{"ip":"1.2.3.4"}}`,
		`{"batch":[{"type":"alias","userId":"u","previousId":"p"},{"type":"group","userId":"u","groupId":"g"}]}`,
		`{"batch":[]}`, `{"batch":null}`, `{"batch":{}}`, `[]`, `{}`, ``, `{"batch":[{"type":"track","userId":"u","event":"x","properties":{"text":"caf\u00e9 \ud83d"}}]}`,
	} {
		f.Add([]byte(seed), false, uint8(0))
		f.Add([]byte(seed), true, uint8(1))
	}
	st, err := store.Open(context.Background(), f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	_, key := newWorkspace(f, st, "Fuzz")
	srv, err := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	if err != nil {
		f.Fatal(err)
	}
	paths := []string{"/v1/batch", "/v1/track", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias"}

	f.Fuzz(func(t *testing.T, body []byte, gzipped bool, which uint8) {
		path := paths[int(which)%len(paths)]
		send := body
		if gzipped {
			send = gz(body)
		}
		req := httptest.NewRequest("POST", path, bytes.NewReader(send))
		req.SetBasicAuth(key, "")
		if gzipped {
			req.Header.Set("Content-Encoding", "gzip")
		}
		w := httptest.NewRecorder()
		srv.Mux.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("POST %s answered %d: %s\nbody: %q", path, w.Code, w.Body, body)
		}
		var answer struct {
			Success *bool  `json:"success"`
			Error   string `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil || answer.Success == nil {
			t.Fatalf("POST %s answered %d with %q, not the JSON answer", path, w.Code, w.Body)
		}
		if (w.Code == http.StatusOK) != *answer.Success || (w.Code != http.StatusOK && answer.Error == "") {
			t.Fatalf("POST %s answered %d with %q", path, w.Code, w.Body)
		}
	})
}
