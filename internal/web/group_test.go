package web

import "testing"

func TestGroup(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"/api/v1/check", "/api/v1/check"},
		{"/api/v1/checks/CK123/feedback", "/api/v1/checks"},
		{"/api/v1/", "/api/v1/"},
		{"/api/v1", "/api"},
		{"/api/v2/subjects/x", "/api/v1/subjects"},
		{"/api//x", "/api/v1/x"},
		{"/console/records/7", "/console"},
		{"/", "/"},
		{"//x", "/"},
		{"", "/"},
		{"*", "/*"},
	} {
		if got := group(c.path); got != c.want {
			t.Errorf("group(%q) = %q, want %q", c.path, got, c.want)
		}
	}
	if statusText(200) != "200" || statusText(503) != "503" || statusText(42) != "42" || statusText(700) != "700" {
		t.Errorf("statusText")
	}
}
