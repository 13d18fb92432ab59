package catalog

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xinyong/internal/errs"
)

// Row is a validated, normalised row of a record type.
type Row struct {
	// vals holds every field's value by field index ("" = empty),
	// normalised: trimmed; dates as YYYY-MM-DD; decimals canonical ("1.5");
	// enum_multi values in catalogue order joined by ";"; codes and ID
	// numbers upper-case. See Value, Values and SortedValues.
	vals []string
	ix   *typeIndex

	SubjectName      string
	SubjectType      string // SubjectOrg, SubjectPerson, SubjectIndividual or ""
	SubjectCode      string // 统一社会信用代码 (may be PlaceholderUSCC)
	IDKind           string // natural person's 证件类型
	IDNumber         string // natural person's 证件号码
	LegalRep         string
	LegalRepIDKind   string
	LegalRepIDNumber string
	DocNo            string

	// Dates are midnight in Asia/Shanghai; zero when absent.
	DecisionDate   time.Time
	ValidFrom      time.Time
	ValidTo        time.Time // zero when open-ended or absent
	OpenEnded      bool      // valid_to was 2099/12/31 (or 长期)
	PublicityUntil time.Time

	AuthorityName string
	AuthorityCode string
	DeptName      string
	DeptCode      string
	SeverityHint  string // normalised severity_hint value, e.g. "罚款;没收违法所得"
	Content       string
	Status        string // 0 正常 1 撤销 2 异议 3 其他; "0" when the type has a status field left blank
	Remark        string

	Amount         Amount // 万元 ×10^6 (i.e. 分)
	HasAmount      bool
	Confiscated    Amount // 没收金额, same unit
	HasConfiscated bool
}

// Value returns the normalised value of a field ("" when empty).
func (r Row) Value(code string) string {
	if r.ix == nil {
		return ""
	}
	if i, ok := r.ix.byKey[code]; ok && r.ix.fields[i].code == code {
		return r.vals[i]
	}
	return ""
}

// Values returns the non-empty fields by code.
func (r Row) Values() map[string]string {
	m := make(map[string]string, len(r.vals))
	for i, v := range r.vals {
		if v != "" {
			m[r.ix.fields[i].code] = v
		}
	}
	return m
}

// SortedValues appends to dst the value of every field in the order of the
// type's SortedCodes ("" for an empty field).
func (r Row) SortedValues(dst []string) []string {
	if r.ix == nil {
		return dst
	}
	for _, i := range r.ix.sorted {
		dst = append(dst, r.vals[i])
	}
	return dst
}

// IsPerson reports whether the subject is a natural person.
func (r Row) IsPerson() bool { return r.SubjectType == SubjectPerson }

// Field states during validation.
const (
	stEmpty = iota
	stOK
	stBad
)

const stackFields = 64

// ValidateRow validates and normalises one row. Keys are field codes,
// Chinese names or aliases (see ResolveHeader). It returns the row and the
// problems found, in field order (unknown keys last); the row must not be
// used when problems are returned. Reasons are Chinese and name the field.
//
// The function is pure and safe for concurrent use. It runs once per
// imported row, so it avoids per-call compilation and allocates little.
func (t *Type) ValidateRow(row map[string]string) (Row, []errs.FieldError) {
	ix := t.index()
	var buf rowBuf
	c := buf.slices(len(t.Fields))
	var unknown []string
	for k, v := range row {
		i, ok := ix.byKey[k]
		if !ok {
			i, ok = ix.byKey[normHeader(k)]
		}
		if !ok {
			if trim(k) == "" && trim(v) == "" {
				continue
			}
			unknown = append(unknown, k)
			continue
		}
		v = trim(v)
		if c.state[i] == stOK { // same field given twice (code and name)
			if c.vals[i] == "" {
				c.vals[i] = v
			} else if v != "" && v != c.vals[i] {
				c.dups[i] = true
			}
			continue
		}
		c.state[i] = stOK
		c.vals[i] = v
	}
	return t.check(ix, c, unknown, nil)
}

// ValidateCells is ValidateRow for a row as a file reader has it: cells[i]
// is the value of the field whose code is codes[i] ("" = a column to
// ignore; codes come from ResolveHeader). A field in two columns takes the
// later one. It saves building a map per row.
func (t *Type) ValidateCells(codes, cells []string) (Row, []errs.FieldError) {
	return t.Layout(codes).Validate(nil, cells)
}

// Layout is a file's columns resolved to the fields of a type once, for
// validating each of its rows (ValidateCells resolves them per call).
type Layout struct {
	t       *Type
	ix      *typeIndex
	field   []int // field index of each column, -1 for a column to ignore
	unknown []string
}

