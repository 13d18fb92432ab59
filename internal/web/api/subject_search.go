package api

import (
	"context"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/subject"
)

// FindSubjects answers a search box query: an exact code (USCC, legacy code
// or person code) resolves through the store; a name substring goes to the
// in-memory index when it is loaded, else to the store. Results are in id
// order after the cursor.
func (d Deps) FindSubjects(ctx context.Context, q string, after int64, limit int) ([]subject.Subject, error) {
	if d.Search == nil || !d.Search.Ready() {
		return d.Store.SearchSubjects(ctx, q, after, limit)
	}
	if code := strings.ToUpper(strings.TrimSpace(q)); looksLikeCode(code) {
		sub, err := d.Store.SubjectByCode(ctx, code)
		if err == nil {
			if after >= sub.ID {
				return nil, nil
			}
			return []subject.Subject{sub}, nil
		} else if !errs.Is(err, errs.KindNotFound) {
			return nil, err
		}
	}
	hits := d.Search.Search(q, after, limit)
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return d.Store.SubjectsByIDs(ctx, ids)
}

// looksLikeCode reports whether q could be a code: 8 to 20 ASCII letters,
// digits or dashes with at least one digit.
func looksLikeCode(q string) bool {
	if len(q) < 8 || len(q) > 20 {
		return false
	}
	digit := false
	for _, c := range q {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z', c == '-':
		default:
			return false
		}
	}
	return digit
}
