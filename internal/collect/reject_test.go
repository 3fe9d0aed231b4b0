package collect_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"ripple/internal/event"
)

func track(id string) string {
	return fmt.Sprintf(`{"type":"track","event":"Order Completed","userId":"u1","messageId":%q,"properties":{"revenue":10}}`, id)
}

func batchOf(msgs ...string) []byte {
	return []byte(`{"batch":[` + strings.Join(msgs, ",") + `]}`)
}

// TestRejects: every malformed request gets a 400 whose JSON body names the
// field and the reason (and the limit, for size limits), never a 5xx; and a
// rejected request stores nothing, nor changes or loses what was stored.
func TestRejects(t *testing.T) {
	r := newRig(t)
	if resp := post(t, r.url, "/v1/batch", r.key, batchOf(track("kept-1"), track("kept-2")), false); resp.Status != 200 {
		t.Fatalf("good batch: %d %s", resp.Status, resp.Body)
	}
	before := rows(t, r.st, "")

	bigProps := `{"bio":"` + strings.Repeat("b", event.MaxMessageBytes) + `"}`
	var many []string
	for i := range 400 { // ~600 KB of valid messages
		many = append(many, fmt.Sprintf(`{"type":"track","event":"Video Played","userId":"u%d","messageId":"many-%d","properties":{"pad":%q}}`, i, i, strings.Repeat("p", 1400)))
	}
	tests := []struct {
		name    string
		path    string
		body    []byte
		gzipped bool
		raw     bool // send body as is, with Content-Encoding: gzip
		want    string
		limit   int
	}{
		{name: "empty body", path: "/v1/batch", body: nil, want: "body: is empty"},
		{name: "blank body", path: "/v1/batch", body: []byte(" \n\t "), want: "body: is empty"},
		{name: "not JSON", path: "/v1/batch", body: []byte(`{"batch":[`), want: "body: is not valid JSON"},
		{name: "a JSON array", path: "/v1/batch", body: []byte(`[{"type":"track"}]`), want: "body: must be a JSON object, not JSON array"},
		{name: "no batch", path: "/v1/batch", body: []byte(`{"writeKey":"x"}`), want: "batch: is required"},
		{name: "batch is an object", path: "/v1/batch", body: []byte(`{"batch":{"type":"track"}}`), want: "batch: must be an array of messages, not JSON object"},
		{name: "sentAt is a number", path: "/v1/batch", body: []byte(`{"batch":[],"sentAt":5}`), want: "sentAt: must be a string, not JSON number"},
		{name: "sentAt is not a time", path: "/v1/batch", body: []byte(`{"batch":[],"sentAt":"soon"}`), want: `sentAt: "soon" is not an ISO 8601 time`},
		{name: "one bad message fails the batch", path: "/v1/batch", body: batchOf(track("new-1"), `{"type":"track","userId":"u","messageId":"new-2"}`), want: "batch[1].event: is required for track"},
		{name: "message without a person", path: "/v1/batch", body: batchOf(`{"type":"page","name":"Home"}`), want: "batch[0].userId: userId or anonymousId is required"},
		{name: "userId of the wrong type", path: "/v1/batch", body: batchOf(`{"type":"identify","userId":false}`), want: "batch[0].userId: has the wrong type"},
		{name: "event of the wrong type", path: "/v1/batch", body: batchOf(`{"type":"track","userId":"u","event":["a"]}`), want: "batch[0].event: has the wrong type: want string, got JSON array"},
		{name: "properties not an object", path: "/v1/batch", body: batchOf(`{"type":"track","userId":"u","event":"A","properties":[]}`), want: "batch[0].properties: must be a JSON object"},
		{name: "revenue not a number", path: "/v1/batch", body: batchOf(`{"type":"track","userId":"u","event":"A","properties":{"revenue":"lots"}}`), want: "batch[0].properties.revenue: is not a number"},
		{name: "batch context not an object", path: "/v1/batch", body: []byte(`{"batch":[` + track("ctx-1") + `],"context":"web"}`), want: "batch[0].context: must be a JSON object"},
		{name: "unknown type", path: "/v1/batch", body: batchOf(`{"type":"purchase","userId":"u"}`), want: `batch[0].type: "purchase" is not one of`},
		{name: "track endpoint without event", path: "/v1/track", body: []byte(`{"userId":"u"}`), want: "event: is required for track"},
		{name: "identify endpoint given a track", path: "/v1/identify", body: []byte(track("x")), want: `type: is "track" but this endpoint takes "identify"`},
		{name: "alias endpoint without previousId", path: "/v1/alias", body: []byte(`{"userId":"u"}`), want: "previousId: is required for alias"},
		{name: "message over 32 KB in a batch", path: "/v1/batch", body: batchOf(track("ok"), `{"type":"identify","userId":"u","traits":`+bigProps+`}`), want: "batch[1].message: is", limit: event.MaxMessageBytes},
		{name: "single call over 32 KB", path: "/v1/identify", body: []byte(`{"userId":"u","traits":` + bigProps + `}`), want: "message: is", limit: event.MaxMessageBytes},
		{name: "batch over 500 KB", path: "/v1/batch", body: batchOf(many...), want: "body: is over the batch limit of 512000 bytes", limit: event.MaxBatchBytes},
		{name: "batch over 500 KB after gunzip", path: "/v1/batch", body: batchOf(many...), gzipped: true, want: "body: is over the batch limit of 512000 bytes", limit: event.MaxBatchBytes},
		{name: "gzip header, plain body", path: "/v1/batch", body: batchOf(track("plain")), raw: true, want: "body: Content-Encoding is gzip but the body is not gzip"},
		{name: "truncated gzip", path: "/v1/batch", body: gz(batchOf(track("cut")))[:30], raw: true, want: "body: could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := sendRaw(t, r, tt.path, tt.body, tt.gzipped, tt.raw)
			if resp.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", resp.Status, resp.Body)
			}
			if resp.Success || !strings.Contains(resp.Error, tt.want) {
				t.Errorf("have error %q, want one containing %q", resp.Error, tt.want)
			}
			if resp.Limit != tt.limit {
				t.Errorf("have limit %d, want %d", resp.Limit, tt.limit)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
		})
	}
	if after := rows(t, r.st, ""); !reflect.DeepEqual(after, before) {
		t.Errorf("rejected requests changed the store:\nbefore %d rows %+v\nafter %d rows %+v", len(before), before, len(after), after)
	}
	// The client fixes the bad message and resends: now all of it is stored.
	if resp := post(t, r.url, "/v1/batch", r.key, batchOf(track("new-1"), track("new-2")), true); resp.Status != 200 {
		t.Fatalf("corrected batch: %d %s", resp.Status, resp.Body)
	}
	if n := len(rows(t, r.st, r.ws)); n != 4 {
		t.Errorf("stored %d events after the corrected resend, want 4", n)
	}
}

