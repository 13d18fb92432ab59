package cli

import (
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiles starts a CPU profile into cpuPath and an execution trace
// into tracePath (each when not ""); stop ends both and closes the files.
func startProfiles(cpuPath, tracePath string) (stop func(), err error) {
	return startProfilesMem(cpuPath, tracePath, "")
}

// startProfilesMem also records every allocation from now on and writes the
// allocation profile into memPath when stopped (when memPath is not "").
func startProfilesMem(cpuPath, tracePath, memPath string) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return stop, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return stop, err
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if tracePath != "" {
		f, err := os.Create(tracePath)
		if err != nil {
			return stop, err
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return stop, err
		}
		stops = append(stops, func() { trace.Stop(); f.Close() })
	}
	if memPath != "" {
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 64 << 10
		stops = append(stops, func() {
			runtime.GC()
			if f, err := os.Create(memPath); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			runtime.MemProfileRate = old
		})
	}
	return stop, nil
}
