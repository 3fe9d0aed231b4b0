//go:build race

package budget

// raceEnabled skips the re-simulation check, which runs the simulator some
// hundred times: minutes under the race detector. test.sh runs it once
// more without it.
const raceEnabled = true
