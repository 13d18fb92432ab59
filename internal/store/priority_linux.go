package store

import (
	"runtime"
	"syscall"
)

// background lowers the scheduling priority of the calling goroutine's
// thread for bulk work (an import's reading, validation and planning), so
// that the database writer and the serving goroutines go first when the
// CPUs are busy. The goroutine keeps the thread, which ends with it
// (runtime.LockOSThread), so the lower priority never reaches other
// goroutines; an unprivileged process could not raise it back. The main
// thread is left alone: it cannot end, and would stay parked.
func background() {
	runtime.LockOSThread()
	if tid := syscall.Gettid(); tid == syscall.Getpid() {
		runtime.UnlockOSThread()
	} else {
		syscall.Setpriority(syscall.PRIO_PROCESS, tid, backgroundNice)
	}
}

const backgroundNice = 10
