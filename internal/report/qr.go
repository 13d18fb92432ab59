package report

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"

	"rsc.io/qr"

	"xinyong/internal/errs"
)

// qrQuiet is the quiet zone around a QR symbol, in modules (ISO/IEC 18004).
const qrQuiet = 4

// qrLevel is the error-correction level used for every code: M (15 %
// recovery) keeps report URLs small while surviving print smudges.
const qrLevel = qr.M

func encodeQR(text string) (*qr.Code, error) {
	if text == "" {
		return nil, errs.Field("text", "二维码内容不能为空")
	}
	c, err := qr.Encode(text, qrLevel)
	if err != nil {
		return nil, errs.Invalid("report.qr_too_long", "二维码内容过长", errs.FieldError{Field: "text", Reason: "内容过长，无法生成二维码"})
	}
	return c, nil
}

// QRPNG encodes text as a black-on-white grayscale PNG, scale pixels per
// module, with a 4-module quiet zone: the image is (Size+8)*scale square.
func QRPNG(text string, scale int) ([]byte, error) {
	if scale < 1 || scale > 64 {
		return nil, errs.Field("scale", "缩放倍数须在 1 到 64 之间")
	}
	c, err := encodeQR(text)
	if err != nil {
		return nil, err
	}
	n := (c.Size + 2*qrQuiet) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if !c.Black(x, y) {
				continue
			}
			x0, y0 := (x+qrQuiet)*scale, (y+qrQuiet)*scale
			for dy := 0; dy < scale; dy++ {
				row := img.Pix[(y0+dy)*img.Stride:]
				for dx := 0; dx < scale; dx++ {
					row[x0+dx] = 0
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, errs.Internal(err)
	}
	return buf.Bytes(), nil
}

// QRSVG encodes text as a standalone SVG document: a white background and
// one path whose subpaths are the dark modules (horizontal runs merged),
// in module units with a 4-module quiet zone. It scales to any size.
func QRSVG(text string) (string, error) {
	c, err := encodeQR(text)
	if err != nil {
		return "", err
	}
	n := c.Size + 2*qrQuiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	qrRuns(c, func(x, y, w int) {
		fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+qrQuiet, y+qrQuiet, w, w)
	})
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}

// qrRuns calls fn for each horizontal run of dark modules (x, y, width),
// in module coordinates without the quiet zone.
func qrRuns(c *qr.Code, fn func(x, y, w int)) {
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; {
			if !c.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < c.Size && c.Black(x, y) {
				x++
			}
			fn(start, y, x-start)
		}
	}
}
