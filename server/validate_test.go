package server_test

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"ftpdiag/server"
)

// TestConfigValidate: the one check of a server's configuration names the
// flag of each bad field, accepts zero values as their defaults, and is
// the check New makes (issue 28: serve checked its limits twice before).
func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  server.Config
		want string // "" for valid
	}{
		{"zero values are the defaults", server.Config{}, ""},
		{"any free passive port", server.Config{PasvMin: -1}, ""},
		{"no upload or transcript bounds", server.Config{UploadMaxFile: -1, UploadMinFree: -1, TranscriptKeepBytes: -1, TranscriptKeepAge: -1}, ""},
		{"negative connections", server.Config{MaxConns: -1}, "--max-connections"},
		{"more waiting than connections", server.Config{MaxConns: 4, MaxPreLogin: 5}, "--max-prelogin 5 is more than the 4"},
		{"more waiting than the default connections", server.Config{MaxPreLogin: 25}, "--max-prelogin 25 is more than the 24"},
		{"negative idle timeout", server.Config{IdleTimeout: -time.Second}, "--idle-timeout"},
		{"tiny transcripts", server.Config{TranscriptMaxBytes: 100}, "--transcript-max-bytes 100 is less than 4096"},
		{"passive address not IPv4", server.Config{PasvAddress: "::1"}, "--pasv-address"},
		{"passive range backwards", server.Config{PasvMin: 3024, PasvMax: 3000}, "--pasv-ports"},
		{"TLS required without a certificate", server.Config{RequireTLS: true}, "need a certificate"},
		{"empty certificate", server.Config{TLS: &tls.Certificate{}}, "certificate is empty"},
		{"two at once", server.Config{MaxConns: -1, PasvAddress: "x"}, "--max-connections"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate: %v, want nil", err)
				}
				return
			}
			if err == nil || !errors.Is(err, server.ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate: %v, want an ErrConfig naming %q", err, tt.want)
			}
			if _, nerr := server.New(tt.cfg); nerr == nil || nerr.Error() != err.Error() {
				t.Errorf("New: %v, want Validate's error %v", nerr, err)
			}
		})
	}
}
