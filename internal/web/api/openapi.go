package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// The OpenAPI document is assembled from fragments in openapi/, one per
// domain (00_base.json holds info and shared schemas). Each fragment has
// "paths" and optionally "components": {"schemas": ...}.
//
//go:embed openapi/*.json
var openapiFS embed.FS

var openapiDoc = mustAssemble()

// OpenAPI returns the assembled OpenAPI 3 document.
func OpenAPI() []byte { return openapiDoc }

func mustAssemble() []byte {
	b, err := assemble()
	if err != nil {
		panic(err)
	}
	return b
}

type fragment struct {
	OpenAPI    string                     `json:"openapi,omitempty"`
	Info       json.RawMessage            `json:"info,omitempty"`
	Servers    json.RawMessage            `json:"servers,omitempty"`
	Tags       []json.RawMessage          `json:"tags,omitempty"`
	Paths      map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]json.RawMessage `json:"schemas,omitempty"`
		Responses       map[string]json.RawMessage `json:"responses,omitempty"`
		Parameters      map[string]json.RawMessage `json:"parameters,omitempty"`
		SecuritySchemes map[string]json.RawMessage `json:"securitySchemes,omitempty"`
	} `json:"components"`
	Security json.RawMessage `json:"security,omitempty"`
}

func assemble() ([]byte, error) {
	names, err := fs.Glob(openapiFS, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var doc fragment
	doc.Paths = map[string]json.RawMessage{}
	for _, n := range names {
		b, _ := openapiFS.ReadFile(n)
		var f fragment
		dec := json.NewDecoder(bytesReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if f.OpenAPI != "" {
			doc.OpenAPI, doc.Info, doc.Servers, doc.Security = f.OpenAPI, f.Info, f.Servers, f.Security
		}
		doc.Tags = append(doc.Tags, f.Tags...)
		for p, v := range f.Paths {
			if _, dup := doc.Paths[p]; dup {
				return nil, fmt.Errorf("%s: path %s defined twice", n, p)
			}
			doc.Paths[p] = v
		}
		merge := func(dst *map[string]json.RawMessage, src map[string]json.RawMessage, what string) error {
			if *dst == nil {
				*dst = map[string]json.RawMessage{}
			}
			for k, v := range src {
				if _, dup := (*dst)[k]; dup {
					return fmt.Errorf("%s: %s %s defined twice", n, what, k)
				}
				(*dst)[k] = v
			}
			return nil
		}
		for _, e := range []error{
			merge(&doc.Components.Schemas, f.Components.Schemas, "schema"),
			merge(&doc.Components.Responses, f.Components.Responses, "response"),
			merge(&doc.Components.Parameters, f.Components.Parameters, "parameter"),
			merge(&doc.Components.SecuritySchemes, f.Components.SecuritySchemes, "security scheme"),
		} {
			if e != nil {
				return nil, e
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func (h *handlers) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(openapiDoc)
	return err
}
