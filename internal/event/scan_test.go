package event

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// FuzzScanAgreesWithDecoder: whatever the input, Parse and Enrich give the
// same message and the same error with the one-pass scanner, copying or in
// place, as with encoding/json alone.
func FuzzScanAgreesWithDecoder(f *testing.F) {
	for _, seed := range []string{
		`{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","timestamp":"2026-10-01T10:00:00.000Z","properties":{"revenue":12.5,"currency":"EUR","text":"love it"},"context":{"campaign":{"source":"facebook","medium":"cpc","name":"fall"},"page":{"url":"https://x.example/?utm_source=google","referrer":"https://t.co/"}}}`,
		`{"type":"page","anonymousId":12,"properties":{"url":"https://shop.example/p?a=1","revenue":"7"},"context":{"referrer":{"url":"https://www.bing.com/"}}}`,
		`{"type":"identify","userId":"u\u00e9","traits":{"email":"a@b"},"context":null}`,
		`{"Type":"track","event":"A","userId":"u"}`,
		`{"type":"track","event":"A","event":null,"userId":"u","type":""}`,
		`{"type":"track","event":"A","userId":"u","properties":{"Channel":"tv","revenue":null}}`,
		`{"type":"track","event":"A","userId":"u","properties":{"channel":5}}`,
		`{"type":"track","event":"A","userId":"u","context":{"campaign":"x"}}`,
		`{"type":"track","event":"A","userId":"u","properties":[1,2],"context":{"page":null}}`,
		`{"type":"alias","userId":-1.5e3,"previousId":"p"}  `,
		`{"type":"group","groupId":true,"userId":"u"}`,
		`{"type":"track","event":"A","userId":"u","properties":{"revenue":"abc"}}`,
		` {"type" : "screen" , "name":"Home", "anonymousId":"a", "extra":{"deep":[{"x":[true,false,null]}]}}`,
		`{"type":"track","event":"A","userId":"u"} x`,
		`{"type":"track","event":"A\"B","userId":"u"}`,
		`{"type":"track","event":"A","userId":"1e999"}`,
	} {
		f.Add(seed)
	}
	received := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	batchCtx := []byte(`{"campaign":{"source":"newsletter","medium":"email"}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		for _, d := range []Defaults{{}, {Type: Track}, {Context: batchCtx}} {
			slow, errSlow := parse([]byte(raw), 3, received, d, decodeOnly)
			if errSlow == nil {
				errSlow = Enrich(&slow, 3)
			}
			for _, how := range []int{scanCopy, scanAlias} {
				fast, errFast := parse([]byte(raw), 3, received, d, how)
				if errFast == nil {
					errFast = Enrich(&fast, 3)
				}
				if fmt.Sprint(errFast) != fmt.Sprint(errSlow) {
					t.Fatalf("Parse(%q) (scan %d): scanner says %v, decoder says %v", raw, how, errFast, errSlow)
				}
				if errFast == nil && !reflect.DeepEqual(fast, slow) {
					t.Fatalf("message %q (scan %d):\nscanner %+v\ndecoder %+v", raw, how, fast, slow)
				}
			}
		}
	})
}

func TestScannerReadsCommonMessages(t *testing.T) {
	raw := []byte(`{"type":"track","event":"Order Completed","userId":"u1","properties":{"revenue":12.5},"context":{"campaign":{"source":"facebook","medium":"cpc"}}}`)
	var w wire
	var x extract
	ok, xok := scanMessage(raw, false, &w, &x)
	if !ok || !xok || w.Event != "Order Completed" || x.c.Campaign.Source != "facebook" || string(x.p.Revenue) != "12.5" {
		t.Fatalf("scan = %v %v %+v %+v; want the common message read in one pass", ok, xok, w, x)
	}
}
