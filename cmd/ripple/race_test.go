//go:build race

package main

// raceEnabled skips the tests that train the sentiment model on every
// reference set: under the race detector they take minutes. test.sh runs
// them once more without it.
const raceEnabled = true
