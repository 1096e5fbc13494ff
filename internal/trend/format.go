package trend

import (
	"fmt"
	"math"
)

// bytesStr writes a byte count in binary units: "512 KiB", "3.2 MiB".
func bytesStr(b float64) string {
	neg := ""
	if b < 0 {
		neg, b = "-", -b
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	switch {
	case i == 0:
		return fmt.Sprintf("%s%.0f B", neg, b)
	case b < 10:
		return fmt.Sprintf("%s%.1f %s", neg, b, units[i])
	}
	return fmt.Sprintf("%s%.0f %s", neg, b, units[i])
}

// rateStr writes a rate given in bytes per hour, per minute when the
// series spans less than an hour.
func rateStr(perHour, spanHours float64) string {
	if spanHours < 1 {
		return bytesStr(perHour/60) + "/min"
	}
	return bytesStr(perHour) + "/h"
}

// hoursStr writes a span given in hours in its largest sensible unit:
// "45s", "12m", "2.5h", "3.2d".
func hoursStr(h float64) string {
	switch {
	case math.IsNaN(h) || h < 0:
		return "?"
	case h < 1.0/60:
		return fmt.Sprintf("%.0fs", h*3600)
	case h < 1:
		return fmt.Sprintf("%.0fm", h*60)
	case h < 48:
		return trimZero(fmt.Sprintf("%.1fh", h))
	}
	return trimZero(fmt.Sprintf("%.1fd", h/24))
}

func trimZero(s string) string {
	if len(s) > 3 && s[len(s)-3:len(s)-1] == ".0" {
		return s[:len(s)-3] + s[len(s)-1:]
	}
	return s
}

// pValue writes a p-value as "p = 0.03" or "p < 0.001".
func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "p = ?"
	case p < 0.001:
		return "p < 0.001"
	case p < 0.01:
		return fmt.Sprintf("p = %.3f", p)
	}
	return fmt.Sprintf("p = %.2f", p)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
