package api

import (
	"strconv"
	"time"
)

func itoaInt(i int) string { return strconv.Itoa(i) }

func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}
