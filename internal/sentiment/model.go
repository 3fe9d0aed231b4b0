package sentiment

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
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
// (denseNames) and its words and word pairs. A language with a model.tsv
// labels its texts with it; the rules alone label the others.
type model struct {
	bias  [nClasses]float64
	dense [nDense][nClasses]float64
	grams map[uint64][nClasses]float32
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
	if scale := sc.grams(); scale > 0 {
		for _, k := range sc.keys {
			if w, ok := m.grams[k]; ok {
				for c := range z {
					z[c] += scale * float64(w[c])
				}
			}
		}
	}
	p := softmax(z)
	best := classNeu
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	return classLabels[best], p[classPos] - p[classNeg]
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
// denseNames, by name) or "gram" (a word, or two words joined by a space).
// `ripple train sentiment` writes it.
func loadModel(fsys fs.FS, name string) (*model, error) {
	m := &model{grams: map[uint64][nClasses]float32{}}
	seen := map[string]bool{}
	err := eachLine(fsys, name, func(line string, n int) error {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return fmt.Errorf("line %d: want kind<TAB>name<TAB>3 weights, have %d fields", n, len(f))
		}
		var w [nClasses]float64
		for c := range w {
			v, err := strconv.ParseFloat(f[2+c], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("line %d: weight %q is not a finite number", n, f[2+c])
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
		case "gram":
			if f[1] == "" || len(strings.Fields(f[1])) > 2 {
				return fmt.Errorf("line %d: gram %q is not one or two words", n, f[1])
			}
			m.grams[gramKey(f[1])] = [nClasses]float32{float32(w[0]), float32(w[1]), float32(w[2])}
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

func denseIndex(name string) int {
	for j, n := range denseNames {
		if n == name {
			return j
		}
	}
	return -1
}

// writeModel writes m in model.tsv's format; names maps each gram's key
// back to its text.
func writeModel(w io.Writer, m *model, names map[uint64]string, header string) error {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		b.WriteString("# " + line + "\n")
	}
	row := func(kind, name string, w [nClasses]float64) {
		b.WriteString(kind + "\t" + name)
		for _, v := range w {
			b.WriteString("\t" + strconv.FormatFloat(v, 'g', 4, 64))
		}
		b.WriteByte('\n')
	}
	row("bias", "", m.bias)
	for j, n := range denseNames {
		row("dense", n, m.dense[j])
	}
	grams := make([]string, 0, len(m.grams))
	for k := range m.grams {
		grams = append(grams, names[k])
	}
	sort.Strings(grams)
	for _, g := range grams {
		v := m.grams[gramKey(g)]
		row("gram", g, [nClasses]float64{float64(v[0]), float64(v[1]), float64(v[2])})
	}
	_, err := io.WriteString(w, b.String())
	return err
}
