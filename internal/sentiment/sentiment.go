// Package sentiment owns Ripple's sentiment engine: it labels a short social
// text positive, neutral or negative with a score in [-1, 1], or unscored
// when the text is in a language it has no lexicon for and carries no emoji
// or emoticon.
//
// The engine is lexicon-and-rules in the spirit of VADER: word valences
// adjusted for negation, intensifiers and dampeners, "but" clauses, ALL CAPS,
// repeated punctuation and letters, emoji and emoticons, hashtags, slang and
// customer-service phrases. Its lexicons are embedded, one folder per
// language (lexicon/<lang>/), so adding a language is adding a folder.
package sentiment

import (
	"fmt"
	"io/fs"
	"math"
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

// Threshold is the score magnitude from which a text is positive or
// negative; scores strictly between -Threshold and Threshold are neutral.
const Threshold = 0.05

// Result is the analysis of one text.
type Result struct {
	Label Label
	// Score is in [-1, 1]: its sign is the polarity, its size the strength.
	Score float64
	// Lang is the detected language (ISO 639-1), or "und" when the script
	// is not one the lexicons cover.
	Lang string
}

// LabelFor returns the label of a score.
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

// New loads the embedded lexicons.
func New() (*Analyzer, error) {
	sub, err := fs.Sub(lexiconFS, "lexicon")
	if err != nil {
		return nil, fmt.Errorf("sentiment: open lexicon: %w", err)
	}
	return newFromFS(sub)
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
	sum := sc.score(a.lx.langs[li])
	s := normalize(sum)
	return Result{Label: LabelFor(s), Score: s, Lang: code}
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
