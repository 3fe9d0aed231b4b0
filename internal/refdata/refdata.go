// Package refdata locates what Ripple's tests and evaluations read from
// outside a package: the repository root, and the public reference data
// sets kept in ../shared/data beside the repository (never copied into it).
package refdata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Root is the repository root: the nearest folder at or above the working
// directory that holds go.mod.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// Path is ../shared/data/name beside the repository root, for a test: it
// skips the test when the data is not there.
func Path(t testing.TB, name string) string {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Skipf("cannot locate ../shared/data: %v", err)
	}
	p := filepath.Join(root, "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference data ../shared/data/%s is absent beside the repository: %v", name, err)
	}
	return p
}
