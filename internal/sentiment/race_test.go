//go:build race

package sentiment

// raceEnabled skips the tests that train on every reference set: under the
// race detector they take minutes. test.sh runs them once more without it.
const raceEnabled = true
