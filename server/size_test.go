package server

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0: an error
	}{
		{"4096", 4096},
		{"512KiB", 512 << 10},
		{"256MiB", 256 << 20},
		{"2G", 2 << 30},
		{"1 TiB", 1 << 40},
		{"10B", 10},
		{"0", 0},
		{"-5MiB", 0},
		{"1.5GiB", 0},
		{"MiB", 0},
		{"9999999TiB", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			if (err != nil) != (tt.want == 0) || got != tt.want {
				t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseKeep(t *testing.T) {
	tests := []struct {
		in      string
		age     time.Duration
		size    int64
		wantErr bool
	}{
		{"30d,256MiB", 30 * 24 * time.Hour, 256 << 20, false},
		{"1GiB,12h", 12 * time.Hour, 1 << 30, false},
		{"7d", 7 * 24 * time.Hour, 0, false},
		{"64MiB", 0, 64 << 20, false},
		{"7d,3d", 0, 0, true},
		{"soon", 0, 0, true},
		{"0d", 0, 0, true},
		{"", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			age, size, err := ParseKeep(tt.in)
			if (err != nil) != tt.wantErr || age != tt.age || size != tt.size {
				t.Errorf("ParseKeep(%q) = %v, %d, %v; want %v, %d, error %v", tt.in, age, size, err, tt.age, tt.size, tt.wantErr)
			}
		})
	}
}

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"none", -1, false},
		{"4GiB", 4 << 30, false},
		{"0", 0, true},
		{"unlimited", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLimit(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseLimit(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
