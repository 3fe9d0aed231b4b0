package identity_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/identity"
)

func parse(t testing.TB, line string) (event.Message, bool) {
	m, err := event.Parse([]byte(line), -1, day0, event.Defaults{})
	return m, err == nil
}

func TestIdentifiers(t *testing.T) {
	for _, c := range []struct {
		line string
		want []string
	}{
		{`{"type":"identify","userId":" u1 ","anonymousId":"A-1","traits":{"email":"Ana@Example.COM","phone":5550102040}}`,
			[]string{"user_id:u1", "anonymous_id:A-1", "email:ana@example.com", "phone:5550102040"}},
		{`{"type":"track","event":"Order Completed","userId":"u1","context":{"traits":{"email":"a@b.co","phone":"+44 20 7946 0958"}}}`,
			[]string{"user_id:u1", "email:a@b.co", "phone:+442079460958"}},
		// Traits of a track call are properties, not traits: only identify reads them.
		{`{"type":"track","event":"x","userId":"u1","traits":{"email":"a@b.co"}}`, []string{"user_id:u1"}},
		{`{"type":"alias","userId":"u2","previousId":"a9","anonymousId":"a9"}`, []string{"user_id:u2", "user_id:a9", "anonymous_id:a9"}},
		{`{"type":"track","event":"Mention Posted","anonymousId":"X:@Tom","properties":{"platform":"Twitter","author_handle":"@tom"}}`,
			[]string{"handle:x:@tom"}},
		{`{"type":"identify","userId":"u1","traits":{"instagram":"@Ana.Runs","linkedin":"https://linkedin.com/in/ana","tiktok":"ana_r"}}`,
			[]string{"user_id:u1", "handle:instagram:@ana.runs", "handle:tiktok:@ana_r"}},
		// Placeholders, and values that are not what their field says.
		{`{"type":"identify","userId":"undefined","anonymousId":"00000000-0000-0000-0000-000000000000","traits":{"email":"null","phone":"1111111"}}`, nil},
		{`{"type":"identify","userId":"\"null\"","anonymousId":"guest","traits":{"email":"not an email","phone":"call me"}}`, nil},
		{`{"type":"track","event":"x","anonymousId":"mastodon:@a","properties":{"platform":"myspace","author_handle":"@a"}}`,
			[]string{"handle:mastodon:@a"}},
		{`{"type":"track","event":"x","userId":"note:@later","anonymousId":"a1"}`, []string{"user_id:note:@later", "anonymous_id:a1"}},
	} {
		m, ok := parse(t, c.line)
		if !ok {
			t.Fatalf("parse %s", c.line)
		}
		var have []string
		for _, id := range identity.Identifiers(&m) {
			have = append(have, id.String())
		}
		if !slices.Equal(have, c.want) {
			t.Errorf("%s\n  identifiers %q\n  want        %q", c.line, have, c.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	emails := map[string]string{" A@B.CO ": "a@b.co", "a.b+c@sub.example.org": "a.b+c@sub.example.org", "@b.co": "", "a@b": "", "a@@b.co": "", "a b@c.co": "", "a@.co": "", "a@b.": ""}
	for in, want := range emails {
		if have, ok := identity.NormalizeEmail(in); have != want || ok != (want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, have, ok, want)
		}
	}
	phones := map[string]string{"+1 (555) 010-2040": "+15550102040", "555.010.2040": "5550102040", "12345": "", "+1 555 abc": "", "0000000": "", "+1234567890123456": ""}
	for in, want := range phones {
		if have, ok := identity.NormalizePhone(in); have != want || ok != (want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, have, ok, want)
		}
	}
	handles := []struct{ platform, name, want string }{
		{"IG", "@Ana", "instagram:@ana"}, {"twitter", "tom_", "x:@tom_"}, {"x", "@", ""}, {"x", "two words", ""},
		{"myspace", "ana", ""}, {"x", strings.Repeat("a", 65), ""},
	}
	for _, h := range handles {
		if have, ok := identity.NormalizeHandle(h.platform, h.name); have != h.want || ok != (h.want != "") {
			t.Errorf("NormalizeHandle(%q, %q) = %q, %v; want %q", h.platform, h.name, have, ok, h.want)
		}
	}
}

func TestKeys(t *testing.T) {
	a := identity.Identifier{Kind: identity.Email, Value: "a@b.co"}
	if identity.Key("ws1", a) == identity.Key("ws2", a) {
		t.Error("one identifier has the same key in two workspaces")
	}
	if identity.Key("ws1", a) == identity.Key("ws1", identity.Identifier{Kind: identity.UserID, Value: "a@b.co"}) {
		t.Error("a user id and an email with one value share a key")
	}
	for _, k := range identity.Kinds {
		if key := identity.Key("ws", identity.Identifier{Kind: k, Value: "v"}); identity.KindOf(key) != k || key == 0 {
			t.Errorf("%s: key %#x says kind %s", k, key, identity.KindOf(key))
		}
		if back, err := identity.ParseKind(k.String()); err != nil || back != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), back, err)
		}
	}
}

// FuzzIdentifiers feeds arbitrary messages to the extraction: it must not
// panic, and what it returns must be normalised (normalising again changes
// nothing; a user id read again is itself, so never a placeholder) and never
// longer than an identifier may be.
func FuzzIdentifiers(f *testing.F) {
	for _, s := range []string{
		`{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":"A@b.co","phone":"+1 555 010 2040","x":"@t"}}`,
		`{"type":"track","event":"Mention Posted","anonymousId":"instagram:@a","properties":{"platform":"ig","author_handle":"@A"}}`,
		`{"type":"alias","userId":"u2","previousId":"null"}`,
		`{"type":"page","anonymousId":"0000-00","context":{"traits":{"email":5,"phone":null}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := event.Parse(raw, -1, time.Time{}, event.Defaults{})
		if err != nil {
			return
		}
		for _, id := range identity.Identifiers(&m) {
			if len(id.Value) == 0 || len(id.Value) > 256 {
				t.Fatalf("%v: value of %d bytes", id, len(id.Value))
			}
			if again := identity.Identifiers(&event.Message{Type: event.Track, UserID: id.Value}); id.Kind == identity.UserID && (len(again) != 1 || again[0] != id) {
				t.Fatalf("user id %q read again gives %v", id.Value, again)
			}
			var norm string
			var ok bool
			switch id.Kind {
			case identity.Email:
				norm, ok = identity.NormalizeEmail(id.Value)
			case identity.Phone:
				norm, ok = identity.NormalizePhone(id.Value)
			case identity.Handle:
				i := strings.Index(id.Value, ":@")
				norm, ok = identity.NormalizeHandle(id.Value[:i], id.Value[i+2:])
			default:
				norm, ok = strings.TrimSpace(id.Value), true
			}
			if !ok || norm != id.Value {
				t.Fatalf("%v: normalising again gives %q, %v", id, norm, ok)
			}
		}
	})
}
