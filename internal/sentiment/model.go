package sentiment

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"
)

// Classes in the order of a model's weight columns.
const (
	classNeg = iota
	classNeu
	classPos
	nClasses
)

var classLabels = [nClasses]Label{Negative, Neutral, Positive}

// model is a multinomial logistic regression over a text's dense findings
// (denseNames) and its hashed words, word pairs and character n-grams. A
// language with a model.tsv labels its texts with it; the rules alone label
// the others.
type model struct {
	bias  [nClasses]float64
	dense [nDense][nClasses]float64
	// table holds nClasses weights for each of the tableRows rows a
	// feature hashes to; rows a model file leaves out are zero.
	table []float32
}

func newModel() *model {
	return &model{table: make([]float32, nClasses*tableRows)}
}

// predict labels the text last scored into sc, whose rules' score is s.
// The returned score is P(positive) - P(negative): its sign follows the
// label whenever the label is polar.
func (m *model) predict(sc *scratch, s float64) (Label, float64) {
	var x [nDense]float64
	sc.dense(s, &x)
	z := m.bias
	for j, v := range x {
		for c := range z {
			z[c] += v * m.dense[j][c]
		}
	}
	ws, cs := sc.features()
	z = m.addRows(z, sc.feats[:sc.nWordFeats], ws)
	z = m.addRows(z, sc.feats[sc.nWordFeats:], cs)
	p := softmax(z)
	best := classNeu
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	return classLabels[best], p[classPos] - p[classNeg]
}

// addRows adds scale times the table rows of feats to z.
func (m *model) addRows(z [nClasses]float64, feats []uint32, scale float64) [nClasses]float64 {
	var a [nClasses]float32
	for _, f := range feats {
		w := m.table[nClasses*f : nClasses*f+nClasses]
		a[0] += w[0]
		a[1] += w[1]
		a[2] += w[2]
	}
	for c := range z {
		z[c] += scale * float64(a[c])
	}
	return z
}

func softmax(z [nClasses]float64) [nClasses]float64 {
	top := max(z[0], z[1], z[2])
	var sum float64
	for c := range z {
		z[c] = math.Exp(z[c] - top)
		sum += z[c]
	}
	for c := range z {
		z[c] /= sum
	}
	return z
}

// The model file, model.tsv, holds one weight row a line:
//
//	kind<TAB>name<TAB>negative<TAB>neutral<TAB>positive
//
// kind is "bias" (one row, name empty), "dense" (one row for each of
// denseNames, by name) or "row" (a row of the feature table, by its index
// in decimal; rows left out are zero). `ripple train sentiment` writes it.
func loadModel(fsys fs.FS, name string) (*model, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("sentiment: %w", err)
	}
	defer f.Close()
	return readModel(f, name)
}

// readModel reads a model file from r; name is for errors.
func readModel(r io.Reader, name string) (*model, error) {
	m := newModel()
	seen := map[string]bool{}
	err := scanLines(r, name, func(line string, n int) error {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return fmt.Errorf("line %d: want kind<TAB>name<TAB>3 weights, have %d fields", n, len(f))
		}
		var w [nClasses]float64
		for c := range w {
			v, err := strconv.ParseFloat(f[2+c], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxWeight {
				return fmt.Errorf("line %d: weight %q is not a number within ±%g", n, f[2+c], float64(maxWeight))
			}
			w[c] = v
		}
		switch f[0] {
		case "bias":
			m.bias = w
		case "dense":
			j := denseIndex(f[1])
			if j < 0 {
				return fmt.Errorf("line %d: unknown dense feature %q", n, f[1])
			}
			m.dense[j] = w
		case "row":
			r, err := strconv.ParseUint(f[1], 10, 32)
			if err != nil || r >= tableRows || strconv.FormatUint(r, 10) != f[1] {
				return fmt.Errorf("line %d: row %q is not an index below %d", n, f[1], tableRows)
			}
			for c := range w {
				m.table[nClasses*r+uint64(c)] = float32(w[c])
			}
		default:
			return fmt.Errorf("line %d: unknown kind %q", n, f[0])
		}
		key := f[0] + "\t" + f[1]
		if seen[key] {
			return fmt.Errorf("line %d: %s %q listed twice", n, f[0], f[1])
		}
		seen[key] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !seen["bias\t"] {
		return nil, fmt.Errorf("sentiment: %s: no bias row", name)
	}
	return m, nil
}

// maxWeight bounds a weight a model file may hold: a trained weight is a
// few units at most, and a bound keeps a damaged file from overflowing a
// text's sum.
const maxWeight = 1e6

func denseIndex(name string) int {
	for j, n := range denseNames {
		if n == name {
			return j
		}
	}
	return -1
}

// writeModel writes m in model.tsv's format, leaving out the table rows
// whose weights are all smaller than prune.
func writeModel(w io.Writer, m *model, prune float64, header string) error {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		b.WriteString("# " + line + "\n")
	}
	row := func(kind, name string, w [nClasses]float64) {
		b.WriteString(kind + "\t" + name)
		for _, v := range w {
			b.WriteString("\t" + strconv.FormatFloat(v, 'g', 3, 64))
		}
		b.WriteByte('\n')
	}
	row("bias", "", m.bias)
	for j, n := range denseNames {
		row("dense", n, m.dense[j])
	}
	for r := range tableRows {
		v := m.table[nClasses*r : nClasses*r+nClasses]
		if max(math.Abs(float64(v[0])), math.Abs(float64(v[1])), math.Abs(float64(v[2]))) < prune {
			continue
		}
		row("row", strconv.Itoa(r), [nClasses]float64{float64(v[0]), float64(v[1]), float64(v[2])})
	}
	_, err := io.WriteString(w, b.String())
	return err
}
