//go:build unix && !race

package multiprocess

// raceEnabled says the test binary was built with -race.
const raceEnabled = false
