package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"ripple/internal/clock"
	"ripple/internal/event"
	"ripple/internal/fault"
	"ripple/internal/httpfault"
	"ripple/internal/metrics"
)

// Keys resolves a write key's secret to its workspace id, or fails with
// fault.ErrNotFound for an unknown or revoked key.
type Keys interface {
	WorkspaceForKey(ctx context.Context, secret string) (string, error)
}

// Handler serves the collection endpoints under /v1/.
type Handler struct {
	keys    Keys
	batcher *Batcher
	log     *slog.Logger
	now     func() time.Time

	cache sync.Map // secret -> cachedKey: a key is looked up once per KeyTTL, not per request

	accepted *metrics.Counter
	reg      *metrics.Registry // rejects and latencies, by label
}

type cachedKey struct {
	workspace string
	at        time.Time
}

// KeyTTL bounds how long a revoked key keeps working.
const KeyTTL = 5 * time.Second

// NewHandler returns the collection API; now is the clock that stamps
// receipt and ages the key cache (time.Now when nil).
func NewHandler(keys Keys, b *Batcher, reg *metrics.Registry, log *slog.Logger, now func() time.Time) *Handler {
	return &Handler{
		keys: keys, batcher: b, log: log, now: clock.Or(now),
		accepted: reg.Counter("ripple_events_accepted_total", "Events accepted by the collection API."),
		reg:      reg,
	}
}

// Register adds the endpoints to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	for path, typ := range map[string]event.Type{
		"/v1/batch": "", "/v1/track": event.Track, "/v1/identify": event.Identify, "/v1/page": event.Page,
		"/v1/screen": event.Screen, "/v1/group": event.Group, "/v1/alias": event.Alias,
	} {
		name := strings.TrimPrefix(path, "/v1/")
		lat := h.reg.Histogram("ripple_collect_request_seconds", "Collection request latency, until durable.", "endpoint", name)
		mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			h.serve(w, r, typ)
			lat.Observe(time.Since(start))
		})
		mux.HandleFunc("OPTIONS "+path, preflight)
	}
}

// rejected is a refused request: the fault its client is told, and the
// reason it is counted under in ripple_collect_rejects_total.
type rejected struct {
	reason string
	err    error
}

func (e *rejected) Error() string { return e.err.Error() }
func (e *rejected) Unwrap() error { return e.err }

func reject(reason string, err error) error { return &rejected{reason: reason, err: err} }

