package cli

import (
	"bytes"
	"encoding/xml"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestScaleCSVRoundTripAndMerge(t *testing.T) {
	a := scaleRow{Subjects: 100000, Entries: 10001, ReadySec: 1.5, RSSReadyMB: 80, RSSPeakMB: 120, RecomputeSec: 3, RecomputeDone: 1,
		IndexLoadSec: 0.4, IndexHeapMB: 31, CheckRPS: 20000, P50ms: 2.5, P99ms: 30.25, BareRPS: 40000, ImportRows: 100000,
		ImportRate: 12000, Load1: 1.25, MeasuredAt: "2026-12-03 11:00"}
	b := a
	b.Subjects, b.ReadySec, b.RecomputeSec, b.RecomputeDone = 10000000, 60, 0, 0.42
	var buf bytes.Buffer
	if err := writeScaleCSV(&buf, []scaleRow{a, b}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "subjects,active_entries,ready_s,") {
		t.Fatalf("header: %q", strings.SplitN(buf.String(), "\n", 2)[0])
	}
	got, err := parseScaleCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []scaleRow{a, b}) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, []scaleRow{a, b})
	}
	// A new measurement of a size replaces its row; rows stay ordered.
	c := a
	c.Subjects, c.ReadySec = 1000000, 5
	a2 := a
	a2.ReadySec = 2
	rows := mergeScaleRow(mergeScaleRow(got, c), a2)
	var sizes []float64
	for _, r := range rows {
		sizes = append(sizes, r.Subjects)
	}
	if !reflect.DeepEqual(sizes, []float64{100000, 1000000, 10000000}) || rows[0].ReadySec != 2 {
		t.Fatalf("merge: %+v", rows)
	}
	// Columns missing from an older file read as zero.
	old, err := parseScaleCSV(strings.NewReader("subjects,ready_s\n1000,2.5\n"))
	if err != nil || len(old) != 1 || old[0].Subjects != 1000 || old[0].ReadySec != 2.5 || old[0].CheckRPS != 0 {
		t.Fatalf("old file: %+v %v", old, err)
	}
	if _, err := parseScaleCSV(strings.NewReader("subjects\nten\n")); err == nil {
		t.Fatal("a non-number was accepted")
	}
}

func TestScaleSVG(t *testing.T) {
	rows := []scaleRow{
		{Subjects: 1e5, ReadySec: 1, RSSPeakMB: 100, RSSReadyMB: 60, IndexHeapMB: 30, CheckRPS: 20000, P50ms: 2, P99ms: 20, ImportRate: 12000, RecomputeSec: 3},
		{Subjects: 1e6, ReadySec: 5, RSSPeakMB: 800, RSSReadyMB: 430, IndexHeapMB: 290, CheckRPS: 18000, P50ms: 2.5, P99ms: 25, ImportRate: 11000, RecomputeSec: 24},
		{Subjects: 1e7, ReadySec: 60, RSSPeakMB: 7000, RSSReadyMB: 4000, IndexHeapMB: 2900, CheckRPS: 15000, P50ms: 3, P99ms: 40, ImportRate: 9000}, // recompute not ended: no point
	}
	sizes := []float64{1e5, 1e6, 1e7}
	panels := scalePanels(rows)
	if len(panels) != 4 {
		t.Fatalf("%d panels", len(panels))
	}
	svg := scaleSVG("title <&>", sizes, panels)
	// well-formed XML
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
	for _, want := range []string{"title &lt;&amp;&gt;", "Check (wrk, 64 connections)", "Import of 100,000", "Memory: serve RSS", "Start-up of serve",
		"∝ subjects", ">100k<", ">1M<", ">10M<", "p99 ms (right)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// one dot per positive value: 3 sizes x (3 check + 1 import + 3 memory + 1 ready) + 2 recompute
	if n := strings.Count(svg, "<circle"); n != 3*8+2 {
		t.Errorf("%d points, want %d", n, 3*8+2)
	}
	// x positions: log scale, so 10^6 is midway between 10^5 and 10^7
	xr, _ := spanOf(sizes, 0)
	if p := xr.pos(1e6, 100); p < 49.9 || p > 50.1 {
		t.Errorf("10^6 at %.2f of 100", p)
	}
	// a flat series still gets at least a decade of y
	yr, _ := spanOf([]float64{5000, 5000}, scaleMinSpan)
	if yr.hi-yr.lo < scaleMinSpan-1e-9 {
		t.Errorf("span %v", yr)
	}
	if got := linearRef([]float64{1e5, 1e6}, []float64{0, 7}); got[0] != 0.7 || got[1] != 7 {
		t.Errorf("linear reference %v", got)
	}
	if got := logTicks(logRange{0, 1}); !reflect.DeepEqual(got, []float64{1, 2, 5, 10}) {
		t.Errorf("ticks %v", got)
	}
	for v, want := range map[float64]string{1500: "1.5k", 2e6: "2M", 0.25: "0.25", 100000: "100k"} {
		if got := fmtCompact(v); got != want {
			t.Errorf("fmtCompact(%v) = %q, want %q", v, got, want)
		}
	}
}
