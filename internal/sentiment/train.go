package sentiment

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
)

// TrainSet is a labelled set with the weight its texts carry in training.
type TrainSet struct {
	Set
	Weight float64
}

// Recipe is what the English model is trained on: every labelled set Ripple
// has, weighted so that no one kind of text dominates. TweetEval's tweets
// weigh most: they are the only set with real neutral statements (news,
// announcements, plain facts), which is most of what a brand's mentions
// are. VADER's tweets carry the everyday personal voice; the reviews carry
// polar words in context but are not social text, so they weigh little.
var Recipe = []struct {
	Set    string
	Weight float64
}{
	{"tweeteval_val", 4},
	{"vader_tweets_raw", 2},
	{"movie_snippets", 0.3},
	{"uci_amazon", 0.3},
	{"uci_imdb", 0.3},
	{"uci_yelp", 0.3},
}

// RecipeSets picks the sets of Recipe out of sets, with their weights.
func RecipeSets(sets []Set) ([]TrainSet, error) {
	var out []TrainSet
	for _, r := range Recipe {
		i := setIndex(sets, r.Set)
		if i < 0 {
			return nil, fmt.Errorf("sentiment: training set %s missing", r.Set)
		}
		out = append(out, TrainSet{Set: sets[i], Weight: r.Weight})
	}
	return out, nil
}

// InRecipe reports whether the set named name is part of Recipe.
func InRecipe(name string) bool {
	for _, r := range Recipe {
		if r.Set == name {
			return true
		}
	}
	return false
}

