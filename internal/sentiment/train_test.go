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
		// The rules still say which way: a negated polar word is the
		// rules' verdict whatever the model leans to.
		{"a box is here quuxly, not good", Negative},
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
	if len(loaded.grams) != len(m.m.grams) || len(loaded.grams) == 0 {
		t.Fatalf("loaded %d grams, wrote %d", len(loaded.grams), len(m.m.grams))
	}
	for _, text := range []string{"the parcel is here zorblax", "my order came in quuxly", "the event got moved", "zorblax!!! 😍"} {
		want, have := a.analyze(text, m.m), a.analyze(text, loaded)
		// Written weights keep four significant digits.
		if want.Label != have.Label || math.Abs(want.Score-have.Score) > 0.01 {
			t.Errorf("%q: trained %s %.4f, loaded %s %.4f", text, want.Label, want.Score, have.Label, have.Score)
		}
	}
}

// TestGramKeys checks that the hashes a text is scored by are the hashes of
// the gram texts a trainer writes out, so a written model scores as trained.
func TestGramKeys(t *testing.T) {
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
		sc.grams()
		have := slices.Clone(sc.keys)
		var want []uint64
		for _, g := range sc.gramTexts() {
			want = append(want, gramKey(g))
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if !slices.Equal(have, want) {
			t.Errorf("%q: grams hashes %v, gram texts %q hash to %v", text, have, sc.gramTexts(), want)
		}
	}
	// Every negator of the lexicon marks the words it reaches, as far as
	// it reaches them: "no" two words, the others three.
	for text, want := range map[string]string{
		"I don't like it":        "i,don't,~like,~it",
		"this is not awful":      "this,is,not,~awful",
		"never was it this good": "never,~was,~it,~this,good",
		"no fun at all":          "no,~fun,~at,all",
		"not good. great":        "not,~good,|,great",
	} {
		var words []string
		for _, g := range scored(text).gramTexts() {
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
		{"weight", "bias\t\t1\tx\t2\n", `line 1: weight "x" is not a finite number`},
		{"nan", "bias\t\t1\tNaN\t2\n", `line 1: weight "NaN" is not a finite number`},
		{"dense", "bias\t\t0\t0\t0\ndense\tmood\t1\t2\t3\n", `line 2: unknown dense feature "mood"`},
		{"gram", "bias\t\t0\t0\t0\ngram\ta b c\t1\t2\t3\n", `line 2: gram "a b c" is not one or two words`},
		{"kind", "bias\t\t0\t0\t0\nword\ta\t1\t2\t3\n", `line 2: unknown kind "word"`},
		{"twice", "bias\t\t0\t0\t0\ngram\ta\t1\t2\t3\ngram\ta\t1\t2\t3\n", `line 3: gram "a" listed twice`},
		{"no bias", "gram\ta\t1\t2\t3\n", "no bias row"},
	}
	for _, tt := range tests {
		_, err := loadModel(fstest.MapFS{"model.tsv": {Data: []byte(tt.file)}}, "model.tsv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func FuzzLoadModel(f *testing.F) {
	f.Add("bias\t\t0.1\t-0.2\t0.1\ndense\tscore\t-1\t0\t1\ngram\tgood\t-1\t0\t1\ngram\tnot ~good\t1\t0\t-1\n")
	f.Add("bias\t\t1\t2\n")
	f.Add("# comment\nbias\t\t1e308\t-1e308\t0\n")
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
	if _, err := a.CrossValidate(context.Background(), toySets(), nil, 1, TrainOptions{}); err == nil {
		t.Error("cross-validation with 1 fold: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Train(ctx, toySets(), TrainOptions{}); err == nil {
		t.Error("training with a cancelled context: no error")
	}
}
