package push

import "time"

// Policy is the retry schedule of a subscription whose receiver fails. After
// the first failed attempt the event is retried after Delays[0], then
// Delays[1], …; when the last retry fails too, the subscription is disabled.
type Policy struct {
	Delays []time.Duration
}

// DefaultPolicy follows the Standard Webhooks recommendation: immediately,
// then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts spanning
// about 27.6 hours.
var DefaultPolicy = Policy{Delays: []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}}

// Next returns the wait before the next attempt after failures consecutive
// failed attempts (failures >= 1), or false when retries are exhausted.
func (p Policy) Next(failures int) (time.Duration, bool) {
	if failures < 1 {
		return 0, true
	}
	if failures > len(p.Delays) {
		return 0, false
	}
	return p.Delays[failures-1], true
}

// Span is the time from the first failed attempt to the last retry.
func (p Policy) Span() time.Duration {
	var d time.Duration
	for _, v := range p.Delays {
		d += v
	}
	return d
}
