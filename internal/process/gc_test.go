package process

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	reset := func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}
	current := func() (int, int64) { return debug.SetGCPercent(100), debug.SetMemoryLimit(-1) }
	for _, tc := range []struct {
		name        string
		env         map[string]string
		wantPercent int
		wantLimit   int64
	}{
		{"neither set", nil, gcPercent, memoryLimit},
		{"GOGC set", map[string]string{"GOGC": "50"}, 100, memoryLimit},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, gcPercent, math.MaxInt64},
		{"both set", map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, 100, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reset()
			TuneGC(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			percent, limit := current()
			if percent != tc.wantPercent || limit != tc.wantLimit {
				t.Errorf("GC percent %d and memory limit %d, want %d and %d", percent, limit, tc.wantPercent, tc.wantLimit)
			}
		})
	}
}
