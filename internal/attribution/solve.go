package attribution

import (
	"fmt"
	"math"
)

// directLimit is the most transient states solved by dense Gaussian
// elimination; larger chains use Gauss-Seidel.
const directLimit = 400

// gapTolerance is the relative width at which the bracket around the
// conversion probability is narrow enough: a few hundred units in the last
// place, far below the 1e-6 the removal effects need.
const gapTolerance = 1e-13

// maxSweeps bounds Gauss-Seidel; a chain of journeys that are this long on
// average is not a marketing funnel.
const maxSweeps = 200000

// solver computes absorption probabilities of one chain; it holds scratch
// space, so each goroutine needs its own.
type solver struct {
	ch      *chain
	removed []bool
	x       []float64
	hi      []float64 // upper bound iterate of Gauss-Seidel
	a       []float64 // dense matrix for the direct method
	b       []float64
	keep    []int32
}

func (ch *chain) newSolver() *solver {
	m := len(ch.conv)
	s := &solver{ch: ch, removed: make([]bool, m), x: make([]float64, m)}
	if m > directLimit {
		s.hi = make([]float64, m)
	} else {
		s.a = make([]float64, m*m)
		s.b = make([]float64, m)
		s.keep = make([]int32, m)
	}
	return s
}

// solve returns the probability of reaching conversion from the start
// state when every state holding channel c (1..n) leads to null; c = 0
// removes nothing.
//
// The absorption probabilities x solve x = Qx + r, Q being the transitions
// among transient states and r the one-step conversion probabilities. Small
// chains (order 1 up to 399 channels) are solved directly by
// Gaussian elimination with partial pivoting: exact up to rounding. Larger
// ones use Gauss-Seidel twice over, from x = 0 and from x = 1: for this
// non-negative system whose rows sum to at most 1 the first rises and the
// second falls monotonically to the solution, so the two bracket it, and
// sweeps stop when the bracket around the start state is within
// gapTolerance. Gauss-Seidel rather than a sparse factorisation because
// the chain is a few thousand states with short journeys: a sweep costs one
// pass over the edges and the error shrinks by the chance of not ending a
// journey at each step, so a few dozen sweeps reach machine precision
// with no fill-in and no pivoting.
func (s *solver) solve(c int) (float64, error) {
	ch := s.ch
	for i, code := range ch.code {
		s.removed[i] = c != 0 && holds(code, c, ch.order, ch.alphabet)
	}
	if s.removed[ch.start] {
		return 0, nil
	}
	if s.a != nil {
		return s.direct()
	}
	return s.gaussSeidel()
}

// holds reports whether the state code has channel symbol c among its
// order symbols.
func holds(code uint64, c, order, alphabet int) bool {
	for range order {
		if int(code%uint64(alphabet)) == c {
			return true
		}
		code /= uint64(alphabet)
	}
	return false
}

func (s *solver) direct() (float64, error) {
	ch := s.ch
	// Number the kept states 0..m-1 and write (I - Q) x = r densely.
	m := 0
	for i := range s.removed {
		if s.removed[i] {
			s.keep[i] = -1
			continue
		}
		s.keep[i] = int32(m)
		m++
	}
	a := s.a[:m*m]
	clear(a)
	b := s.b[:m]
	for i := range ch.conv {
		r := s.keep[i]
		if r < 0 {
			continue
		}
		a[int(r)*m+int(r)] += 1
		b[r] = ch.conv[i]
		for e := ch.rowStart[i]; e < ch.rowStart[i+1]; e++ {
			if k := s.keep[ch.col[e]]; k >= 0 {
				a[int(r)*m+int(k)] -= ch.prob[e]
			}
		}
	}
	for col := 0; col < m; col++ {
		p := col
		for r := col + 1; r < m; r++ {
			if math.Abs(a[r*m+col]) > math.Abs(a[p*m+col]) {
				p = r
			}
		}
		if a[p*m+col] == 0 {
			return 0, fmt.Errorf("attribution: markov: singular chain (a state never ends)")
		}
		if p != col {
			for k := col; k < m; k++ {
				a[p*m+k], a[col*m+k] = a[col*m+k], a[p*m+k]
			}
			b[p], b[col] = b[col], b[p]
		}
		piv := a[col*m+col]
		for r := col + 1; r < m; r++ {
			f := a[r*m+col] / piv
			if f == 0 {
				continue
			}
			for k := col; k < m; k++ {
				a[r*m+k] -= f * a[col*m+k]
			}
			b[r] -= f * b[col]
		}
	}
	x := s.x[:m]
	for r := m - 1; r >= 0; r-- {
		v := b[r]
		for k := r + 1; k < m; k++ {
			v -= a[r*m+k] * x[k]
		}
		x[r] = v / a[r*m+r]
	}
	return x[s.keep[ch.start]], nil
}

func (s *solver) gaussSeidel() (float64, error) {
	ch := s.ch
	lo, hi := s.x, s.hi
	for i := range lo {
		lo[i], hi[i] = 0, 1
		if s.removed[i] {
			hi[i] = 0
		}
	}
	for sweep := 0; sweep < maxSweeps; sweep++ {
		for i := range lo {
			if s.removed[i] {
				continue
			}
			l, h := ch.conv[i], ch.conv[i]
			for e := ch.rowStart[i]; e < ch.rowStart[i+1]; e++ {
				l += ch.prob[e] * lo[ch.col[e]]
				h += ch.prob[e] * hi[ch.col[e]]
			}
			lo[i], hi[i] = l, h
		}
		l, h := lo[ch.start], hi[ch.start]
		if h-l <= gapTolerance*h || h < 1e-300 {
			return (l + h) / 2, nil
		}
	}
	return 0, fmt.Errorf("attribution: markov: no convergence after %d sweeps", maxSweeps)
}
