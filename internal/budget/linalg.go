package budget

import "math"

// The fits here are small dense systems (a few dozen unknowns), so a
// Cholesky factorisation written out is all the linear algebra they need.

// cholesky factors the symmetric positive definite p×p matrix a (row-major)
// into l (lower triangular, l·lᵀ = a). It reports false when a is not
// positive definite.
func cholesky(l, a []float64, p int) bool {
	for i := range p {
		for j := 0; j <= i; j++ {
			s := a[i*p+j]
			for k := range j {
				s -= l[i*p+k] * l[j*p+k]
			}
			if i == j {
				if s <= 0 || math.IsNaN(s) {
					return false
				}
				l[i*p+i] = math.Sqrt(s)
			} else {
				l[i*p+j] = s / l[j*p+j]
			}
		}
		for j := i + 1; j < p; j++ {
			l[i*p+j] = 0
		}
	}
	return true
}

// cholSolve solves l·lᵀ·x = b in place of x (x may alias b).
func cholSolve(x, l, b []float64, p int) {
	copy(x, b)
	for i := range p {
		s := x[i]
		for k := range i {
			s -= l[i*p+k] * x[k]
		}
		x[i] = s / l[i*p+i]
	}
	for i := p - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < p; k++ {
			s -= l[k*p+i] * x[k]
		}
		x[i] = s / l[i*p+i]
	}
}

// logDetChol is log|a| from its Cholesky factor.
func logDetChol(l []float64, p int) float64 {
	s := 0.0
	for i := range p {
		s += math.Log(l[i*p+i])
	}
	return 2 * s
}

// dot is the inner product; four running sums let the multiplications
// overlap instead of each waiting for the previous addition.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