// sendRaw is post, but can also send a body labelled gzip that is not.
func sendRaw(t *testing.T, r *rig, path string, body []byte, gzipped, raw bool) response {
	t.Helper()
	if !raw {
		return post(t, r.url, path, r.key, body, gzipped)
	}
	return postHeaders(t, r.url+path, body, map[string]string{"Content-Encoding": "gzip", "Authorization": basic(r.key)})
}

func TestAuth(t *testing.T) {
	r := newRig(t)
	tests := []struct {
		name    string
		headers map[string]string
		body    string
		want    int
	}{
		{"no key", nil, `{"batch":[` + track("a1") + `]}`, 401},
		{"unknown key", map[string]string{"Authorization": basic("rk_nope")}, `{"batch":[` + track("a2") + `]}`, 401},
		{"key as a password only", map[string]string{"Authorization": "Basic OnJrX3g="}, `{"batch":[` + track("a3") + `]}`, 401},
		{"key in Basic auth", map[string]string{"Authorization": basic(r.key)}, `{"batch":[` + track("a4") + `]}`, 200},
		{"key in the body", nil, `{"writeKey":"` + r.key + `","batch":[` + track("a5") + `]}`, 200},
	}
	for _, tt := range tests {
		resp := postHeaders(t, r.url+"/v1/batch", []byte(tt.body), tt.headers)
		if resp.Status != tt.want {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, resp.Status, tt.want, resp.Body)
		}
		if tt.want == 401 && !strings.Contains(resp.Error, "write key") {
			t.Errorf("%s: error %q does not name the write key", tt.name, resp.Error)
		}
	}
	if n := len(rows(t, r.st, "")); n != 2 {
		t.Errorf("stored %d events, want the 2 sent with a valid key", n)
	}
}

// TestInvalidUTF8Stored: a message with invalid UTF-8 in its properties is
// stored with the bytes replaced, not with its properties silently dropped.
func TestInvalidUTF8Stored(t *testing.T) {
	r := newRig(t)
	body := "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Review Posted\",\"properties\":{\"text\":\"great \xff\",\"stars\":5}}]}"
	if resp := post(t, r.url, "/v1/batch", r.key, []byte(body), false); resp.Status != 200 {
		t.Fatalf("status %d %s", resp.Status, resp.Body)
	}
	got := rows(t, r.st, r.ws)
	if len(got) != 1 || got[0].Properties != `{"text":"great `+"\uFFFD"+`","stars":5}` {
		t.Errorf("stored %+v, want the properties with U+FFFD", got)
	}
}