// errQueueFull asks a client to retry a second later: the commit queue is
// full.
var errQueueFull = fault.RateLimited("ingest queue is full, retry later", time.Second)

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, typ event.Type) {
	cors(w)
	err := h.collect(r, typ)
	if err == nil {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"success":true}`)
		return
	}
	var rj *rejected
	if !errors.As(err, &rj) {
		// A fault from the key lookup, or the store failing it.
		reason := strings.ReplaceAll(fault.KindOf(err).String(), " ", "_")
		if fault.KindOf(err) == fault.KindInternal {
			reason = "store"
		}
		rj = &rejected{reason: reason, err: err}
	}
	h.reg.Counter("ripple_collect_rejects_total", "Collection requests rejected, by reason.", "reason", rj.reason).Add(1)
	httpfault.JSON(h.log, w, r, rj.err)
}

// envelope is the outer object of any collection request.
type envelope struct {
	Batch    []json.RawMessage `json:"batch"`
	WriteKey string            `json:"writeKey"`
	SentAt   string            `json:"sentAt"`
	Context  json.RawMessage   `json:"context"`
}

func (h *Handler) collect(r *http.Request, typ event.Type) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return envelopeError(err)
	}
	key, _, ok := r.BasicAuth()
	if !ok || key == "" {
		key = env.WriteKey
	}
	workspace, err := h.workspace(r.Context(), key)
	if err != nil {
		return err
	}

	received := h.now().UTC()
	defaults := event.Defaults{Type: typ, Context: env.Context}
	if defaults.SentAt, err = event.ParseTime(env.SentAt); err != nil {
		return reject("invalid", fault.Invalid("sentAt", err.Error()))
	}
	raws := env.Batch
	index := 0
	if typ != "" {
		raws, index = []json.RawMessage{body}, -1
	} else if env.Batch == nil {
		return reject("invalid", fault.Invalid("batch", "is required and must be an array of messages"))
	}
	msgs := make([]event.Message, len(raws))
	for i, raw := range raws {
		if index >= 0 {
			index = i
		}
		// The body is read into a buffer of its own, never reused, so
		// messages may point into it.
		m, err := event.ParseInPlace(raw, index, received, defaults)
		if err == nil {
			err = event.Enrich(&m, index)
		}
		if err != nil {
			return messageError(err, len(raw))
		}
		m.Workspace = workspace
		msgs[i] = m
	}
	if len(msgs) == 0 {
		return nil
	}
	if err := h.batcher.Submit(r.Context(), msgs); err != nil {
		if errors.Is(err, ErrOverloaded) {
			return reject("overload", errQueueFull)
		}
		// Clients retry what was not stored: the answer says so, and the
		// cause goes to the log.
		return reject("store", fault.Unavailable("events could not be stored, retry later", time.Second, err))
	}
	h.accepted.Add(int64(len(msgs)))
	return nil
}

// envelopeError says what is wrong with the outer object in the client's
// terms, naming the field, rather than in the decoder's Go types.
func envelopeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field, want := "body", "a JSON object"
		switch te.Field {
		case "":
		case "batch":
			field, want = "batch", "an array of messages"
		default:
			field, want = te.Field, "a string"
		}
		return reject("json", fault.Invalid(field, fmt.Sprintf("must be %s, not JSON %s", want, te.Value)))
	}
	return reject("json", fault.Invalid("body", "is not valid JSON: "+strings.TrimPrefix(err.Error(), "json: ")))
}

// messageError is a message refused by parsing or enrichment, as the fault
// its client is told: the field (batch[3].event) and the reason.
func messageError(err error, size int) error {
	var fe *event.FieldError
	if !errors.As(err, &fe) {
		return reject("invalid", fault.Invalid("", err.Error()))
	}
	// FieldError's text is its path, then the reason.
	field := strings.TrimSuffix(fe.Error(), ": "+fe.Reason)
	if size > event.MaxMessageBytes {
		return reject("message_size", fault.TooLarge(field, fe.Reason, event.MaxMessageBytes))
	}
	return reject("invalid", fault.Invalid(field, fe.Reason))
}

// errNoKey refuses a request without a valid write key.
var errNoKey = fault.Unauthenticated("write key: missing or not valid")

// workspace authenticates a write key, caching valid keys briefly so a busy
// client costs one lookup per KeyTTL.
func (h *Handler) workspace(ctx context.Context, key string) (string, error) {
	unauthorized := reject("auth", errNoKey)
	if key == "" {
		return "", unauthorized
	}
	now := h.now()
	if c, ok := h.cache.Load(key); ok && now.Sub(c.(cachedKey).at) < KeyTTL {
		return c.(cachedKey).workspace, nil
	}
	ws, err := h.keys.WorkspaceForKey(ctx, key)
	if err != nil && !errors.Is(err, fault.ErrNotFound) {
		return "", err
	}
	if err != nil {
		// Not cached: anyone may send any key, and a cache of wrong ones
		// would grow without bound. A miss is one indexed lookup.
		return "", unauthorized
	}
	h.cache.Store(key, cachedKey{workspace: ws, at: now})
	return ws, nil
}

// ForgetKeys drops cached key answers, e.g. right after a revocation.
func (h *Handler) ForgetKeys() { h.cache.Clear() }

// readBody reads the request body within Segment's 500 KB batch limit,
// gunzipping whenever Content-Encoding says gzip, whatever the Content-Type
// (RudderStack's Node SDK labels gzip bodies as form-encoded).
func readBody(r *http.Request) ([]byte, error) {
	tooBig := reject("batch_size", fault.TooLarge("body", fmt.Sprintf("is over the batch limit of %d bytes (500 KB)", event.MaxBatchBytes), event.MaxBatchBytes))
	var src io.Reader = r.Body
	if strings.EqualFold(strings.TrimSpace(r.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(io.LimitReader(r.Body, event.MaxBatchBytes+1))
		if err != nil {
			return nil, reject("gzip", fault.Invalid("body", "Content-Encoding is gzip but the body is not gzip: "+err.Error()))
		}
		defer zr.Close()
		src = zr
	}
	body, err := io.ReadAll(io.LimitReader(src, event.MaxBatchBytes+1))
	if err != nil {
		return nil, reject("read", fault.Invalid("body", "could not be read: "+err.Error()))
	}
	if len(body) > event.MaxBatchBytes {
		return nil, tooBig
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, reject("invalid", fault.Invalid("body", "is empty"))
	}
	return body, nil
}

// cors lets browser tracking snippets on the business's own sites post here.
func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
}

func preflight(w http.ResponseWriter, r *http.Request) {
	cors(w)
	w.WriteHeader(http.StatusNoContent)
}
