package subject

import (
	"strconv"
	"strings"

	"xinyong/internal/errs"
)

// MaxMaskKeep bounds each side of a mask pattern.
const MaxMaskKeep = 32

// MaskID keeps the first head and last tail characters of id and replaces
// the others with '*', preserving the length:
// MaskID("11010519491231002X", 4, 4) == "1101**********002X".
// It never reveals more than half of the characters (rounded down): when
// head+tail is too large, head is reduced first, then tail. So a one-character
// id is fully masked and a short one keeps at most its last few characters.
func MaskID(id string, head, tail int) string {
	r := []rune(id)
	n := len(r)
	head, tail = max(head, 0), max(tail, 0)
	for head+tail > n/2 {
		if head > 0 {
			head--
		} else {
			tail--
		}
	}
	for i := head; i < n-tail; i++ {
		r[i] = '*'
	}
	return string(r)
}

// ParseMaskPattern reads a configured mask pattern "head,tail", e.g. "4,4" or
// "6，4" (full-width comma and spaces allowed).
func ParseMaskPattern(p string) (head, tail int, err error) {
	bad := errs.Field("mask_pattern", "脱敏规则应为“前保留位数,后保留位数”，如 4,4（每项0至"+strconv.Itoa(MaxMaskKeep)+"）")
	h, t, ok := strings.Cut(clean(p), ",")
	if !ok {
		return 0, 0, bad
	}
	head, err1 := strconv.Atoi(h)
	tail, err2 := strconv.Atoi(t)
	if err1 != nil || err2 != nil || head < 0 || tail < 0 || head > MaxMaskKeep || tail > MaxMaskKeep {
		return 0, 0, bad
	}
	return head, tail, nil
}
