package checklog

import (
	"os"
	"syscall"
)

// datasync flushes f's data (and the size, needed to read it back) without
// its other metadata.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}
