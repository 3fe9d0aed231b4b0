//go:build !unix

package identity_test

import "time"

// processCPU is not measured off Unix; the benchmark then reports zero.
func processCPU() time.Duration { return 0 }
