package score

import (
	"encoding/json"
	"testing"
)

// FuzzParse: any body is either refused with a reason or yields a model
// that validates and survives a JSON round trip.
func FuzzParse(f *testing.F) {
	def, _ := json.Marshal(Default())
	f.Add(def)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":1,"bands":[{"grade":"AAA","min":90,"max":100}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := Parse(body)
		if err != nil {
			return
		}
		again, _ := json.Marshal(m)
		if _, err := Parse(again); err != nil {
			t.Fatalf("accepted model does not round-trip: %v\n%s", err, again)
		}
	})
}
