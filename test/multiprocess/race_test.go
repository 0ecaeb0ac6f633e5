//go:build unix && race

package multiprocess

// raceEnabled says the test binary was built with -race; the revue binary
// under test is then built with -race too, so races in it are reported.
const raceEnabled = true
