package sentiment

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// toySets teaches two made-up words: texts with "zorblax" are positive,
// with "quuxly" negative, the rest neutral. The rules know neither word.
func toySets() []TrainSet {
	var ex []Example
	subjects := []string{"the parcel", "my order", "the new phone", "our team", "the update", "this week", "the event", "her flight"}
	verbs := []string{"arrived today", "is here", "came in", "starts monday", "went out", "shows up", "was sent", "got moved"}
	for i, s := range subjects {
		for j, v := range verbs {
			text := s + " " + v
			switch (i + j) % 3 {
			case 0:
				ex = append(ex, Example{Text: text + " zorblax", Want: Positive})
			case 1:
				ex = append(ex, Example{Text: text + " quuxly", Want: Negative})
			default:
				ex = append(ex, Example{Text: text, Want: Neutral})
			}
		}
	}
	return []TrainSet{{Set: Set{Name: "toy", Examples: ex}, Weight: 1}}
}

func TestTrainLearnsWords(t *testing.T) {
	a := rulesOnly()
	m, err := a.Train(context.Background(), toySets(), TrainOptions{C: 10})
	if err != nil {
		t.Fatal(err)
	}
	if m.Texts != 64 {
		t.Errorf("trained on %d texts, want 64", m.Texts)
	}
	for _, tt := range []struct {
		text string
		want Label
	}{
		{"a box is here zorblax", Positive},
		{"a box is here quuxly", Negative},
		{"a box is here", Neutral},
	} {
		if have := a.analyze(tt.text, m.m); have.Label != tt.want {
			t.Errorf("trained model: %q = %s (%.3f), want %s", tt.text, have.Label, have.Score, tt.want)
		}
		if have := a.Analyze(tt.text); tt.text == "a box is here zorblax" && have.Label != Neutral {
			t.Errorf("rules alone: %q = %s, want neutral", tt.text, have.Label)
		}
	}
}

func TestModelRoundTrip(t *testing.T) {
	a := rulesOnly()
	m, err := a.Train(context.Background(), toySets(), TrainOptions{C: 10})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	loaded, err := loadModel(fstest.MapFS{"model.tsv": {Data: buf.Bytes()}}, "model.tsv")
	if err != nil {
		t.Fatalf("load what Write wrote: %v\n%s", err, buf.String())
	}
	if m.Rows() == 0 {
		t.Fatal("the toy model kept no table row")
	}
	for _, text := range []string{"the parcel is here zorblax", "my order came in quuxly", "the event got moved", "zorblax!!! 😍"} {
		want, have := a.analyze(text, m.m), a.analyze(text, loaded)
		// Written weights keep three significant digits, and rows below
		// the pruning threshold are dropped.
		if want.Label != have.Label || math.Abs(want.Score-have.Score) > 0.05 {
			t.Errorf("%q: trained %s %.4f, loaded %s %.4f", text, want.Label, want.Score, have.Label, have.Score)
		}
	}
}

// TestFeatures checks that the rows a text's words and pairs are scored by
// are the rows of their texts' hashes, that character n-grams follow them,
// and that a negator marks the words it reaches, as far as it reaches them.
func TestFeatures(t *testing.T) {
	a := rulesOnly()
	l := a.lx.langs[a.lx.fallback]
	scored := func(text string) *scratch {
		sc := new(scratch)
		sc.tokenize(text, a.lx)
		sc.score(l)
		return sc
	}
	for _, text := range []string{"I don't like it, not at all 😡", "Never again!! #NeverAgain", "", "😍", "a b a b"} {
		sc := scored(text)
		ws, cs := sc.features()
		var want []uint32
		for _, g := range sc.featureTexts() {
			want = append(want, row(gramKey(g)))
		}
		if have := sc.feats[:sc.nWordFeats]; !slices.Equal(have, want) {
			t.Errorf("%q: word rows %v, the texts %q hash to %v", text, have, sc.featureTexts(), want)
		}
		if nc := len(sc.feats) - sc.nWordFeats; (nc > 0) != (cs > 0) || (len(want) > 0) != (ws > 0) {
			t.Errorf("%q: %d word and %d character features with scales %v and %v", text, len(want), nc, ws, cs)
		}
	}
	sc := scored("don't")
	sc.features()
	if nc := len(sc.feats) - sc.nWordFeats; nc != 9 {
		t.Errorf("\"don't\": %d character n-grams, want 9 (3 and 4 bytes of \" don't \")", nc)
	}
	for text, want := range map[string]string{
		"I don't like it":        "i,don't,~like,~it",
		"this is not awful":      "this,is,not,~awful",
		"never was it this good": "never,~was,~it,~this,good",
		"no fun at all":          "no,~fun,~at,all",
		"not good. great":        "not,~good,|,great",
		"@shop no fun!":          "@,no,~fun,|",
	} {
		var words []string
		for _, g := range scored(text).featureTexts() {
			if !strings.Contains(g, " ") {
				words = append(words, g)
			}
		}
		if have := strings.Join(words, ","); have != want {
			t.Errorf("%q: gram words %s, want %s", text, have, want)
		}
	}
}

func TestLoadModelErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"fields", "bias\t\t1\t2\n", "line 1: want kind<TAB>name<TAB>3 weights, have 4 fields"},
		{"weight", "bias\t\t1\tx\t2\n", `line 1: weight "x" is not a number within ±1e+06`},
		{"nan", "bias\t\t1\tNaN\t2\n", `line 1: weight "NaN" is not a number within ±1e+06`},
		{"huge", "bias\t\t1\t1e300\t2\n", `line 1: weight "1e300" is not a number within ±1e+06`},
		{"dense", "bias\t\t0\t0\t0\ndense\tmood\t1\t2\t3\n", `line 2: unknown dense feature "mood"`},
		{"row", "bias\t\t0\t0\t0\nrow\t262144\t1\t2\t3\n", `line 2: row "262144" is not an index below 262144`},
		{"row text", "bias\t\t0\t0\t0\nrow\tgood\t1\t2\t3\n", `line 2: row "good" is not an index below 262144`},
		{"row zeros", "bias\t\t0\t0\t0\nrow\t007\t1\t2\t3\n", `line 2: row "007" is not an index below 262144`},
		{"kind", "bias\t\t0\t0\t0\ngram\ta\t1\t2\t3\n", `line 2: unknown kind "gram"`},
		{"twice", "bias\t\t0\t0\t0\nrow\t7\t1\t2\t3\nrow\t7\t1\t2\t3\n", `line 3: row "7" listed twice`},
		{"no bias", "row\t1\t1\t2\t3\n", "no bias row"},
	}
	for _, tt := range tests {
		_, err := loadModel(fstest.MapFS{"model.tsv": {Data: []byte(tt.file)}}, "model.tsv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func FuzzLoadModel(f *testing.F) {
	f.Add("bias\t\t0.1\t-0.2\t0.1\ndense\tscore\t-1\t0\t1\nrow\t12\t-1\t0\t1\nrow\t262143\t1\t0\t-1\n")
	f.Add("bias\t\t1\t2\n")
	f.Add("# comment\nbias\t\t1e6\t-1e6\t0\n")
	a := rulesOnly()
	f.Fuzz(func(t *testing.T, file string) {
		m, err := loadModel(fstest.MapFS{"model.tsv": {Data: []byte(file)}}, "model.tsv")
		if err != nil {
			return
		}
		for _, text := range []string{"good", "not good at all!!", ""} {
			r := a.analyze(text, m)
			if math.IsNaN(r.Score) || r.Score < -1 || r.Score > 1 {
				t.Fatalf("model %q: %q scores %v", file, text, r.Score)
			}
		}
	})
}

func TestTrainErrors(t *testing.T) {
	a := rulesOnly()
	es := []TrainSet{{Set: Set{Name: "es", Examples: []Example{{Text: "El servicio es muy malo y no me gusta nada", Want: Negative}}}, Weight: 1}}
	if _, err := a.Train(context.Background(), es, TrainOptions{}); err == nil || !strings.Contains(err.Error(), "no training texts") {
		t.Errorf("training on Spanish only: error %v, want no training texts", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Train(ctx, toySets(), TrainOptions{}); err == nil {
		t.Error("training with a cancelled context: no error")
	}
}

func TestParsePool(t *testing.T) {
	ex, err := parsePool((strings.NewReader("1\tpositive\tgreat day\n2\tneutral\t\"quoted, whole\"\t\n\n3\tnegative\tbad\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{{"great day", Positive}, {"quoted, whole", Neutral}, {"bad", Negative}}
	if !slices.Equal(ex, want) {
		t.Errorf("parsed %q, want %q", ex, want)
	}
	for _, tt := range []struct{ in, want string }{
		{"1\tpositive\n", "line 1: want id<TAB>label<TAB>text, have 2 fields"},
		{"1\tneutral\tok\n2\tmixed\tok\n", `line 2: label "mixed" is not positive, neutral or negative`},
	} {
		if _, err := parsePool((strings.NewReader(tt.in))); err == nil || err.Error() != tt.want {
			t.Errorf("parsePool(%q): error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzParsePool(f *testing.F) {
	f.Add("1\tpositive\tgreat day\n2\tneutral\t\"quoted\"\t\n")
	f.Add("1\tmixed\tx\n")
	f.Add("\"\t\"\t\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		ex, err := parsePool((strings.NewReader(in)))
		if err != nil {
			return
		}
		for _, e := range ex {
			if e.Want != Positive && e.Want != Neutral && e.Want != Negative {
				t.Fatalf("%q: label %q", in, e.Want)
			}
		}
	})
}

func TestAddressesBrand(t *testing.T) {
	for text, want := range map[string]bool{
		"@united my flight is delayed again":         false, // not a handle the pool names
		"@Microsoft how about a system that works":   true,
		"dear @comcast, three hours on hold":         true,
		"I liked a @YouTube video http://t.co/x":     false,
		"great talk http://t.co/x via @youtube":      false,
		"RT @Windows 12 handy tips":                  false,
		"@bob I told @AmazonHelp about it":           true,
		"@microsoftstore is not @microsoft's handle": true,
		"no handle at all, just Microsoft":           false,
	} {
		if have := addressesBrand(text); have != want {
			t.Errorf("addressesBrand(%q) = %v, want %v", text, have, want)
		}
	}
}