// Layout resolves columns given by field code ("" = ignore; see
// ResolveHeader) to t's fields.
func (t *Type) Layout(codes []string) *Layout {
	l := &Layout{t: t, ix: t.index(), field: make([]int, len(codes))}
	for j, code := range codes {
		l.field[j] = -1
		if code == "" {
			continue
		}
		if i, ok := l.ix.byKey[code]; ok {
			l.field[j] = i
		} else {
			l.unknown = append(l.unknown, code)
		}
	}
	return l
}

// Validate is ValidateCells for a row of the layout's file, keeping a
// valid row's values in dst (of length len(t.Fields)) instead of a new
// slice when dst is not nil: a bulk import hands in slices of one reused
// slab per chunk. dst belongs to the returned Row.
func (l *Layout) Validate(dst, cells []string) (Row, []errs.FieldError) {
	var buf rowBuf
	c := buf.slices(len(l.t.Fields))
	for j, i := range l.field {
		if i < 0 || j >= len(cells) {
			continue
		}
		c.vals[i], c.state[i] = trim(cells[j]), stOK
	}
	var unknown []string
	if len(l.unknown) > 0 {
		unknown = append(unknown, l.unknown...) // check sorts its own copy
	}
	return l.t.check(l.ix, c, unknown, dst)
}

// rowBuf holds a row's working values on the stack for types of up to
// stackFields fields.
type rowBuf struct {
	vals  [stackFields]string
	state [stackFields]uint8
	dates [stackFields]dateVal
	dups  [stackFields]bool
}

// rowSlices are a row's working values by field index.
type rowSlices struct {
	vals  []string
	state []uint8
	dates []dateVal
	dups  []bool
}

func (b *rowBuf) slices(n int) rowSlices {
	if n <= stackFields {
		return rowSlices{b.vals[:n], b.state[:n], b.dates[:n], b.dups[:n]}
	}
	return rowSlices{make([]string, n), make([]uint8, n), make([]dateVal, n), make([]bool, n)}
}

// check validates and normalises the collected values (ValidateRow).
func (t *Type) check(ix *typeIndex, c rowSlices, unknown, dst []string) (Row, []errs.FieldError) {
	vals, state, dates, dups := c.vals, c.state, c.dates, c.dups
	var problems []errs.FieldError
	for i := range t.Fields {
		f := &t.Fields[i]
		fi := &ix.fields[i]
		v := vals[i]
		if dups[i] {
			problems = append(problems, fieldErr(f, fi, "同一字段出现多次且取值不一致"))
			state[i] = stBad
			continue
		}
		if v == "" {
			state[i] = stEmpty
			if f.Required {
				problems = append(problems, fieldErr(f, fi, "必填"))
			}
			continue
		}
		canon, reason := normalizeValue(f, fi, v, &dates[i])
		if reason != "" {
			problems = append(problems, fieldErr(f, fi, reason))
			state[i] = stBad
			continue
		}
		if f.MaxLen > 0 && len(canon) > f.MaxLen { // bytes ≥ runes: cheap pre-check
			if c := utf8.RuneCountInString(canon); c > f.MaxLen {
				problems = append(problems, fieldErr(f, fi,
					"长度不能超过"+strconv.Itoa(f.MaxLen)+"个字符（当前"+strconv.Itoa(c)+"个）"))
				state[i] = stBad
				continue
			}
		}
		vals[i] = canon
		state[i] = stOK
	}

	problems = crossCheck(t, ix, vals, state, dates, problems)

	if len(unknown) > 0 {
		sort.Strings(unknown)
		for _, k := range unknown {
			problems = append(problems, errs.FieldError{Field: k, Reason: "未知字段：" + k})
		}
	}

	r := Row{ix: ix}
	if len(problems) == 0 {
		if len(dst) == len(t.Fields) {
			r.vals = dst
		} else {
			r.vals = make([]string, len(t.Fields))
		}
	}
	for i := range t.Fields {
		if state[i] != stOK {
			continue
		}
		v := vals[i]
		if r.vals != nil {
			r.vals[i] = v
		}
		switch ix.fields[i].role {
		case rSubjectName:
			r.SubjectName = v
		case rSubjectType:
			r.SubjectType = v
		case rSubjectCode:
			r.SubjectCode = v
		case rSubjectIDKind:
			r.IDKind = v
		case rSubjectIDNumber:
			r.IDNumber = v
		case rLegalRep:
			r.LegalRep = v
		case rLegalRepIDKind:
			r.LegalRepIDKind = v
		case rLegalRepIDNumber:
			r.LegalRepIDNumber = v
		case rDocNo:
			r.DocNo = v
		case rDecisionDate:
			r.DecisionDate = dates[i].time()
		case rValidFrom:
			r.ValidFrom = dates[i].time()
		case rValidTo:
			if dates[i].openEnded() {
				r.OpenEnded = true
			} else {
				r.ValidTo = dates[i].time()
			}
		case rPublicityUntil:
			r.PublicityUntil = dates[i].time()
		case rAuthorityName:
			r.AuthorityName = v
		case rAuthorityCode:
			r.AuthorityCode = v
		case rDeptName:
			r.DeptName = v
		case rDeptCode:
			r.DeptCode = v
		case rSeverityHint:
			r.SeverityHint = v
		case rAmount:
			r.Amount, _ = parseDecimal(v)
			r.HasAmount = true
		case rAmountConfiscated:
			r.Confiscated, _ = parseDecimal(v)
			r.HasConfiscated = true
		case rContent:
			r.Content = v
		case rStatus:
			r.Status = v
		case rRemark:
			r.Remark = v
		}
	}
	if ix.role[rStatus] >= 0 && r.Status == "" {
		r.Status = "0"
	}
	return r, problems
}

