package report

import "testing"

// BenchmarkRenderPDF renders a typical report (20 penalty records, four
// sections, three pages). Target: under 50 ms per report.
func BenchmarkRenderPDF(b *testing.B) {
	r := sampleReport(20)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderPDF(r); err != nil {
			b.Fatal(err)
		}
	}
}
