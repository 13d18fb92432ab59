package tracking

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Series is one line of a line chart.
type Series struct {
	Name   string
	Values []float64
}

var palette = []string{"#1f5fa8", "#c0392b", "#2e8b57", "#d4880f", "#7d3c98"}

const (
	chartW, chartH           = 640, 260
	padL, padR, padT, padB   = 56, 16, 28, 56
	plotW, plotH             = chartW - padL - padR, chartH - padT - padB
	fontAttr                 = `font-family="sans-serif" font-size="11"`
	emptyText                = "本期暂无数据"
	svgHead                  = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" class="chart">`
	axisStyle                = `stroke="#999" stroke-width="1"`
	gridStyle                = `stroke="#e5e5e5" stroke-width="1"`
	labelMax                 = 8
	ticks                    = 4
	barGap                   = 0.25
	pointRadius              = 3
	legendStep               = 110
	emptyHeight              = 60
	titleY                   = 16
	valueLabelOffset         = 4
	xLabelOffset             = 16
	rotateLabelsWhenMoreThan = 8
)

func esc(s string) string { return html.EscapeString(s) }

func short(s string) string {
	r := []rune(s)
	if len(r) > labelMax {
		return string(r[:labelMax-1]) + "…"
	}
	return s
}

func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e12 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func empty(title string) string {
	return fmt.Sprintf(svgHead, chartW, emptyHeight, esc(title)) +
		fmt.Sprintf(`<text x="%d" y="%d" %s font-weight="bold">%s</text>`, 4, titleY, fontAttr, esc(title)) +
		fmt.Sprintf(`<text x="%d" y="%d" %s fill="#777">%s</text></svg>`, 4, titleY+24, fontAttr, emptyText)
}

func frame(b *strings.Builder, title string, max float64, unit string) {
	fmt.Fprintf(b, svgHead, chartW, chartH, esc(title))
	fmt.Fprintf(b, `<text x="4" y="%d" %s font-weight="bold">%s</text>`, titleY, fontAttr, esc(title))
	for i := 0; i <= ticks; i++ {
		y := padT + plotH - plotH*i/ticks
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" %s/>`, padL, y, padL+plotW, y, gridStyle)
		fmt.Fprintf(b, `<text x="%d" y="%d" %s text-anchor="end">%s%s</text>`, padL-4, y+4, fontAttr, fmtNum(max*float64(i)/ticks), esc(unit))
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" %s/>`, padL, padT+plotH, padL+plotW, padT+plotH, axisStyle)
}

func xLabel(b *strings.Builder, x float64, n int, label string) {
	y := padT + plotH + xLabelOffset
	if n > rotateLabelsWhenMoreThan {
		fmt.Fprintf(b, `<text x="%.1f" y="%d" %s text-anchor="end" transform="rotate(-40 %.1f %d)">%s</text>`, x, y, fontAttr, x, y, esc(short(label)))
		return
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%d" %s text-anchor="middle">%s</text>`, x, y, fontAttr, esc(short(label)))
}

// BarChart renders a bar chart as an SVG string (no scripts). Labels and
// the title are escaped.
func BarChart(title string, labels []string, values []float64, unit string) string {
	if len(values) == 0 {
		return empty(title)
	}
	max := 0.0
	for _, v := range values {
		max = math.Max(max, v)
	}
	max = niceMax(max)
	var b strings.Builder
	frame(&b, title, max, unit)
	slot := float64(plotW) / float64(len(values))
	for i, v := range values {
		h := float64(plotH) * v / max
		x := float64(padL) + slot*float64(i) + slot*barGap/2
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s：%s%s</title></rect>`,
			x, float64(padT+plotH)-h, slot*(1-barGap), h, palette[0], esc(labels[i]), fmtNum(v), esc(unit))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s text-anchor="middle">%s</text>`, x+slot*(1-barGap)/2, float64(padT+plotH)-h-valueLabelOffset, fontAttr, fmtNum(v))
		xLabel(&b, x+slot*(1-barGap)/2, len(values), labels[i])
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// LineChart renders one or more series over the labels as an SVG string.
func LineChart(title string, labels []string, series []Series, unit string) string {
	if len(labels) == 0 || len(series) == 0 {
		return empty(title)
	}
	max := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			max = math.Max(max, v)
		}
	}
	max = niceMax(max)
	var b strings.Builder
	frame(&b, title, max, unit)
	step := float64(plotW) / float64(max1(len(labels)-1))
	for i, l := range labels {
		xLabel(&b, float64(padL)+step*float64(i), len(labels), l)
	}
	for si, s := range series {
		color := palette[si%len(palette)]
		var pts []string
		for i, v := range s.Values {
			x, y := float64(padL)+step*float64(i), float64(padT+plotH)-float64(plotH)*v/max
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%d" fill="%s"><title>%s %s：%s%s</title></circle>`, x, y, pointRadius, color, esc(s.Name), esc(labels[min(i, len(labels)-1)]), fmtNum(v), esc(unit))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), color)
		lx := padL + si*legendStep
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" %s>%s</text>`, lx, chartH-14, color, lx+14, chartH-5, fontAttr, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
