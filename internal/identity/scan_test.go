package identity

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzFields checks the traits scanner against encoding/json: on every
// valid JSON object it finds the same keys with the same raw values (the
// last of a repeated key winning), and it never panics on anything else.
func FuzzFields(f *testing.F) {
	for _, s := range []string{
		`{"email":"a@b.co","phone":5550102040,"x":"@t"}`,
		` { "a\"b" : [1,{"c":"}"}], "n":null, "t":true , "e":"\u00e9" } `,
		`{}`, `{"a":{}}`, `[1]`, `"s"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		have := map[string][]byte{}
		ok := fields(b, func(k string, v []byte) { have[k] = v })
		var want map[string]json.RawMessage
		// Messages reach identity as valid UTF-8 (parsing checks it), where
		// encoding/json and the raw bytes agree on every key.
		if !utf8.Valid(b) || !json.Valid(b) || json.Unmarshal(b, &want) != nil || want == nil {
			return // not an object: whatever fields said, it did not panic
		}
		if !ok {
			t.Fatalf("fields refused the object %s", b)
		}
		if len(have) != len(want) {
			t.Fatalf("%s: fields found %d keys, encoding/json %d", b, len(have), len(want))
		}
		for k, v := range want {
			if !bytes.Equal(have[k], v) {
				t.Fatalf("%s: key %q is %s, encoding/json says %s", b, k, have[k], v)
			}
		}
	})
}
