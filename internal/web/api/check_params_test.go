package api

import (
	"net/url"
	"testing"
)

// checkParams must read the query exactly as url.ParseQuery + Get did.
func FuzzCheckParams(f *testing.F) {
	for _, q := range []string{
		"subject=91350100M000100Y43&scenario=%E6%94%BF%E5%BA%9C%E9%87%87%E8%B4%AD",
		"subject=a&subject=b&scenario=procurement&related=true&as_of=2025-06-01T12%3A00%3A00%2B08%3A00",
		"subject=%zz&subject=good&scenario=x+y",
		"subject=a;b&subject=c",
		"sub%6Aect=x&subject=&scenario",
		"&&=&subject==x&related=1",
		"as_of=2025-06-01T12:00:00+08:00",
		"",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var got checkParams
		got.parse(raw)
		want, _ := url.ParseQuery(raw)
		for i, name := range checkParamNames {
			if got[i] != want.Get(name) {
				t.Errorf("%q: %s = %q, url.ParseQuery gives %q", raw, name, got[i], want.Get(name))
			}
		}
	})
}