func setIndex(sets []Set, name string) int {
	for i, s := range sets {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// TrainOptions tune the fit. The zero value means the defaults.
type TrainOptions struct {
	// C is the inverse strength of the L2 penalty (1 by default).
	C float64
	// MinCount is how many training texts a gram must occur in to get a
	// weight (2 by default): a gram seen once teaches nothing general.
	MinCount int
	// Prune drops grams whose weights are all smaller than this from the
	// model (0.1 by default): it halves the model's size and leaves its
	// held-out scores within 0.002.
	Prune float64
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.C <= 0 {
		o.C = 1
	}
	if o.MinCount <= 0 {
		o.MinCount = 2
	}
	if o.Prune <= 0 {
		o.Prune = 0.1
	}
	return o
}

// sample is one training text as the model sees it.
type sample struct {
	x     [nDense]float64
	grams []int32 // vocabulary indices, distinct
	scale float64
	y     int
	w     float64
}

// extracted is a labelled text's features before a vocabulary is chosen.
type extracted struct {
	x     [nDense]float64
	keys  []uint64
	scale float64
	y     int
	w     float64
}

// extract reads one text as the model for language l would; ok is false
// when the text is in another language.
func (a *Analyzer) extract(text string, l *language, names map[uint64]string) (e extracted, ok bool) {
	sc := a.pool.Get().(*scratch)
	defer a.pool.Put(sc)
	sc.tokenize(text, a.lx)
	li := sc.detect(a.lx)
	if li < 0 || a.lx.langs[li] != l {
		return e, false
	}
	sc.dense(normalize(sc.score(l)), &e.x)
	e.scale = sc.grams()
	e.keys = append([]uint64(nil), sc.keys...)
	if names != nil {
		for _, g := range sc.gramTexts() {
			names[gramKey(g)] = g
		}
	}
	return e, true
}

// Model is a trained model ready to be written as a model.tsv.
type Model struct {
	m     *model
	names map[uint64]string
	// Texts is how many texts it was trained on.
	Texts int
}

// Grams is how many words and word pairs the model keeps a weight for.
func (m *Model) Grams() int { return len(m.m.grams) }

// Write writes the model in model.tsv's format.
func (m *Model) Write(w io.Writer) error {
	header := fmt.Sprintf(`Ripple's English sentiment model: multinomial logistic regression over the
rules' findings and the words and word pairs of a text. Written by
"ripple train sentiment" from %d labelled texts (see Recipe in train.go).
kind<TAB>name<TAB>negative<TAB>neutral<TAB>positive`, m.Texts)
	return writeModel(w, m.m, m.names, header)
}

// Train fits the English model on sets.
func (a *Analyzer) Train(ctx context.Context, sets []TrainSet, opt TrainOptions) (*Model, error) {
	names := map[uint64]string{}
	ex, _ := a.extractAll(sets, names)
	m, err := fit(ctx, ex, nil, opt.withDefaults())
	if err != nil {
		return nil, err
	}
	return &Model{m: m, names: names, Texts: len(ex)}, nil
}

// extractAll reads every English text of sets, with its class and weight,
// and returns the texts alongside; texts in other languages are left out.
func (a *Analyzer) extractAll(sets []TrainSet, names map[uint64]string) ([]extracted, []string) {
	l := a.lx.langs[a.lx.fallback]
	var ex []extracted
	var texts []string
	for _, s := range sets {
		for _, e := range s.Examples {
			f, ok := a.extract(e.Text, l, names)
			if !ok {
				continue
			}
			f.y, f.w = classOf(e.Want), s.Weight
			ex = append(ex, f)
			texts = append(texts, e.Text)
		}
	}
	return ex, texts
}

func classOf(l Label) int {
	switch l {
	case Positive:
		return classPos
	case Negative:
		return classNeg
	}
	return classNeu
}

// CrossValidate measures the training recipe on texts it has not seen: the
// texts are split into k folds by a hash of the text, so a text in two sets
// is in the same fold of both; each fold is labelled by a model trained on
// the other folds of train. Every set of eval gets a report, whether or not
// it is in train.
func (a *Analyzer) CrossValidate(ctx context.Context, train []TrainSet, eval []Set, k int, opt TrainOptions) ([]Report, error) {
	if k < 2 {
		return nil, fmt.Errorf("sentiment: cross-validation needs at least 2 folds, have %d", k)
	}
	opt = opt.withDefaults()
	foldOf := func(text string) int { return int(gramKey(text) % uint64(k)) }
	ex, texts := a.extractAll(train, nil)
	folds := make([]int, len(texts))
	for i, t := range texts {
		folds[i] = foldOf(t)
	}
	models := make([]*model, k)
	errs := make([]error, k)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for f := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			keep := make([]bool, len(ex))
			for i := range ex {
				keep[i] = folds[i] != f
			}
			models[f], errs[f] = fit(ctx, ex, keep, opt)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	reps := make([]Report, len(eval))
	for i, s := range eval {
		preds := make([]Label, len(s.Examples))
		for j, e := range s.Examples {
			preds[j] = a.analyze(e.Text, models[foldOf(e.Text)]).Label
		}
		reps[i] = report(s, preds, 0)
	}
	return reps, nil
}

// fit trains a model on the examples whose keep is true (all when keep is
// nil): multinomial logistic regression with an L2 penalty, solved by
// L-BFGS, the dense findings standardised while fitting.
func fit(ctx context.Context, ex []extracted, keep []bool, opt TrainOptions) (*model, error) {
	use := func(i int) bool { return keep == nil || keep[i] }
	// Vocabulary: grams in at least MinCount training texts.
	count := map[uint64]int{}
	for i, e := range ex {
		if use(i) {
			for _, k := range e.keys {
				count[k]++
			}
		}
	}
	vocab := map[uint64]int32{}
	var keys []uint64
	for i, e := range ex {
		if !use(i) {
			continue
		}
		for _, k := range e.keys {
			if _, ok := vocab[k]; !ok && count[k] >= opt.MinCount {
				vocab[k] = int32(len(keys))
				keys = append(keys, k)
			}
		}
	}
	var mean, sd [nDense]float64
	var n float64
	for i, e := range ex {
		if use(i) {
			n++
			for j, v := range e.x {
				mean[j] += v
			}
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("sentiment: no training texts in the trained language")
	}
	for j := range mean {
		mean[j] /= n
	}
	for i, e := range ex {
		if use(i) {
			for j, v := range e.x {
				sd[j] += (v - mean[j]) * (v - mean[j])
			}
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / n)
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	var samples []sample
	for i, e := range ex {
		if !use(i) {
			continue
		}
		s := sample{scale: e.scale, y: e.y, w: e.w}
		for j, v := range e.x {
			s.x[j] = (v - mean[j]) / sd[j]
		}
		for _, k := range e.keys {
			if id, ok := vocab[k]; ok {
				s.grams = append(s.grams, id)
			}
		}
		samples = append(samples, s)
	}
	// θ: bias, then dense rows, then gram rows, nClasses weights each.
	theta := make([]float64, nClasses*(1+nDense+len(keys)))
	lambda := 1 / opt.C
	if err := lbfgs(ctx, theta, func(th, grad []float64) float64 {
		return objective(samples, th, grad, lambda)
	}); err != nil {
		return nil, err
	}
	// Undo the standardisation: w·(x-μ)/σ = (w/σ)·x - w·μ/σ.
	m := &model{grams: map[uint64][nClasses]float32{}}
	copy(m.bias[:], theta[:nClasses])
	for j := range nDense {
		for c := range nClasses {
			w := theta[nClasses*(1+j)+c] / sd[j]
			m.dense[j][c] = w
			m.bias[c] -= w * mean[j]
		}
	}
	base := nClasses * (1 + nDense)
	for g, k := range keys {
		w := theta[base+nClasses*g : base+nClasses*(g+1)]
		if max(math.Abs(w[0]), math.Abs(w[1]), math.Abs(w[2])) < opt.Prune {
			continue
		}
		m.grams[k] = [nClasses]float32{float32(w[0]), float32(w[1]), float32(w[2])}
	}
	return m, nil
}

// objective returns the weighted cross-entropy of samples under th plus the
// L2 penalty on every weight but the bias, and writes its gradient to grad.
func objective(samples []sample, th, grad []float64, lambda float64) float64 {
	clear(grad)
	base := nClasses * (1 + nDense)
	var loss float64
	for i := range samples {
		s := &samples[i]
		var z [nClasses]float64
		copy(z[:], th[:nClasses])
		for j, v := range s.x {
			row := th[nClasses*(1+j):]
			for c := range z {
				z[c] += v * row[c]
			}
		}
		for _, g := range s.grams {
			row := th[base+nClasses*int(g):]
			for c := range z {
				z[c] += s.scale * row[c]
			}
		}
		p := softmax(z)
		loss -= s.w * math.Log(max(p[s.y], 1e-300))
		var d [nClasses]float64
		for c := range d {
			d[c] = s.w * p[c]
		}
		d[s.y] -= s.w
		for c := range d {
			grad[c] += d[c]
		}
		for j, v := range s.x {
			row := grad[nClasses*(1+j):]
			for c := range d {
				row[c] += v * d[c]
			}
		}
		for _, g := range s.grams {
			row := grad[base+nClasses*int(g):]
			for c := range d {
				row[c] += s.scale * d[c]
			}
		}
	}
	for i := nClasses; i < len(th); i++ {
		loss += lambda / 2 * th[i] * th[i]
		grad[i] += lambda * th[i]
	}
	return loss
}

// lbfgs minimises f from x in place with limited-memory BFGS (ten pairs of
// history) and a backtracking line search, stopping when an iteration
// gains less than a relative 1e-7 or after 1,000 iterations.
func lbfgs(ctx context.Context, x []float64, f func(x, grad []float64) float64) error {
	const (
		history = 10
		maxIter = 1000
		tol     = 1e-7
	)
	n := len(x)
	g := make([]float64, n)
	fx := f(x, g)
	var ss, ys [][]float64
	var rhos []float64
	d := make([]float64, n)
	xn := make([]float64, n)
	gn := make([]float64, n)
	alpha := make([]float64, history)
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Two-loop recursion: d = -H·g.
		for i := range d {
			d[i] = -g[i]
		}
		for k := len(ss) - 1; k >= 0; k-- {
			alpha[k] = rhos[k] * dot(ss[k], d)
			axpy(-alpha[k], ys[k], d)
		}
		if k := len(ss) - 1; k >= 0 {
			scale(d, dot(ss[k], ys[k])/dot(ys[k], ys[k]))
		} else if gg := math.Sqrt(dot(g, g)); gg > 0 {
			scale(d, 1/gg)
		}
		for k := range ss {
			beta := rhos[k] * dot(ys[k], d)
			axpy(alpha[k]-beta, ss[k], d)
		}
		slope := dot(g, d)
		if slope >= 0 { // not a descent direction: start the history afresh
			ss, ys, rhos = ss[:0], ys[:0], rhos[:0]
			continue
		}
		step := 1.0
		var fn float64
		for {
			for i := range xn {
				xn[i] = x[i] + step*d[i]
			}
			fn = f(xn, gn)
			if fn <= fx+1e-4*step*slope || step < 1e-10 {
				break
			}
			step /= 2
		}
		// The oldest pair's memory takes the newest once the history is full.
		var s, y []float64
		if len(ss) == history {
			s, y = ss[0], ys[0]
			ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
		} else {
			s, y = make([]float64, n), make([]float64, n)
		}
		for i := range s {
			s[i] = xn[i] - x[i]
			y[i] = gn[i] - g[i]
		}
		if sy := dot(s, y); sy > 1e-12 {
			ss, ys, rhos = append(ss, s), append(ys, y), append(rhos, 1/sy)
		}
		if fn > fx {
			return nil // the line search found no lower point: converged
		}
		done := fx-fn < tol*max(1, math.Abs(fx))
		copy(x, xn)
		copy(g, gn)
		fx = fn
		if done {
			return nil
		}
	}
	return nil
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func scale(x []float64, a float64) {
	for i := range x {
		x[i] *= a
	}
}
