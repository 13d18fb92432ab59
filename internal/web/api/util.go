package api

import (
	"bytes"
	"io"
	"strconv"
	"time"
)

func itoaInt(i int) string { return strconv.Itoa(i) }

func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
