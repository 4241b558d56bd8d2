// Command nextguard finds the public server entry points of a Next.js codebase
// and reports what makes them exploitable.
package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"github.com/nextguard/nextguard/cmd/nextguard/internal/cli"
)

func main() {
	tuneGC()
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// A run allocates several times its live heap (parser garbage above all) and,
// at the default GOGC=100, spends about a fifth of its CPU collecting it. Like
// esbuild's CLI, nextguard raises GOGC, but caps the heap with a soft memory
// limit so peak RSS stays under gcFloor on projects whose live heap fits; and,
// so that a large project never pushes the live heap against the cap (where
// the collector would run back to back), the cap is re-set after every
// collection to at least 1.75 × the live heap plus slack (GOGC=75). On dub
// the live heap reaches ~100 MB: twice that put peak RSS at 196–207 MB, over
// the 200 MB budget; 1.75 × keeps it at 182–188 MB for 6 % more wall time.
// Measured in docs/PERFORMANCE.md. GOGC or GOMEMLIMIT in the environment turn
// this off.
const (
	gcPercent = 400
	gcFloor   = 176 << 20
	gcSlack   = 8 << 20
)

func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(gcFloor)
	armGCTuner()
}

// gcSentinel is garbage as soon as it is armed: its finalizer runs after each
// collection, re-sets the limit and arms a new one. It holds a pointer and is
// larger than 16 bytes so it is never a tiny-allocator object (those can keep
// each other alive and delay finalizers).
type gcSentinel struct {
	p    *int
	_pad [3]uint64
}

func armGCTuner() {
	runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
		retuneGC()
		armGCTuner()
	})
}

var liveHeap = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

func retuneGC() {
	metrics.Read(liveHeap)
	if liveHeap[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := int64(liveHeap[0].Value.Uint64())
	debug.SetMemoryLimit(max(gcFloor, live+live*3/4+gcSlack))
}
