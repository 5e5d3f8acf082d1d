//go:build benchpprof

package process

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// StartProfiling (only in builds with -tags benchpprof) profiles the
// provider process into VAULTBOOT_PPROF_DIR: CPU in 2-second slices (a
// provider is usually killed, not stopped, so one long profile would never
// be written; `go tool pprof` merges the slices), the heap and the
// goroutines whenever the heap in use reaches a new peak, and after each
// slice the heap left after a full collection (live*.pprof, and a line in
// live-PID.pprof.txt): a live heap that grows slice by slice is retained.
func StartProfiling() (stop func()) {
	dir := os.Getenv("VAULTBOOT_PPROF_DIR")
	if dir == "" {
		return func() {}
	}
	runtime.MemProfileRate = 4096
	pid := os.Getpid()
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", kind, pid)) }
	done := make(chan struct{})
	go func() {
		var peak uint64
		for slice := 0; ; slice++ {
			cpu, err := os.Create(name(fmt.Sprintf("cpu%03d", slice)))
			if err == nil {
				_ = pprof.StartCPUProfile(cpu)
			}
			for range 20 {
				select {
				case <-done:
					pprof.StopCPUProfile()
					return
				case <-time.After(100 * time.Millisecond):
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak {
					peak = ms.HeapInuse
					writeProfile(name("heap"), "heap")
					writeProfile(name("goroutine"), "goroutine")
					_ = os.WriteFile(name("peak")+".txt", []byte(fmt.Sprintf("HeapInuse %d HeapAlloc %d Sys %d NumGC %d goroutines %d\n",
						ms.HeapInuse, ms.HeapAlloc, ms.Sys, ms.NumGC, runtime.NumGoroutine())), 0o644)
				}
			}
			pprof.StopCPUProfile()
			_ = cpu.Close()
			// What is still reachable after a full collection: a heap that
			// grows slice by slice is being retained.
			runtime.GC()
			writeProfile(name(fmt.Sprintf("live%03d", slice)), "heap")
			appendLive(name("live")+".txt", slice)
		}
	}()
	return func() { close(done) }
}

// appendLive logs the heap after that collection, one line per slice.
func appendLive(path string, slice int) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "slice %d live HeapAlloc %d HeapInuse %d Sys %d NumGC %d goroutines %d\n",
		slice, ms.HeapAlloc, ms.HeapInuse, ms.Sys, ms.NumGC, runtime.NumGoroutine())
}

func writeProfile(path, kind string) {
	if f, err := os.Create(path); err == nil {
		_ = pprof.Lookup(kind).WriteTo(f, 0)
		_ = f.Close()
	}
}