func fieldErr(f *Field, fi *fieldIndex, reason string) errs.FieldError {
	return errs.FieldError{Field: f.Code, Reason: fi.label + "：" + reason}
}

// normalizeValue returns the canonical form of a non-empty trimmed value,
// or a Chinese reason. For dates it also fills *d.
func normalizeValue(f *Field, fi *fieldIndex, v string, d *dateVal) (string, string) {
	switch f.Type {
	case FieldString, FieldText:
		return v, ""
	case FieldSubjectCode, FieldIDNumber:
		return upperASCII(foldWidth(v)), ""
	case FieldEnum, FieldIDKind:
		if c, ok := lookupEnum(fi, v); ok {
			return c, ""
		}
		return "", "取值“" + v + "”不在允许范围内，允许值：" + fi.allowed
	case FieldEnumMulti:
		return normalizeMulti(fi, v)
	case FieldDate:
		s := foldWidth(v)
		if fi.role == rValidTo && isOpenEndedWord(s) {
			*d = dateVal{2099, 12, 31}
			return OpenEndedDate, ""
		}
		dv, reason := parseDate(s)
		if reason != "" {
			return "", reason + "：" + v
		}
		*d = dv
		if len(v) == 10 && v[4] == '-' && v[7] == '-' {
			return v, "" // already canonical (parseDate accepted it)
		}
		return dv.String(), ""
	case FieldDecimal:
		s := foldWidth(v)
		a, reason := parseDecimal(s)
		if reason != "" {
			return "", reason + "：" + v
		}
		var buf [24]byte
		c := a.appendTo(buf[:0])
		if string(c) == s { // no allocation for the comparison
			return s, ""
		}
		return string(c), ""
	case FieldInt:
		s := foldWidth(v)
		x, reason := parseInt(s)
		if reason != "" {
			return "", reason + "：" + v
		}
		c := strconv.FormatInt(x, 10)
		return c, ""
	}
	return v, ""
}

func lookupEnum(fi *fieldIndex, v string) (string, bool) {
	if c, ok := fi.enum[v]; ok {
		return c, true
	}
	if c, ok := fi.enum[enumKey(v)]; ok {
		return c, true
	}
	if fi.other && strings.HasPrefix(v, "其他") {
		return v, true
	}
	return "", false
}

// normalizeMulti splits an enum_multi value on ; ； , ， 、 (not inside
// brackets, so "其他（责令改正、通报）" stays whole), resolves each part,
// removes duplicates and joins them with ";" in catalogue order.
func normalizeMulti(fi *fieldIndex, v string) (string, string) {
	// Fast path: a single known value already canonical.
	if c, ok := fi.enum[v]; ok && c == v {
		return v, ""
	}
	var pbuf [16]string
	parts := pbuf[:0]
	depth, start := 0, 0
	add := func(p string) string {
		p = trim(p)
		if p == "" {
			return ""
		}
		c, ok := lookupEnum(fi, p)
		if !ok {
			return "取值“" + p + "”不在允许范围内，允许值：" + fi.allowed
		}
		for _, x := range parts {
			if x == c {
				return ""
			}
		}
		parts = append(parts, c)
		return ""
	}
	for i, r := range v {
		switch {
		case r == '(' || r == '（' || r == '[' || r == '【':
			depth++
		case r == ')' || r == '）' || r == ']' || r == '】':
			if depth > 0 {
				depth--
			}
		case depth == 0 && isMultiSep(r):
			if reason := add(v[start:i]); reason != "" {
				return "", reason
			}
			start = i + utf8.RuneLen(r)
		}
	}
	if reason := add(v[start:]); reason != "" {
		return "", reason
	}
	if len(parts) == 0 {
		return "", "取值为空，允许值：" + fi.allowed
	}
	if len(parts) == 1 {
		return parts[0], ""
	}
	// Insertion sort by catalogue order; free-text 其他… last, stable.
	pos := func(s string) int {
		if p, ok := fi.order[s]; ok {
			return p
		}
		return len(fi.order)
	}
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && pos(parts[j]) < pos(parts[j-1]); j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	return strings.Join(parts, ";"), ""
}

