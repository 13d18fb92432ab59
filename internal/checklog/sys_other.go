//go:build !unix

package checklog

import "os"

// tryLock cannot lock on this platform: one process per journal directory.
func tryLock(f *os.File) (bool, error) { return true, nil }

func syncDir(dir string) error { return nil }
