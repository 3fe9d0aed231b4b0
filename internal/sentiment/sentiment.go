// Package sentiment owns Ripple's sentiment engine: it labels a short social
// text positive, neutral or negative with a score in [-1, 1], or unscored
// when the text is in a language it has no lexicon for and carries no emoji
// or emoticon.
//
// The engine is lexicon-and-rules in the spirit of VADER: word valences
// adjusted for negation, intensifiers and dampeners, "but" clauses, ALL CAPS,
// repeated punctuation and letters, emoji and emoticons, hashtags, slang and
// customer-service phrases, sarcasm after a complaint. On top of the rules,
// a language may have a trained model (multinomial logistic regression over
// the rules' findings and the text's hashed words, word pairs and character
// n-grams) that labels its texts; the rules decide where they found sarcasm
// or a phrase led by a negator. Train fits it on labelled sets and HeldOut
// measures it on texts it has not seen. Lexicons and models are embedded,
// one folder per language (lexicon/<lang>/), so adding a language is adding
// a folder.
package sentiment

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"sync"
)

// Label is the verdict on one text.
type Label string

// The labels Analyze returns.
const (
	Positive Label = "positive"
	Neutral  Label = "neutral"
	Negative Label = "negative"
	// Unscored marks text in a language the engine has no lexicon for,
	// without emoji or emoticons to go by.
	Unscored Label = "unscored"
)

// modelSure is how far P(positive) - P(negative) must be from zero for the
// model to call a text polar in which the rules find no sentiment word at
// all: without one, what the model goes by is the topic, and a plain
// question to a brand ("how do I reset my password?") is no complaint.
// On the development sets any margin from 0 to 0.4 scored alike; 0.4 is
// the widest of them.
const modelSure = 0.4

// maxModelWords is the most words a text may have for a model to label it;
// a tweet of 2013 to 2016 (140 characters) has at most about 70.
const maxModelWords = 100

// Threshold is the magnitude of the rules' score from which the rules call a
// text positive or negative; scores strictly between -Threshold and
// Threshold are neutral.
const Threshold = 0.05

// Result is the analysis of one text.
type Result struct {
	Label Label
	// Score is in [-1, 1]: its sign is the polarity, its size the strength.
	// Where a model labels the text it is P(positive) - P(negative), whose
	// sign agrees with a polar label; a neutral text's score is its lean.
	Score float64
	// Lang is the detected language (ISO 639-1), or "und" when the script
	// is not one the lexicons cover.
	Lang string
}

// LabelFor returns the rules' label of a rules' score.
func LabelFor(score float64) Label {
	switch {
	case score >= Threshold:
		return Positive
	case score <= -Threshold:
		return Negative
	}
	return Neutral
}

// Analyzer scores texts. It is safe for concurrent use; build one with New or
// share Default.
type Analyzer struct {
	lx   *lexicon
	pool sync.Pool
}

// New loads the embedded lexicons and models.
func New() (*Analyzer, error) { return newEmbedded(false) }

// NewRules loads the embedded lexicons without the trained models: the
// rules alone, which is what a model is trained on top of. It works when a
// model file is stale, so that training can replace it.
func NewRules() (*Analyzer, error) { return newEmbedded(true) }

func newEmbedded(rulesOnly bool) (*Analyzer, error) {
	sub, err := fs.Sub(lexiconFS, "lexicon")
	if err != nil {
		return nil, fmt.Errorf("sentiment: open lexicon: %w", err)
	}
	if rulesOnly {
		sub = withoutModels{sub}
	}
	return newFromFS(sub)
}

// withoutModels hides every model.tsv of a lexicon folder.
type withoutModels struct{ fs.FS }

func (w withoutModels) Open(name string) (fs.File, error) {
	if path.Base(name) == "model.tsv" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return w.FS.Open(name)
}

func newFromFS(fsys fs.FS) (*Analyzer, error) {
	lx, err := loadLexicon(fsys)
	if err != nil {
		return nil, err
	}
	a := &Analyzer{lx: lx}
	a.pool.New = func() any { return new(scratch) }
	return a, nil
}

var (
	defaultOnce     sync.Once
	defaultAnalyzer *Analyzer
)

// Default returns an Analyzer over the embedded lexicons, loaded on first
// use. The lexicons are part of the binary, so a load error is a build
// defect and panics.
func Default() *Analyzer {
	defaultOnce.Do(func() {
		a, err := New()
		if err != nil {
			panic(err)
		}
		defaultAnalyzer = a
	})
	return defaultAnalyzer
}

// Languages lists the language codes the engine detects, and whether each
// is scored.
func (a *Analyzer) Languages() map[string]bool {
	m := make(map[string]bool, len(a.lx.langs))
	for _, l := range a.lx.langs {
		m[l.code] = l.scored
	}
	return m
}

// Analyze labels one text.
func (a *Analyzer) Analyze(text string) Result {
	return a.analyze(text, nil)
}

// analyze labels text; a non-nil trained stands in for the fallback
// language's own model, as cross-validation needs.
func (a *Analyzer) analyze(text string, trained *model) Result {
	sc := a.pool.Get().(*scratch)
	defer a.pool.Put(sc)
	sc.tokenize(text, a.lx)
	li := sc.detect(a.lx)
	code := "und"
	if li >= 0 {
		code = a.lx.langs[li].code
	}
	if li < 0 || !a.lx.langs[li].scored {
		// Emoji and emoticons read the same in every language, so a text
		// in a language without a lexicon is still scored when it has them.
		sum, ok := sc.scoreEmoji()
		if !ok {
			return Result{Label: Unscored, Lang: code}
		}
		s := normalize(sum)
		return Result{Label: LabelFor(s), Score: s, Lang: code}
	}
	l := a.lx.langs[li]
	s := normalize(sc.score(l))
	rules := LabelFor(s)
	m := l.model
	if trained != nil && li == a.lx.fallback {
		m = trained
	}
	if m == nil || sc.words == 0 || sc.words > maxModelWords {
		// Without a word, a model has only its bias to go by: a lone
		// emoji or a bare link is for the rules. A text far longer than
		// any tweet it learned from is for them too: its counts and sums
		// lie outside anything the model was fitted on.
		return Result{Label: rules, Score: s, Lang: code}
	}
	label, p := m.predict(sc, s)
	switch {
	case sc.rulesDecide && label != rules:
		label, p = rules, s
	case label != Neutral && sc.npos+sc.nneg == 0 && math.Abs(p) < modelSure:
		label = Neutral
	}
	return Result{Label: label, Score: p, Lang: code}
}

// normalize maps a sum of valences onto (-1, 1); alpha sets how fast it
// saturates (VADER's value).
func normalize(sum float64) float64 {
	const alpha = 15
	if math.IsNaN(sum) {
		return 0
	}
	s := sum / math.Sqrt(sum*sum+alpha)
	return max(-1, min(1, s))
}
