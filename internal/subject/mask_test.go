package subject

import "testing"

func TestMaskID(t *testing.T) {
	tests := []struct {
		id         string
		head, tail int
		want       string
	}{
		{"11010519491231002X", 4, 4, "1101**********002X"},
		{"11010519491231002X", 0, 4, "**************002X"},
		{"11010519491231002X", 6, 4, "11010*********002X"}, // 10 of 18 would be more than half
		{"11010519491231002X", 0, 0, "******************"},
		{"11010519491231002X", -1, 4, "**************002X"},
		{"91350100M000100Y43", 4, 4, "9135**********0Y43"},
		{"", 4, 4, ""},
		{"A", 4, 4, "*"},
		{"AB", 4, 4, "*B"},
		{"ABCD", 4, 4, "**CD"},
		{"ABCDE", 1, 1, "A***E"},
		{"张三丰", 1, 1, "**丰"},
	}
	for _, tt := range tests {
		got := MaskID(tt.id, tt.head, tt.tail)
		if got != tt.want {
			t.Errorf("MaskID(%q, %d, %d) = %q, want %q", tt.id, tt.head, tt.tail, got, tt.want)
		}
		if len([]rune(got)) != len([]rune(tt.id)) {
			t.Errorf("MaskID(%q) changed the length", tt.id)
		}
	}
}

func TestParseMaskPattern(t *testing.T) {
	for _, tt := range []struct {
		in         string
		head, tail int
		ok         bool
	}{
		{"4,4", 4, 4, true},
		{" 6 , 4 ", 6, 4, true},
		{"6，4", 6, 4, true},
		{"0,4", 0, 4, true},
		{"4", 0, 0, false},
		{"a,b", 0, 0, false},
		{"-1,4", 0, 0, false},
		{"4,33", 0, 0, false},
		{"", 0, 0, false},
	} {
		h, tl, err := ParseMaskPattern(tt.in)
		if (err == nil) != tt.ok || h != tt.head || tl != tt.tail {
			t.Errorf("ParseMaskPattern(%q) = %d, %d, %v", tt.in, h, tl, err)
		}
	}
}
