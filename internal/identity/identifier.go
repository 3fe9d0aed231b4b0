package identity

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"ripple/internal/event"
)

// Kind is a type of identifier. The constants are in the default priority
// order, strongest first: an id the business issues and never changes, then
// identifiers unique to a person, then those a device or a browser makes up.
type Kind uint8

// The kinds of identifier Ripple resolves.
const (
	UserID      Kind = 1 + iota // userId, and an alias's previousId that is a known user id
	Email                       // traits.email or context.traits.email, lower-cased
	Phone                       // traits.phone or context.traits.phone, digits and a leading +
	Handle                      // platform:@name, from properties.author_handle or traits.<platform>
	AnonymousID                 // anonymousId, and an alias's other previousId
)

// numKinds sizes arrays indexed by Kind; index 0 is unused.
const numKinds = int(AnonymousID) + 1

// Kinds lists every kind in the default priority order.
var Kinds = []Kind{UserID, Email, Phone, Handle, AnonymousID}

var kindNames = [numKinds]string{"", "user_id", "email", "phone", "handle", "anonymous_id"}

func (k Kind) String() string {
	if k == 0 || int(k) >= numKinds {
		return fmt.Sprintf("Kind(%d)", k)
	}
	return kindNames[k]
}

// ParseKind reads a kind's name as String writes it.
func ParseKind(s string) (Kind, error) {
	for k := 1; k < numKinds; k++ {
		if kindNames[k] == s {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("identity: unknown identifier kind %q", s)
}

// Identifier is one normalised identifier of a person.
type Identifier struct {
	Kind  Kind
	Value string
}

func (id Identifier) String() string { return id.Kind.String() + ":" + id.Value }

// Key is the 64-bit name of an identifier within a workspace: the first
// eight bytes of SHA-256 over the workspace, the kind and the value, with
// the kind in the low three bits. A cryptographic hash, so nobody can choose
// a value that lands on someone else's identifier (two random identifiers
// share a key with odds of about one in 10^12 per million pairs); the kind
// in the key lets the graph be rebuilt from keys and profiles alone.
func Key(workspace string, id Identifier) uint64 {
	h := sha256.New()
	h.Write([]byte(workspace))
	h.Write([]byte{0, byte(id.Kind)})
	h.Write([]byte(id.Value))
	var sum [sha256.Size]byte
	return binary.LittleEndian.Uint64(h.Sum(sum[:0]))&^7 | uint64(id.Kind)
}

// KindOf is the kind a key was made for.
func KindOf(key uint64) Kind { return Kind(key & 7) }

// maxValueBytes bounds an identifier: anything longer is not one.
const maxValueBytes = 256

// builtinBlocked are values that clients send when they have no id (a
// placeholder, a language's printed nil, a template left unfilled). They
// would join thousands of strangers into one profile, so they never count,
// whatever their case or surrounding quotes: Segment's suggested blocked
// values, PostHog's illegal distinct ids and RudderStack's excluded values.
// Values made of zeros and dashes only (an all-zeros UUID, "0", "000") are
// blocked by pattern.
var builtinBlocked = []string{
	"null", "undefined", "none", "nil", "nan", "anonymous", "guest", "unknown", "-1",
	"[object object]", "true", "false", "id", "distinct_id", "distinctid", "not_authenticated",
	"email", "user", "user_id", "userid", "anonymous_id", "anonymousid", "n/a", "na",
}

// junk reports whether v (already trimmed) is a placeholder rather than an
// identifier, by the built-in list and the extra values given (lower-cased).
func junk(v string, extra map[string]bool) bool {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		v = strings.TrimSpace(v[1 : len(v)-1])
	}
	zeros := true
	for i := 0; i < len(v); i++ {
		if v[i] != '0' && v[i] != '-' {
			zeros = false
			break
		}
	}
	if zeros || len(v) > maxValueBytes {
		return true
	}
	if len(v) > 17 { // longer than any built-in value: skip lower-casing
		return len(extra) > 0 && extra[strings.ToLower(v)]
	}
	l := strings.ToLower(v)
	for _, b := range builtinBlocked {
		if l == b {
			return true
		}
	}
	return extra[l]
}

// NormalizeEmail is the canonical form of an email address, lower-cased and
// trimmed, or false when s is not one.
func NormalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>,;\"") {
		return "", false
	}
	domain := s[at+1:]
	if dot := strings.IndexByte(domain, '.'); dot <= 0 || dot == len(domain)-1 || strings.IndexByte(s[:at], '@') >= 0 {
		return "", false
	}
	return strings.ToLower(s), true
}

