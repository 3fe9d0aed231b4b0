package sentiment

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
)

// TrainSet is a labelled set with the weight its texts carry in training.
type TrainSet struct {
	Set
	Weight float64
}

// Recipe is what the shipped English model is trained on: the whole pool
// of SemEval's annotated tweets, 2013 to 2016, held-out splits included.
// HeldOutRecipe is the same design trained without the held-out sets, to
// measure it on them.
var Recipe = []RecipeSet{
	{SetPoolTrain, 1},
	{SetPoolDev, 1},
	{SetPoolBrands, 1},
	{SetPoolTest, 1},
}

// HeldOutRecipe is Recipe without the sets it is measured on: the brand
// tweets and 2016's test split. The development split, which the design
// was chosen on, is trained on, as the held-out split has it
// (2013 to 2015 and 2016's train and dev splits).
var HeldOutRecipe = Recipe[:2]

// RecipeSet names a set a model is trained on, with the weight its texts
// carry.
type RecipeSet struct {
	Set    string
	Weight float64
}

// RecipeSets picks the sets of recipe out of sets, with their weights.
func RecipeSets(sets []Set, recipe []RecipeSet) ([]TrainSet, error) {
	var out []TrainSet
	for _, r := range recipe {
		i := setIndex(sets, r.Set)
		if i < 0 {
			return nil, fmt.Errorf("sentiment: training set %s missing", r.Set)
		}
		out = append(out, TrainSet{Set: sets[i], Weight: r.Weight})
	}
	return out, nil
}

// InRecipe reports whether the set named name is part of recipe.
func InRecipe(recipe []RecipeSet, name string) bool {
	for _, r := range recipe {
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
	// C is the inverse strength of the L2 penalty (see defaultC).
	C float64
	// Prune leaves out of a written model the table rows whose weights are
	// all smaller than this (see defaultPrune).
	Prune float64
}

// The fit's defaults, chosen on the development sets.
const (
	defaultC     = 1
	defaultPrune = 0.2
)

func (o TrainOptions) withDefaults() TrainOptions {
	if o.C <= 0 {
		o.C = defaultC
	}
	if o.Prune <= 0 {
		o.Prune = defaultPrune
	}
	return o
}

// sample is one training text as the model sees it.
type sample struct {
	x         [nDense]float64
	feats     []uint32 // table rows, words and pairs first
	nWord     int
	wordScale float64
	charScale float64
	y         int
	w         float64
}

// extract reads one text as the model for language l would; ok is false
// when the text is in another language or has no word.
func (a *Analyzer) extract(text string, l *language) (s sample, ok bool) {
	sc := a.pool.Get().(*scratch)
	defer a.pool.Put(sc)
	sc.tokenize(text, a.lx)
	li := sc.detect(a.lx)
	if li < 0 || a.lx.langs[li] != l {
		return s, false
	}
	sc.dense(normalize(sc.score(l)), &s.x)
	if sc.words == 0 {
		return s, false
	}
	s.wordScale, s.charScale = sc.features()
	s.feats = append([]uint32(nil), sc.feats...)
	s.nWord = sc.nWordFeats
	return s, true
}

// Model is a trained model ready to be written as a model.tsv.
type Model struct {
	m     *model
	prune float64
	// Texts is how many texts it was trained on.
	Texts int
}

// Rows is how many rows of the feature table a written model keeps.
func (m *Model) Rows() int {
	n := 0
	for r := range tableRows {
		v := m.m.table[nClasses*r : nClasses*r+nClasses]
		if max(math.Abs(float64(v[0])), math.Abs(float64(v[1])), math.Abs(float64(v[2]))) >= m.prune {
			n++
		}
	}
	return n
}

// Write writes the model in model.tsv's format.
func (m *Model) Write(w io.Writer) error {
	header := fmt.Sprintf(`Ripple's English sentiment model: multinomial logistic regression over the
rules' findings and the hashed words, word pairs and character n-grams of a
text (2^%d table rows; rows whose weights are all below %g are left out).
Written by "ripple train sentiment" from %d labelled tweets (see Recipe in
train.go).
kind<TAB>name<TAB>negative<TAB>neutral<TAB>positive`, tableBits, m.prune, m.Texts)
	return writeModel(w, m.m, m.prune, header)
}

// Train fits the English model on sets.
func (a *Analyzer) Train(ctx context.Context, sets []TrainSet, opt TrainOptions) (*Model, error) {
	opt = opt.withDefaults()
	ex := a.extractAll(sets)
	m, err := fit(ctx, ex, opt)
	if err != nil {
		return nil, err
	}
	return &Model{m: m, prune: opt.Prune, Texts: len(ex)}, nil
}

// extractAll reads every English text of sets with a word in it, with its
// class and weight; texts in other languages are left out.
func (a *Analyzer) extractAll(sets []TrainSet) []sample {
	l := a.lx.langs[a.lx.fallback]
	var ex []sample
	for _, s := range sets {
		for _, e := range s.Examples {
			f, ok := a.extract(e.Text, l)
			if !ok {
				continue
			}
			f.y, f.w = classOf(e.Want), s.Weight
			ex = append(ex, f)
		}
	}
	return ex
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

// HeldOut measures a model trained on train against every set of eval,
// each without the texts train holds (compared as a tweet's words, so a
// copy with other handles or escapes is the same text): every text is
// labelled by a model that has not seen it. The model is measured as it
// would ship, written out (pruned, three digits a weight) and read back.
func (a *Analyzer) HeldOut(ctx context.Context, train []TrainSet, eval []Set, opt TrainOptions) ([]Report, error) {
	trained, err := a.Train(ctx, train, opt)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := trained.Write(&buf); err != nil {
		return nil, err
	}
	m, err := readModel(&buf, "held-out model")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range train {
		for _, e := range s.Examples {
			seen[sameText(e.Text)] = true
		}
	}
	reps := make([]Report, len(eval))
	for i, s := range eval {
		held := Set{Name: s.Name, Binary: s.Binary}
		var preds []Label
		for _, e := range s.Examples {
			if seen[sameText(e.Text)] {
				continue
			}
			held.Examples = append(held.Examples, e)
			preds = append(preds, a.analyze(e.Text, m).Label)
		}
		reps[i] = report(held, preds, 0)
	}
	return reps, nil
}

// sameText is the key two copies of a tweet share: its letters and digits,
// lowercased, with escapes decoded and @handles left out (TweetEval writes
// every handle as @user).
func sameText(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '@':
			for i+1 < len(text) && (isWordByte(text[i+1]) || text[i+1] == '_') {
				i++
			}
		case c == '\\' && i+5 < len(text) && text[i+1] == 'u':
			if _, ok := hex4(text[i+2 : i+6]); ok {
				i += 5
			}
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			b.WriteByte(c)
		}
	}
	return b.String()
}

