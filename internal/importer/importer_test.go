package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// storeSink imports through the store's own appends, each stored and done
// with its messages when it returns.
type storeSink struct{ *store.Store }

func (s storeSink) AppendEventsThen(ctx context.Context, msgs []event.Message, release func()) (int, error) {
	defer release()
	return s.AppendEvents(ctx, msgs)
}

func newStore(t testing.TB) (storeSink, string) {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ws, err := workspace.New(st, nil, nil, workspace.Hooks{}).Create(context.Background(), "Acme", "product")
	if err != nil {
		t.Fatal(err)
	}
	return storeSink{st}, ws.ID
}

// touchpoints reads back what the store holds for a workspace, by message id.
func touchpoints(t testing.TB, st *store.Store, ws string) map[string]event.Message {
	t.Helper()
	out := map[string]event.Message{}
	err := st.Touchpoints(context.Background(), ws, func(m *event.Message) error {
		out[m.MessageID] = *m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportNDJSON(t *testing.T) {
	st, ws := newStore(t)
	ctx := context.Background()
	file := strings.Join([]string{
		`{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","timestamp":"2026-10-01T10:00:00Z","properties":{"revenue":20}}`,
		`{"type":"track","userId":"u1","messageId":"m2"}`,
		``,
		`{"type":"page","anonymousId":"a1","messageId":"m3","context":{"page":{"url":"https://shop.example/?utm_source=facebook&utm_medium=cpc"}}}`,
		`{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1"}`,
		`not json`,
		`{"type":"identify","userId":"u2","messageId":"m4","traits":{"email":"x@example.com"},"context":{"ip":"` + strings.Repeat("9", 40<<10) + `"}}`,
	}, "\n")
	opt := Options{Workspace: ws, ChunkRows: 2, Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }}
	sum, err := Import(ctx, strings.NewReader(file), st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != 2 || sum.Duplicate != 1 || sum.Rejected != 3 || sum.Lines != 7 {
		t.Fatalf("summary = %+v; want 2 accepted, 1 duplicate, 3 rejected of 7 lines", sum)
	}
	wantRejects := []struct {
		line int
		has  string
	}{{2, "event: is required for track"}, {6, "not valid JSON"}, {7, "over the limit"}}
	for i, w := range wantRejects {
		if sum.Rejects[i].Line != w.line || !strings.Contains(sum.Rejects[i].Reason, w.has) {
			t.Errorf("reject %d = %+v; want line %d mentioning %q", i, sum.Rejects[i], w.line, w.has)
		}
	}
	// Importing the same file again stores nothing new.
	again, err := Import(ctx, strings.NewReader(file), st, opt)
	if err != nil || again.Accepted != 0 || again.Duplicate != 3 {
		t.Fatalf("second import = %+v, %v; want every valid line a duplicate", again, err)
	}
	stored := touchpoints(t, st.Store, ws)
	revenue, channel := stored["m1"].Revenue, stored["m3"].Channel.Key()
	if revenue != 20 || !strings.HasPrefix(channel, "facebook") {
		t.Errorf("stored revenue %v channel %q; want 20 and a facebook channel", revenue, channel)
	}
}

func TestImportCSV(t *testing.T) {
	st, ws := newStore(t)
	file := "user_id,event,timestamp,utm_source,utm_medium,revenue,text\n" +
		"u1,Order Completed,2026-10-01T10:00:00Z,google,cpc,12.5,\n" +
		"u2,Review Posted,2026-10-02 09:00:00,,,,\"Great, \"\"really\"\"\nlove it\"\n" +
		",Product Viewed,2026-10-02T09:00:00Z,,,,\n" +
		"u3,Product Viewed,yesterday,,,,\n" +
		"u4,Product Viewed\n"
	sum, err := Import(context.Background(), strings.NewReader(file), st, Options{Workspace: ws, Format: CSV})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != 2 || sum.Rejected != 3 {
		t.Fatalf("summary = %+v; want 2 accepted, 3 rejected", sum)
	}
	want := []string{"line 5: user_id: userId or anonymousId is required", "line 6: timestamp: \"yesterday\" is not an ISO 8601 time", "line 7: row has 2 fields, the header has 7"}
	for i, w := range want {
		if got := fmt.Sprintf("line %d: %s", sum.Rejects[i].Line, sum.Rejects[i].Reason); got != w {
			t.Errorf("reject %d = %q, want %q", i, got, w)
		}
	}
	var text string
	for _, m := range touchpoints(t, st.Store, ws) {
		if m.UserID == "u2" {
			text = m.Text
		}
	}
	if text != "Great, \"really\"\nlove it" {
		t.Errorf("review text = %q", text)
	}
}

func TestImportCSVHeaderErrors(t *testing.T) {
	st, ws := newStore(t)
	for _, tc := range []struct{ file, want string }{
		{"event,timestamp\nx,y\n", "needs a user_id or anonymous_id column"},
		{"user_id,,event\n", "column 2 has no name"},
		{"user_id,event,event\n", `column "event" appears twice`},
		{"", "csv header"},
	} {
		_, err := Import(context.Background(), strings.NewReader(tc.file), st, Options{Workspace: ws, Format: CSV})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("header %q: err %v, want one mentioning %q", tc.file, err, tc.want)
		}
	}
}

// TestImportSkipsHugeLines: a line far over the limit is rejected by number
// without being held in memory, and the lines after it still count.
func TestImportSkipsHugeLines(t *testing.T) {
	st, ws := newStore(t)
	file := `{"type":"track","event":"A","userId":"u","messageId":"1"}` + "\n" +
		`{"type":"track","event":"A","userId":"u","properties":{"x":"` + strings.Repeat("y", 3<<20) + `"}}` + "\n" +
		`{"type":"track","event":"A","userId":"u","messageId":"2"}` + "\n"
	sum, err := Import(context.Background(), strings.NewReader(file), st, Options{Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != 2 || sum.Rejected != 1 || sum.Rejects[0].Line != 2 || !strings.Contains(sum.Rejects[0].Reason, "over the limit") {
		t.Fatalf("summary = %+v; want lines 1 and 3 stored, line 2 rejected as over the limit", sum)
	}
}

// TestImportBulkReusesChunks: through a bulk load, whose lanes append after
// AppendEventsThen returns, chunks come back to the reader for the lines
// that follow; every stored row must still be its own line's, whatever
// was read into the same memory later, and so must every channel the
// store keeps from them.
func TestImportBulkReusesChunks(t *testing.T) {
	st, ws := newStore(t)
	ctx := context.Background()
	const n = 20000
	var file strings.Builder
	for i := range n {
		fmt.Fprintf(&file, `{"type":"track","event":"E%d","userId":"u%d","messageId":"m%d","properties":{"i":%d,"pad":"%s"},`+
			`"context":{"campaign":{"source":"src%d","medium":"cpc"}}}`+"\n",
			i, i%97, i, i, strings.Repeat("x", i%50), i%40)
	}
	bulk, err := st.BeginBulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Import(ctx, strings.NewReader(file.String()), bulk, Options{Workspace: ws, ChunkRows: 7})
	if err != nil {
		bulk.Abort()
		t.Fatal(err)
	}
	if err := bulk.Close(); err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != n {
		t.Fatalf("summary = %+v; want %d accepted", sum, n)
	}
	// Every row holds its own line's values, and so does the channel the
	// store keeps of it (each source once).
	var bad int
	stored := touchpoints(t, st.Store, ws)
	if len(stored) != n {
		t.Fatalf("%d rows stored, want %d", len(stored), n)
	}
	for id, m := range stored {
		var p struct {
			I   int    `json:"i"`
			Pad string `json:"pad"`
		}
		if err := json.Unmarshal(m.Properties, &p); err != nil {
			t.Fatalf("%s: properties %q: %v", id, m.Properties, err)
		}
		if id != fmt.Sprintf("m%d", p.I) || m.Event != fmt.Sprintf("E%d", p.I) || m.UserID != fmt.Sprintf("u%d", p.I%97) ||
			len(p.Pad) != p.I%50 || m.Channel.Source != fmt.Sprintf("src%d", p.I%40) {
			bad++
		}
	}
	if bad != 0 {
		t.Fatalf("%d of %d stored rows differ from the line they came from", bad, n)
	}
}