func multiContains(v string, any []string) bool {
	for v != "" {
		p, rest, _ := strings.Cut(v, ";")
		for _, a := range any {
			if p == a {
				return true
			}
		}
		v = rest
	}
	return false
}

// crossCheck applies the rules that involve several fields: conditional
// requirements, subject identification and date order.
func crossCheck(t *Type, ix *typeIndex, vals []string, state []uint8, dates []dateVal, problems []errs.FieldError) []errs.FieldError {
	need := func(i int, reason string) {
		if i >= 0 && state[i] == stEmpty && !t.Fields[i].Required {
			problems = append(problems, fieldErr(&t.Fields[i], &ix.fields[i], reason))
			state[i] = stBad
		}
	}

	// Conditional requirements (e.g. 罚款金额 when 处罚类别 contains 罚款).
	for i := range t.Fields {
		fi := &ix.fields[i]
		c := fi.condIdx
		if c < 0 || state[i] != stEmpty || state[c] != stOK {
			continue
		}
		if multiContains(vals[c], fi.condAny) {
			need(i, ix.fields[c].label+"包含“"+strings.Join(fi.condAny, "”或“")+"”时必填")
		}
	}

	// Subject identification.
	iType, iCode := ix.role[rSubjectType], ix.role[rSubjectCode]
	iKind, iNum := ix.role[rSubjectIDKind], ix.role[rSubjectIDNumber]
	okv := func(i int) bool { return i >= 0 && state[i] == stOK }
	switch {
	case okv(iType) && vals[iType] == SubjectPerson:
		if iNum < 0 {
			problems = append(problems, fieldErr(&t.Fields[iType], &ix.fields[iType], "该信息类别不接受自然人"))
			break
		}
		need(iKind, "行政相对人类别为自然人时必填")
		need(iNum, "行政相对人类别为自然人时必填")
	case okv(iType):
		if iCode < 0 {
			break
		}
		need(iCode, "行政相对人类别为"+vals[iType]+"时必填（个体工商户暂无代码的填写17个0加X）")
		if okv(iCode) && vals[iCode] == PlaceholderUSCC {
			anyLegacy := false
			for _, j := range ix.legacy {
				anyLegacy = anyLegacy || state[j] == stOK
			}
			if !anyLegacy {
				problems = append(problems, fieldErr(&t.Fields[iCode], &ix.fields[iCode],
					"填写17个0加X时，须至少填写一项其他行政相对人代码（工商注册号、组织机构代码等）"))
			}
		}
	case iType < 0:
		// No subject type column: a code or an ID number identifies the subject.
		bad := func(i int) bool { return i >= 0 && state[i] == stBad }
		if !okv(iCode) && !okv(iNum) && !bad(iCode) && !bad(iNum) {
			target := iCode
			if target < 0 {
				target = iNum
			}
			if target >= 0 {
				problems = append(problems, fieldErr(&t.Fields[target], &ix.fields[target],
					"统一社会信用代码与证件号码至少填写一项"))
			}
		}
	}
	if okv(iNum) {
		need(iKind, "填写证件号码时必填")
	}
	if i := ix.role[rLegalRepIDNumber]; okv(i) {
		need(ix.role[rLegalRepIDKind], "填写法定代表人证件号码时必填")
	}

	// Date order.
	iDec, iFrom, iTo, iPub := ix.role[rDecisionDate], ix.role[rValidFrom], ix.role[rValidTo], ix.role[rPublicityUntil]
	if okv(iTo) && !dates[iTo].openEnded() {
		if okv(iFrom) && dates[iTo].less(dates[iFrom]) {
			problems = append(problems, fieldErr(&t.Fields[iTo], &ix.fields[iTo],
				vals[iTo]+"早于"+ix.fields[iFrom].label+vals[iFrom]))
			state[iTo] = stBad
		} else if okv(iDec) && dates[iTo].less(dates[iDec]) {
			problems = append(problems, fieldErr(&t.Fields[iTo], &ix.fields[iTo],
				vals[iTo]+"早于"+ix.fields[iDec].label+vals[iDec]))
			state[iTo] = stBad
		}
	}
	if okv(iPub) && okv(iDec) && dates[iPub].less(dates[iDec]) {
		problems = append(problems, fieldErr(&t.Fields[iPub], &ix.fields[iPub],
			vals[iPub]+"早于"+ix.fields[iDec].label+vals[iDec]))
		state[iPub] = stBad
	}
	return problems
}
