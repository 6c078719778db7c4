package render

import (
	"strconv"
	"time"
)

// maxTicks bounds the time axis's labelled ticks: enough to read a time off
// the axis to within a step, few enough that labels never touch at the
// timeline's width.
const maxTicks = 10

// axisTick is one labelled tick of the time axis.
type axisTick struct {
	at    time.Duration
	label string
}

// timeAxis chooses the axis for a timeline that runs to end: a step of 1, 2
// or 5 times a power of ten (microseconds up to minutes), so that a 5 ms
// probe and a 30 s one both get round numbers, and an axis end at the
// first tick at or past end.
func timeAxis(end time.Duration) (ticks []axisTick, axisEnd time.Duration) {
	if end <= 0 {
		end = time.Millisecond
	}
	step := niceStep(end, maxTicks)
	axisEnd = (end + step - 1) / step * step
	for t := time.Duration(0); t <= axisEnd; t += step {
		ticks = append(ticks, axisTick{at: t, label: tickLabel(t, step, axisEnd)})
	}
	return ticks, axisEnd
}

// niceStep is the least 1-2-5 step that cuts span into at most n parts.
func niceStep(span time.Duration, n int) time.Duration {
	for mag := time.Microsecond; ; mag *= 10 {
		for _, m := range []time.Duration{1, 2, 5} {
			if step := m * mag; span <= step*time.Duration(n) {
				return step
			}
		}
	}
}

// tickLabel writes t in seconds on an axis that reaches a second, else in
// milliseconds, with as many decimals as the step needs: "0", "250 ms",
// "1.5 s", "0.2 ms".
func tickLabel(t, step, axisEnd time.Duration) string {
	if t == 0 {
		return "0"
	}
	unit, name := time.Millisecond, " ms"
	if axisEnd >= time.Second {
		unit, name = time.Second, " s"
	}
	decimals := 0
	for s := step; s < unit && decimals < 3; s *= 10 {
		decimals++
	}
	return strconv.FormatFloat(float64(t)/float64(unit), 'f', decimals, 64) + name
}
