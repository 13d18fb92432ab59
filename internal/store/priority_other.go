//go:build !linux

package store

// background is a no-op where thread priorities are not available.
func background() {}
