package catalog

import "strings"

// SeverityOf derives the severity class of a validated row.
//
// For types with a severity_map (the seed's 行政处罚), the row's severity is
// the highest class among the values of its severity_hint field (处罚类别);
// values not in the map (free-text "其他…") count as the type default.
// Optionally (MinorAmountMax set), a row whose values are all minor or 罚款
// and whose amount is at most MinorAmountMax 万元 is minor. Otherwise, and
// for every other type, the type's default severity is returned.
//
// The seed's 处罚类别 mapping (our default; 国办发〔2025〕22号 leaves the
// classification to each sector, so operators may edit it per catalogue
// version):
//
//	轻微 minor:    警告, 通报批评
//	一般 general:  罚款, 没收违法所得, 没收非法财物, 暂扣许可证件, 降低资质等级,
//	              限制开展生产经营活动, 责令停产停业, 暂扣或者吊销许可证,
//	              暂扣或者吊销执照 (pre-2021 wording: cannot tell 暂扣 from 吊销), 其他
//	严重 serious:  吊销许可证件, 责令关闭, 限制从业, 行政拘留
//
// So a warning alone is minor, a warning plus a fine is general, and any
// decision that revokes a licence, closes the business, bars the person from
// the trade or detains them is serious.
func (t *Type) SeverityOf(r Row) Severity {
	if len(t.SeverityMap) == 0 || r.SeverityHint == "" {
		return t.Severity
	}
	best := SeverityNone
	minorOrFine := true
	for v := r.SeverityHint; v != ""; {
		p, rest, _ := strings.Cut(v, ";")
		v = rest
		s, ok := t.SeverityMap[p]
		if !ok {
			s = t.Severity
		}
		if s.Rank() > best.Rank() {
			best = s
		}
		if s != SeverityMinor && p != "罚款" {
			minorOrFine = false
		}
	}
	if best == SeverityNone {
		return t.Severity
	}
	if t.MinorAmountMax != "" && minorOrFine && best != SeverityMinor && r.HasAmount {
		if max, reason := parseDecimal(t.MinorAmountMax); reason == "" && r.Amount <= max {
			return SeverityMinor
		}
	}
	return best
}
