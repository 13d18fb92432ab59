//go:build !linux

package checklog

import "os"

func datasync(f *os.File) error { return f.Sync() }