// fit trains a model on the samples: multinomial logistic regression with
// an L2 penalty, solved by L-BFGS, the dense findings standardised while
// fitting.
func fit(ctx context.Context, ex []sample, opt TrainOptions) (*model, error) {
	if len(ex) == 0 {
		return nil, fmt.Errorf("sentiment: no training texts in the trained language")
	}
	var mean, sd [nDense]float64
	n := float64(len(ex))
	for _, e := range ex {
		for j, v := range e.x {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= n
	}
	for _, e := range ex {
		for j, v := range e.x {
			sd[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / n)
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	// Each class weighs as much as the others in all: the negative tweets,
	// fewest in every set, are what a brand most needs found.
	var classW [nClasses]float64
	for _, e := range ex {
		classW[e.y] += e.w
	}
	var total float64
	for _, w := range classW {
		total += w
	}
	samples := make([]sample, len(ex))
	for i, e := range ex {
		samples[i] = e
		if classW[e.y] > 0 {
			samples[i].w *= total / (nClasses * classW[e.y])
		}
		for j, v := range e.x {
			samples[i].x[j] = (v - mean[j]) / sd[j]
		}
	}
	// θ: bias, then dense rows, then table rows, nClasses weights each.
	theta := make([]float64, nClasses*(1+nDense+tableRows))
	lambda := 1 / opt.C
	obj := newObjective(samples, len(theta), lambda)
	if err := lbfgs(ctx, theta, obj.eval); err != nil {
		return nil, err
	}
	// Undo the standardisation: w·(x-μ)/σ = (w/σ)·x - w·μ/σ.
	m := newModel()
	copy(m.bias[:], theta[:nClasses])
	for j := range nDense {
		for c := range nClasses {
			w := theta[nClasses*(1+j)+c] / sd[j]
			m.dense[j][c] = w
			m.bias[c] -= w * mean[j]
		}
	}
	base := nClasses * (1 + nDense)
	for i := range m.table {
		m.table[i] = float32(theta[base+i])
	}
	return m, nil
}

// objective is the weighted cross-entropy of the samples plus the L2
// penalty on every weight but the bias. Its data term is summed in a fixed
// number of parts, each into a gradient of its own, and the parts are added
// in order: the result is the same bit for bit on any machine, which keeps
// training reproducible.
type objective struct {
	parts  [][]sample
	grads  [][]float64
	lambda float64
}

const objectiveParts = 2

func newObjective(samples []sample, n int, lambda float64) *objective {
	o := &objective{lambda: lambda}
	per := (len(samples) + objectiveParts - 1) / objectiveParts
	for p := range objectiveParts {
		lo, hi := min(p*per, len(samples)), min((p+1)*per, len(samples))
		o.parts = append(o.parts, samples[lo:hi])
		o.grads = append(o.grads, make([]float64, n))
	}
	return o
}

func (o *objective) eval(th, grad []float64) float64 {
	losses := make([]float64, len(o.parts))
	var wg sync.WaitGroup
	for p := range o.parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			losses[p] = dataLoss(o.parts[p], th, o.grads[p])
		}()
	}
	wg.Wait()
	var loss float64
	copy(grad, o.grads[0])
	loss = losses[0]
	for p := 1; p < len(o.parts); p++ {
		loss += losses[p]
		axpy(1, o.grads[p], grad)
	}
	for i := nClasses; i < len(th); i++ {
		loss += o.lambda / 2 * th[i] * th[i]
		grad[i] += o.lambda * th[i]
	}
	return loss
}

// dataLoss returns the weighted cross-entropy of samples under th and
// writes its gradient to grad.
func dataLoss(samples []sample, th, grad []float64) float64 {
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
		for k, f := range s.feats {
			sc := s.charScale
			if k < s.nWord {
				sc = s.wordScale
			}
			row := th[base+nClasses*int(f):]
			for c := range z {
				z[c] += sc * row[c]
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
		for k, f := range s.feats {
			sc := s.charScale
			if k < s.nWord {
				sc = s.wordScale
			}
			row := grad[base+nClasses*int(f):]
			for c := range d {
				row[c] += sc * d[c]
			}
		}
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
		tol     = 1e-5
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
