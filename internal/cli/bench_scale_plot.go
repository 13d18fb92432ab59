package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// scaleRow is one size of `xinyong bench scale` (one CSV row).
type scaleRow struct {
	Subjects, Entries         float64 // subjects in the store, active list entries
	ReadySec, ReadyCPUSec     float64 // serve: until /readyz answers 200
	RSSReadyMB, RSSPeakMB     float64 // serve: VmRSS at ready, peak while sampled
	RecomputeSec              float64 // first-start recompute as seen (0: not ended while sampled)
	RecomputeDone             float64 // fraction of the recompute done when sampling ended
	IndexLoadSec, IndexHeapMB float64 // check index built in process: time, live heap it added
	CheckRPS, P50ms, P99ms    float64 // wrk against the check
	BareRPS                   float64 // wrk against a bare handler, same run (the machine's ceiling)
	ImportRows, ImportRate    float64 // rows of the timed 行政处罚 import, rows/s
	Load1                     float64 // mean 1-minute load average at the start of the timed phases
	MeasuredAt                string  // UTC time of the run
}

// scaleCols is the CSV layout: column name, field, decimals.
var scaleCols = []struct {
	name string
	f    func(*scaleRow) *float64
	prec int
}{
	{"subjects", func(r *scaleRow) *float64 { return &r.Subjects }, 0},
	{"active_entries", func(r *scaleRow) *float64 { return &r.Entries }, 0},
	{"ready_s", func(r *scaleRow) *float64 { return &r.ReadySec }, 1},
	{"ready_cpu_s", func(r *scaleRow) *float64 { return &r.ReadyCPUSec }, 1},
	{"rss_ready_mb", func(r *scaleRow) *float64 { return &r.RSSReadyMB }, 0},
	{"rss_peak_mb", func(r *scaleRow) *float64 { return &r.RSSPeakMB }, 0},
	{"recompute_s", func(r *scaleRow) *float64 { return &r.RecomputeSec }, 0},
	{"recompute_done", func(r *scaleRow) *float64 { return &r.RecomputeDone }, 2},
	{"index_load_s", func(r *scaleRow) *float64 { return &r.IndexLoadSec }, 1},
	{"index_heap_mb", func(r *scaleRow) *float64 { return &r.IndexHeapMB }, 0},
	{"check_rps", func(r *scaleRow) *float64 { return &r.CheckRPS }, 0},
	{"check_p50_ms", func(r *scaleRow) *float64 { return &r.P50ms }, 2},
	{"check_p99_ms", func(r *scaleRow) *float64 { return &r.P99ms }, 2},
	{"bare_rps", func(r *scaleRow) *float64 { return &r.BareRPS }, 0},
	{"import_rows", func(r *scaleRow) *float64 { return &r.ImportRows }, 0},
	{"import_rows_per_s", func(r *scaleRow) *float64 { return &r.ImportRate }, 0},
	{"load1", func(r *scaleRow) *float64 { return &r.Load1 }, 2},
}

const scaleMeasuredAt = "measured_at"

// readScaleCSV reads the rows of a scale CSV; a missing file has none.
func readScaleCSV(path string) ([]scaleRow, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseScaleCSV(f)
}