// NormalizePhone keeps a phone number's digits, and its leading + when it
// has one, or says false when s has fewer than 7 or more than 15 digits,
// letters, or one digit repeated ("0000000" is a placeholder). Numbers
// written without a country code are kept as they are: Ripple does not
// guess the country.
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var b [16]byte
	n := 0
	plus := strings.HasPrefix(s, "+")
	if plus {
		b[0] = '+'
		n = 1
		s = s[1:]
	}
	digits := 0
	same := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 15 {
				return "", false
			}
			if digits > 0 && c != b[n-1] {
				same = false
			}
			b[n] = c
			n++
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
		default:
			return "", false
		}
	}
	if digits < 7 || same {
		return "", false
	}
	return string(b[:n]), true
}

// platformNames maps what senders call a social platform to Ripple's name.
var platformNames = map[string]string{
	"instagram": "instagram", "ig": "instagram",
	"x": "x", "twitter": "x",
	"facebook": "facebook", "fb": "facebook",
	"tiktok": "tiktok", "youtube": "youtube", "yt": "youtube",
	"pinterest": "pinterest", "linkedin": "linkedin", "threads": "threads",
	"bluesky": "bluesky", "mastodon": "mastodon", "reddit": "reddit", "snapchat": "snapchat",
}

// NormalizeHandle is the canonical form of a handle on a platform,
// "instagram:@ana", or false when the platform is not a known social
// platform or the name is not a handle (1 to 64 letters, digits, dots,
// underscores or dashes, an optional @ before). Handles are compared
// without case, as the platforms do.
func NormalizeHandle(platform, name string) (string, bool) {
	p, ok := platformNames[strings.ToLower(strings.TrimSpace(platform))]
	if !ok {
		return "", false
	}
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	if name == "" || len(name) > 64 {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return "", false
		}
	}
	return p + ":@" + strings.ToLower(name), true
}

// handleKey reads an id written as a handle, "instagram:@ana": importers of
// platform data name a post's author that way.
func handleKey(s string) (string, bool) {
	i := strings.Index(s, ":@")
	if i <= 0 || i > len("instagram") {
		return "", false
	}
	return NormalizeHandle(s[:i], s[i+2:])
}

// candidate is an identifier as read from a message, before the graph is
// consulted: an alias's previousId may be a user id or an anonymous id,
// which only the graph can tell.
type candidate struct {
	Identifier
	previous bool // an alias's previousId: a user id if the graph knows it as one
}

var (
	traitsField = []byte(`"traits"`)
	authorField = []byte(`"author_handle"`)
)

// traitPlatforms are the traits that name a handle on a platform, by the
// platform they are named for ("twitter" for X).
var traitPlatforms = []string{"instagram", "x", "twitter", "facebook", "tiktok", "youtube", "pinterest", "linkedin", "threads", "bluesky"}

// extractor reads a message's identifiers into a reusable buffer.
type extractor struct {
	blocked map[string]bool
	out     []candidate
	blocks  int // junk values seen in the last extract
}

