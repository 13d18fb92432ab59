package subject

import (
	"math/rand/v2"
	"time"
)

// testNow is the fixed "now" of the tests.
var testNow = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