func parseScaleCSV(rd io.Reader) ([]scaleRow, error) {
	recs, err := csv.NewReader(rd).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	at := map[string]int{}
	for i, h := range recs[0] {
		at[h] = i
	}
	var rows []scaleRow
	for n, rec := range recs[1:] {
		var r scaleRow
		for _, c := range scaleCols {
			i, ok := at[c.name]
			if !ok || i >= len(rec) || rec[i] == "" {
				continue
			}
			v, err := strconv.ParseFloat(rec[i], 64)
			if err != nil {
				return nil, fmt.Errorf("row %d, %s: %w", n+2, c.name, err)
			}
			*c.f(&r) = v
		}
		if i, ok := at[scaleMeasuredAt]; ok && i < len(rec) {
			r.MeasuredAt = rec[i]
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// mergeScaleRow replaces the row of the same size or adds it, keeping the
// rows ordered by size.
func mergeScaleRow(rows []scaleRow, r scaleRow) []scaleRow {
	out := []scaleRow{r}
	for _, x := range rows {
		if x.Subjects != r.Subjects {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Subjects < out[j].Subjects })
	return out
}

func writeScaleCSV(w io.Writer, rows []scaleRow) error {
	cw := csv.NewWriter(w)
	head := make([]string, 0, len(scaleCols)+1)
	for _, c := range scaleCols {
		head = append(head, c.name)
	}
	cw.Write(append(head, scaleMeasuredAt))
	for i := range rows {
		rec := make([]string, 0, len(head)+1)
		for _, c := range scaleCols {
			rec = append(rec, strconv.FormatFloat(*c.f(&rows[i]), 'f', c.prec, 64))
		}
		cw.Write(append(rec, rows[i].MeasuredAt))
	}
	cw.Flush()
	return cw.Error()
}

// plotSeries is one line of a panel; Right puts it on the right-hand axis.
type plotSeries struct {
	Name   string
	Values []float64 // one per size; values <= 0 are not drawn
	Right  bool
}

// plotPanel is one small chart: log-x over the sizes, log-y on each axis
// used. LinearRef draws, dashed, what the first left series would be if it
// grew in proportion to the number of subjects.
type plotPanel struct {
	Title, LeftUnit, RightUnit string
	Series                     []plotSeries
	LinearRef                  bool
}

// scalePanels are the four panels of the scale plot.
func scalePanels(rows []scaleRow) []plotPanel {
	col := func(f func(r scaleRow) float64) []float64 {
		v := make([]float64, len(rows))
		for i, r := range rows {
			v[i] = f(r)
		}
		return v
	}
	return []plotPanel{
		{Title: "Check (wrk, 64 connections)", LeftUnit: "req/s", RightUnit: "ms", Series: []plotSeries{
			{Name: "throughput req/s", Values: col(func(r scaleRow) float64 { return r.CheckRPS })},
			{Name: "p99 ms", Values: col(func(r scaleRow) float64 { return r.P99ms }), Right: true},
			{Name: "p50 ms", Values: col(func(r scaleRow) float64 { return r.P50ms }), Right: true},
		}},
		{Title: "Import of 100,000 penalty rows (行政处罚)", LeftUnit: "rows/s", Series: []plotSeries{
			{Name: "rows/s", Values: col(func(r scaleRow) float64 { return r.ImportRate })},
		}},
		{Title: "Memory: serve RSS, check index heap", LeftUnit: "MB", LinearRef: true, Series: []plotSeries{
			{Name: "RSS peak", Values: col(func(r scaleRow) float64 { return r.RSSPeakMB })},
			{Name: "RSS at ready", Values: col(func(r scaleRow) float64 { return r.RSSReadyMB })},
			{Name: "index heap", Values: col(func(r scaleRow) float64 { return r.IndexHeapMB })},
		}},
		{Title: "Start-up of serve", LeftUnit: "s", LinearRef: true, Series: []plotSeries{
			{Name: "ready", Values: col(func(r scaleRow) float64 { return r.ReadySec })},
			{Name: "CPU until ready", Values: col(func(r scaleRow) float64 { return r.ReadyCPUSec })},
			{Name: "first recompute", Values: col(func(r scaleRow) float64 { return r.RecomputeSec })},
		}},
	}
}

const (
	panelW, panelH                     = 380, 262
	panelL, panelR, panelT, panelB     = 56, 50, 42, 62
	scaleTitleH                        = 26
	scaleFont                          = `font-family="sans-serif" font-size="10"`
	scaleGrid                          = `stroke="#e5e5e5" stroke-width="1"`
	scaleAxis                          = `stroke="#999" stroke-width="1"`
	scaleRefStyle                      = `stroke="#aaa" stroke-width="1" stroke-dasharray="4 3" fill="none"`
	scaleLegendRow, scaleLegendColumn  = 13, 120
	scaleMinSpan                       = 1.0 // decades: a nearly flat series is drawn in at least one decade of y
	scaleXPad                          = 0.2 // decades either side of the sizes
	scalePoint                         = 2.5
	scaleColumns                       = 2
	scalePlotW, scalePlotH             = panelW - panelL - panelR, panelH - panelT - panelB
	scaleTickLabelOffset, scaleTitleY0 = 4, 16
)

var scalePalette = []string{"#1f5fa8", "#c0392b", "#d4880f", "#2e8b57"}

// scaleSVG draws the panels side by side (two a row) as one SVG document.
func scaleSVG(title string, sizes []float64, panels []plotPanel) string {
	rowsN := (len(panels) + scaleColumns - 1) / scaleColumns
	w, h := panelW*scaleColumns, scaleTitleH+panelH*rowsN
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, w, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`, w, h)
	fmt.Fprintf(&b, `<text x="8" y="%d" font-family="sans-serif" font-size="13" font-weight="bold">%s</text>`, scaleTitleY0+2, html.EscapeString(title))
	for i, p := range panels {
		x0, y0 := panelW*(i%scaleColumns), scaleTitleH+panelH*(i/scaleColumns)
		fmt.Fprintf(&b, `<g transform="translate(%d %d)">`, x0, y0)
		drawPanel(&b, sizes, p)
		b.WriteString(`</g>`)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// logRange is a log10 interval [lo, hi].
type logRange struct{ lo, hi float64 }

func spanOf(vals []float64, minSpan float64) (logRange, bool) {
	r := logRange{math.Inf(1), math.Inf(-1)}
	for _, v := range vals {
		if v > 0 {
			l := math.Log10(v)
			r.lo, r.hi = math.Min(r.lo, l), math.Max(r.hi, l)
		}
	}
	if math.IsInf(r.lo, 1) {
		return r, false
	}
	if d := minSpan - (r.hi - r.lo); d > 0 {
		r.lo, r.hi = r.lo-d/2, r.hi+d/2
	}
	return r, true
}

func (r logRange) pos(v float64, length int) float64 {
	return float64(length) * (math.Log10(v) - r.lo) / (r.hi - r.lo)
}

// logTicks are the 1-2-5 values within r (only powers of ten when r spans
// more than three decades).
func logTicks(r logRange) []float64 {
	steps := []float64{1, 2, 5}
	if r.hi-r.lo > 3 {
		steps = []float64{1}
	}
	var out []float64
	for e := math.Floor(r.lo); e <= math.Ceil(r.hi); e++ {
		for _, s := range steps {
			v := s * math.Pow(10, e)
			if l := math.Log10(v); l >= r.lo-1e-9 && l <= r.hi+1e-9 {
				out = append(out, v)
			}
		}
	}
	return out
}

// fmtCompact prints 1500 as 1.5k, 2000000 as 2M, 0.25 as 0.25.
func fmtCompact(v float64) string {
	for _, u := range []struct {
		f float64
		s string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 3, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func drawPanel(b *strings.Builder, sizes []float64, p plotPanel) {
	fmt.Fprintf(b, `<text x="%d" y="%d" %s font-weight="bold">%s</text>`, panelL-40, scaleTitleY0, scaleFont, html.EscapeString(p.Title))
	xr, ok := spanOf(sizes, 0)
	if !ok {
		return
	}
	xr.lo, xr.hi = xr.lo-scaleXPad, xr.hi+scaleXPad
	var left, right []float64
	for _, s := range p.Series {
		if s.Right {
			right = append(right, s.Values...)
		} else {
			left = append(left, s.Values...)
		}
	}
	var ref []float64
	if p.LinearRef && len(p.Series) > 0 {
		ref = linearRef(sizes, p.Series[0].Values)
		left = append(left, ref...)
	}
	X := func(v float64) float64 { return float64(panelL) + xr.pos(v, scalePlotW) }
	bottom := float64(panelT + scalePlotH)
	// x axis: powers of ten
	for _, v := range logTicks(logRange{xr.lo, xr.hi}) {
		if v != math.Pow(10, math.Round(math.Log10(v))) {
			continue
		}
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" %s/>`, X(v), panelT, X(v), bottom, scaleGrid)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" %s text-anchor="middle">%s</text>`, X(v), bottom+12, scaleFont, fmtCompact(v))
	}
	fmt.Fprintf(b, `<text x="%d" y="%.1f" %s text-anchor="middle" fill="#666">subjects (log)</text>`, panelL+scalePlotW/2, bottom+23, scaleFont)
	fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" %s/>`, panelL, bottom, panelL+scalePlotW, bottom, scaleAxis)
	axes := map[bool]logRange{}
	for _, side := range []bool{false, true} {
		vals, unit := left, p.LeftUnit
		if side {
			vals, unit = right, p.RightUnit
		}
		yr, ok := spanOf(vals, scaleMinSpan)
		if !ok {
			continue
		}
		axes[side] = yr
		x, anchor := panelL-scaleTickLabelOffset, "end"
		if side {
			x, anchor = panelL+scalePlotW+scaleTickLabelOffset, "start"
		}
		for _, v := range logTicks(yr) {
			y := bottom - yr.pos(v, scalePlotH)
			if !side {
				fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" %s/>`, panelL, y, panelL+scalePlotW, y, scaleGrid)
			}
			fmt.Fprintf(b, `<text x="%d" y="%.1f" %s text-anchor="%s">%s</text>`, x, y+3, scaleFont, anchor, fmtCompact(v))
		}
		fmt.Fprintf(b, `<text x="%d" y="%d" %s text-anchor="%s" fill="#666">%s (log)</text>`, x, panelT-6, scaleFont, anchor, html.EscapeString(unit))
	}
	line := func(vals []float64, side bool, style string, dots bool, color, name string) {
		yr := axes[side]
		var pts []string
		for i, v := range vals {
			if i >= len(sizes) || v <= 0 {
				continue
			}
			x, y := X(sizes[i]), bottom-yr.pos(v, scalePlotH)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			if dots {
				fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"><title>%s at %s subjects: %s</title></circle>`,
					x, y, scalePoint, color, html.EscapeString(name), fmtCompact(sizes[i]), fmtCompact(v))
			}
		}
		if len(pts) > 1 {
			fmt.Fprintf(b, `<polyline points="%s" %s/>`, strings.Join(pts, " "), style)
		}
	}
	if ref != nil {
		line(ref, false, scaleRefStyle, false, "", "")
	}
	legend := 0
	addLegend := func(color, name string, dashed bool) {
		lx := panelL - 40 + (legend%3)*scaleLegendColumn
		ly := int(bottom) + 36 + (legend/3)*scaleLegendRow
		style := fmt.Sprintf(`stroke="%s" stroke-width="2"`, color)
		if dashed {
			style = scaleRefStyle
		}
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" %s/><text x="%d" y="%d" %s>%s</text>`, lx, ly-3, lx+14, ly-3, style, lx+18, ly, scaleFont, html.EscapeString(name))
		legend++
	}
	for i, s := range p.Series {
		color := scalePalette[i%len(scalePalette)]
		style := fmt.Sprintf(`stroke="%s" stroke-width="2" fill="none"`, color)
		if s.Right {
			style = fmt.Sprintf(`stroke="%s" stroke-width="2" stroke-dasharray="6 2" fill="none"`, color)
		}
		line(s.Values, s.Right, style, true, color, s.Name)
		name := s.Name
		if s.Right && p.RightUnit != "" {
			name += " (right)"
		}
		addLegend(color, name, false)
	}
	if ref != nil {
		addLegend("", "∝ subjects", true)
	}
}

// linearRef is vals' first positive value scaled in proportion to size.
func linearRef(sizes, vals []float64) []float64 {
	for i, v := range vals {
		if v > 0 && i < len(sizes) && sizes[i] > 0 {
			out := make([]float64, len(sizes))
			for j, s := range sizes {
				out[j] = v * s / sizes[i]
			}
			return out
		}
	}
	return nil
}
