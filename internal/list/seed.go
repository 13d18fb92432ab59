package list

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

//go:embed seed/list_types.json
var seedJSON []byte

var seedTypes = sync.OnceValues(func() ([]Type, error) { return Decode(seedJSON) })

// Decode parses a JSON array of list types, refusing unknown fields. It does
// not validate the types; call Validate on each.
func Decode(data []byte) ([]Type, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ts []Type
	if err := dec.Decode(&ts); err != nil {
		return nil, fmt.Errorf("list: decode list types: %w", err)
	}
	return ts, nil
}

// Seed returns the list types shipped with the platform, in display order.
// Each call returns a fresh copy the caller may modify.
func Seed() []Type {
	ts, err := seedTypes()
	if err != nil {
		panic(err) // the embedded file is covered by tests
	}
	out := make([]Type, len(ts))
	for i, t := range ts {
		out[i] = t.clone()
	}
	return out
}

// SeedByCode returns the seed list type with the given code.
func SeedByCode(code string) (Type, bool) {
	for _, t := range Seed() {
		if t.Code == code {
			return t, true
		}
	}
	return Type{}, false
}
