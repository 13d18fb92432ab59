package importer

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"xinyong/internal/catalog"
)

// FuzzImport feeds arbitrary bytes as an uploaded CSV or XLSX file: the
// reader either refuses the file with a reason or yields rows, which the
// catalog then validates; it never panics or loops.
func FuzzImport(f *testing.F) {
	cat := catalog.Seed()
	pen, _ := cat.Lookup("penalty")
	f.Add([]byte("CF_WSH,CF_XDR_MC\nX1,甲公司\n"))
	f.Add([]byte("\xef\xbb\xbf行政处罚决定书文号,行政相对人名称\r\nX1,\"甲,公司\"\r\n"))
	f.Add([]byte("CF_WSH\tCF_XDR_MC\nX1\t=cmd|' /C calc'!A0\n"))
	f.Add([]byte("\xd0\xcf\x11\xe0old xls"))
	f.Add([]byte("PK\x03\x04not really a zip"))
	f.Add([]byte("a\n\"unterminated"))
	if x, err := Template(pen); err == nil {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := Open(bytes.NewReader(data), pen)
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			row, err := tb.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				return
			}
			row.Validate(pen)
		}
		t.Fatalf("more than 10000 rows from %d bytes", len(data))
	})
}
