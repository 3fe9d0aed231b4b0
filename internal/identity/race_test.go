//go:build race

package identity_test

// raceEnabled skips the accuracy test, which resolves 600,000 simulated
// events: minutes under the race detector. test.sh runs it without.
const raceEnabled = true