// extract lists m's identifiers in the order the message gives them: userId,
// previousId, anonymousId, then traits, context.traits and the author of a
// social touchpoint. Placeholders are left out and counted in e.blocks.
// The result is valid until the next call.
func (e *extractor) extract(m *event.Message) []candidate {
	e.out, e.blocks = e.out[:0], 0
	e.id(UserID, m.UserID, false)
	if m.Type == event.Alias {
		e.id(UserID, m.PreviousID, true)
	}
	e.id(AnonymousID, m.AnonymousID, false)
	if m.Type == event.Identify && len(m.Traits) > 0 {
		e.traits(m.Traits)
	}
	if len(m.Context) > 0 && bytes.Contains(m.Context, traitsField) {
		fields(m.Context, func(k string, v []byte) {
			if len(v) > 0 && v[0] == '{' && strings.EqualFold(k, "traits") {
				e.traits(v)
			}
		})
	}
	if len(m.Properties) > 0 && bytes.Contains(m.Properties, authorField) {
		var platform, author string
		fields(m.Properties, func(k string, v []byte) {
			switch {
			case strings.EqualFold(k, "platform"):
				platform, _ = jsonString(v)
			case strings.EqualFold(k, "author_handle"):
				author, _ = jsonString(v)
			}
		})
		if author != "" {
			if h, ok := NormalizeHandle(platform, author); ok {
				e.add(Handle, h, false)
			} else {
				e.blocks++
			}
		}
	}
	return e.out
}

// id reads userId, previousId or anonymousId: a handle when written as one,
// else an id of kind k unless it is a placeholder.
func (e *extractor) id(k Kind, v string, previous bool) {
	if v == "" {
		return
	}
	if strings.IndexByte(v, ':') > 0 {
		if h, ok := handleKey(v); ok {
			e.add(Handle, h, false)
			return
		}
	}
	v = strings.TrimSpace(v)
	if junk(v, e.blocked) {
		e.blocks++
		return
	}
	e.add(k, v, previous)
}

// traits reads the identifiers in a traits object: email, phone and
// handles, by their key without regard to case, the last of a repeated key
// winning, as Segment and encoding/json read them.
func (e *extractor) traits(obj []byte) {
	var email, phone []byte
	var handles [10][]byte // by traitPlatforms
	fields(obj, func(k string, v []byte) {
		switch {
		case strings.EqualFold(k, "email"):
			email = v
		case strings.EqualFold(k, "phone"):
			phone = v
		default:
			for i, p := range traitPlatforms {
				if strings.EqualFold(k, p) {
					handles[i] = v
				}
			}
		}
	})
	if s, ok := rawString(email); ok {
		if v, ok := NormalizeEmail(s); ok && !junk(v, e.blocked) {
			e.add(Email, v, false)
		} else {
			e.blocks++
		}
	}
	if s, ok := rawString(phone); ok {
		if v, ok := NormalizePhone(s); ok {
			e.add(Phone, v, false)
		} else {
			e.blocks++
		}
	}
	for i, raw := range handles {
		name, ok := jsonString(raw)
		if !ok || name == "" {
			continue
		}
		if v, ok := NormalizeHandle(traitPlatforms[i], name); ok {
			e.add(Handle, v, false)
		} else {
			e.blocks++
		}
	}
}

// jsonString is a JSON string's text, or false for any other value.
func jsonString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(b[1:len(b)-1], '\\') < 0 {
		return string(b[1 : len(b)-1]), true
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return "", false
	}
	return s, true
}

// rawString is a trait's text: a JSON string, or a number as written (a
// phone number sent as one). Absent and null traits say false.
func rawString(b []byte) (string, bool) {
	if len(b) > 0 && (b[0] >= '0' && b[0] <= '9' || b[0] == '-' || b[0] == '+') {
		return string(b), true
	}
	s, ok := jsonString(b)
	return s, ok && s != ""
}

func (e *extractor) add(k Kind, v string, previous bool) {
	for i := range e.out {
		if e.out[i].Kind == k && e.out[i].Value == v {
			return
		}
	}
	e.out = append(e.out, candidate{Identifier{k, v}, previous})
}

// Identifiers lists the identifiers Ripple reads from m, in the order the
// message gives them, placeholders left out; extra values are blocked
// besides the built-in ones. An alias's previousId is listed as a user id:
// the resolver treats it as an anonymous id unless the workspace already
// knows it as a user id.
func Identifiers(m *event.Message, extra ...string) []Identifier {
	e := extractor{blocked: blockedSet(extra)}
	var out []Identifier
	for _, c := range e.extract(m) {
		out = append(out, c.Identifier)
	}
	return out
}

func blockedSet(values []string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[strings.ToLower(strings.TrimSpace(v))] = true
	}
	return m
}
