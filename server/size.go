package server

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadSize is wrapped when a size or a keep rule cannot be read.
var ErrBadSize = errors.New("want a size such as 4096, 512KiB, 256MiB or 2GiB")

// sizeUnits are the suffixes ParseSize takes, all binary: an administrator
// who writes 1G for a disk limit means what df -h shows.
var sizeUnits = []struct {
	suffix string
	shift  uint
}{
	{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10},
	{"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0},
}

// ParseSize reads a byte count: a number with an optional binary unit
// (KiB, MiB, GiB, TiB, or K, M, G, T). Zero and negative sizes are refused.
func ParseSize(s string) (int64, error) {
	num, shift := strings.TrimSpace(s), uint(0)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, shift = strings.TrimSpace(rest), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q: %w", s, ErrBadSize)
	}
	return n << shift, nil
}

// ParseKeep reads --transcript-keep: an age, a total size, or both
// separated by a comma ("30d,256MiB"). An age is a Go duration or a number
// of days ("30d"). What is not given is returned as 0 (the default).
func ParseKeep(s string) (age time.Duration, size int64, err error) {
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if a, ok := parseAge(part); ok && age == 0 {
			age = a
			continue
		}
		if n, err := ParseSize(part); err == nil && size == 0 {
			size = n
			continue
		}
		return 0, 0, fmt.Errorf("%q: want an age (30d, 12h), a total size (256MiB) or both, comma-separated", s)
	}
	return age, size, nil
}

func parseAge(s string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		return time.Duration(n) * 24 * time.Hour, err == nil && n > 0 && n < 100000
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d > 0
}

// ParseLimit reads a size limit as ParseSize does; "none" is no limit (-1).
func ParseLimit(s string) (int64, error) {
	if strings.TrimSpace(s) == "none" {
		return -1, nil
	}
	return ParseSize(s)
}
