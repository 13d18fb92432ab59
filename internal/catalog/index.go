package catalog

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// fieldIndex is the compiled form of one field.
type fieldIndex struct {
	role    int               // role ordinal (rNone …)
	enum    map[string]string // accepted input → canonical value
	order   map[string]int    // canonical value → position (enum_multi ordering)
	other   bool              // value set holds 其他: accept "其他…" free text
	condIdx int               // RequiredWhen field index, -1 if none
	condAny []string
	code    string
	label   string // "名称（CODE）" used in reasons
	allowed string // "a、b、c" used in reasons
}

// typeIndex is the compiled form of a Type used by ValidateRow and
// ResolveHeader. It is built once per *Type and cached.
type typeIndex struct {
	fieldsPtr *Field
	n         int
	version   int
	byKey     map[string]int // header / key (raw and normalised) → field index
	fields    []fieldIndex
	role      [roleCount]int // first field with the role, -1 if none
	legacy    []int          // fields with RoleSubjectCodeLegacy
	codes     []string       // field codes, sorted, without duplicates
	sorted    []int          // field index of each of codes (the last field of a code)
}

func (ix *typeIndex) matches(t *Type) bool {
	if ix.n != len(t.Fields) || ix.version != t.Version {
		return false
	}
	return ix.n == 0 || ix.fieldsPtr == &t.Fields[0]
}

// The index cache is keyed by *Type. Types are treated as immutable once
// used; a type whose Fields slice or Version changed is recompiled. The cache
// is dropped when it grows past cacheMax entries, which bounds memory when
// catalogues are loaded repeatedly.
const cacheMax = 1024

var (
	indexCache     atomic.Pointer[sync.Map]
	indexCacheSize atomic.Int64
)

func init() { indexCache.Store(new(sync.Map)) }

func (t *Type) index() *typeIndex {
	m := indexCache.Load()
	if v, ok := m.Load(t); ok {
		if ix := v.(*typeIndex); ix.matches(t) {
			return ix
		}
	}
	ix := buildIndex(t)
	if indexCacheSize.Add(1) > cacheMax {
		m = new(sync.Map)
		indexCache.Store(m)
		indexCacheSize.Store(1)
	}
	m.Store(t, ix)
	return ix
}

// defaultIDKinds is the national 证件类型 vocabulary, used for id_kind fields
// that do not list their own values.
var defaultIDKinds = []string{"身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"}

func (f *Field) values() []string {
	if f.Type == FieldIDKind && len(f.Values) == 0 {
		return defaultIDKinds
	}
	return f.Values
}

func enumKey(s string) string { return normHeader(s) }

func buildIndex(t *Type) *typeIndex {
	ix := &typeIndex{
		n:       len(t.Fields),
		version: t.Version,
		byKey:   make(map[string]int, 4*len(t.Fields)),
		fields:  make([]fieldIndex, len(t.Fields)),
	}
	if len(t.Fields) > 0 {
		ix.fieldsPtr = &t.Fields[0]
	}
	for r := range ix.role {
		ix.role[r] = -1
	}
	addKey := func(k string, i int) {
		if k == "" {
			return
		}
		if _, dup := ix.byKey[k]; !dup {
			ix.byKey[k] = i
		}
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		addKey(f.Code, i)
		addKey(f.Name, i)
		addKey(normHeader(f.Code), i)
		addKey(normHeader(f.Name), i)
		for _, a := range f.Aliases {
			addKey(a, i)
			addKey(normHeader(a), i)
		}
	}
	order := make([]int, len(t.Fields))
	for i := range t.Fields {
		ix.fields[i].code = t.Fields[i].Code
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(t.Fields[a].Code, t.Fields[b].Code) })
	for k, i := range order {
		if k+1 < len(order) && t.Fields[order[k+1]].Code == t.Fields[i].Code {
			continue // a later field of the same code wins
		}
		ix.codes = append(ix.codes, t.Fields[i].Code)
		ix.sorted = append(ix.sorted, i)
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		fi := &ix.fields[i]
		fi.condIdx = -1
		fi.label = f.Name + "（" + f.Code + "）"
		if r, ok := roleOrdinal(f.Role); ok {
			fi.role = r
			if r == rSubjectCodeLegacy {
				ix.legacy = append(ix.legacy, i)
			} else if r != rNone && ix.role[r] < 0 {
				ix.role[r] = i
			}
		}
		if f.Type.hasValues() {
			vals := f.values()
			fi.enum = make(map[string]string, 2*(len(vals)+len(f.ValueAliases)))
			fi.order = make(map[string]int, len(vals))
			for p, v := range vals {
				fi.order[v] = p
				fi.enum[v] = v
				if k := enumKey(v); k != v {
					if _, dup := fi.enum[k]; !dup {
						fi.enum[k] = v
					}
				}
				if v == "其他" {
					fi.other = true
				}
			}
			for a, v := range f.ValueAliases {
				if _, dup := fi.enum[a]; !dup {
					fi.enum[a] = v
				}
				if k := enumKey(a); k != a {
					if _, dup := fi.enum[k]; !dup {
						fi.enum[k] = v
					}
				}
			}
			fi.allowed = strings.Join(vals, "、")
			if fi.other {
				fi.allowed += "（“其他”可注明具体内容，如“其他-XX”）"
			}
		}
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		if f.RequiredWhen == nil {
			continue
		}
		for j := range t.Fields {
			if t.Fields[j].Code == f.RequiredWhen.Field {
				ix.fields[i].condIdx = j
				ix.fields[i].condAny = f.RequiredWhen.AnyOf
				break
			}
		}
	}
	return ix
}

// ResolveHeader maps a header row to field codes, by code, Chinese name or
// alias, tolerating surrounding spaces, full-width characters, inner white
// space, letter case and "*" required-markers. codes[i] is "" for an empty,
// unknown or repeated header; unknown lists the unknown and repeated header
// cells as given (empty cells are ignored).
func (t *Type) ResolveHeader(headers []string) (codes []string, unknown []string) {
	ix := t.index()
	codes = make([]string, len(headers))
	seen := make([]bool, len(t.Fields))
	for i, h := range headers {
		j, ok := ix.byKey[h]
		if !ok {
			k := normHeader(h)
			if k == "" {
				continue
			}
			j, ok = ix.byKey[k]
		}
		if !ok || seen[j] {
			unknown = append(unknown, h)
			continue
		}
		seen[j] = true
		codes[i] = t.Fields[j].Code
	}
	return codes, unknown
}

// SortedCodes returns the type's field codes in ascending order (shared:
// the caller must not modify it). The keys of a validated row's Values are
// among them.
func (t *Type) SortedCodes() []string {
	return t.index().codes
}
