package server

import (
	"fmt"
	"strings"
	"time"

	"ftpdiag/transcript"
)

// limitFacts are the summary's lines on the limits of issue 16: what a
// client that never logs in, or sweeps too often, runs into.
func (s *Server) limitFacts() [][2]string {
	login := fmt.Sprintf("within %s of connecting; %d waiting at most (a newcomer closes the oldest of the address with the most)",
		s.cfg.LoginTimeout, s.cfg.MaxPreLogin)
	return [][2]string{{"logins", login}, {"SITE SWEEP", s.sweepFact()}}
}

func (s *Server) sweepFact() string {
	if s.cfg.PasvMin == -1 {
		return "not offered: passive connections use any free port"
	}
	rules := []string{"one at a time"}
	if s.cfg.SweepInterval > 0 {
		rules = append(rules, "one per address every "+every(s.cfg.SweepInterval))
	}
	switch {
	case !s.cfg.Anonymous:
	case s.cfg.AllowAnonymousSweep:
		rules = append(rules, "anonymous users too")
	default:
		rules = append(rules, "not for anonymous users (--allow-anonymous-sweep)")
	}
	return strings.Join(rules, ", ")
}

// transcriptFact tells where transcripts go and what bounds them on disk.
func (s *Server) transcriptFact() string {
	fact := fmt.Sprintf("%s, at most %s a session", s.cfg.TranscriptDir, sizeText(s.cfg.TranscriptMaxBytes))
	var keep []string
	if s.cfg.TranscriptKeepBytes > 0 {
		keep = append(keep, fmt.Sprintf("%s in all (%s for sessions not logged in)",
			sizeText(s.cfg.TranscriptKeepBytes), roughSize(s.transcripts.preShare)))
	}
	if d := s.cfg.TranscriptKeepAge; d > 0 && d%(24*time.Hour) == 0 {
		keep = append(keep, fmt.Sprintf("%d days", d/(24*time.Hour)))
	} else if d > 0 {
		keep = append(keep, d.String())
	}
	if len(keep) > 0 {
		fact += ", " + strings.Join(keep, " and ") + " kept (oldest removed first)"
	}
	return fact
}

// uploadFact tells the limits on uploads (issue 30), as the end of a sentence.
func (s *Server) uploadFact() string {
	var limits []string
	for _, l := range []struct {
		n    int64
		what string
	}{{s.cfg.UploadMaxFile, " a file"}, {s.cfg.UploadMaxSession, " a session"}, {s.cfg.UploadMinFree, " free on the disk"}} {
		if l.n > 0 {
			limits = append(limits, sizeText(l.n)+l.what)
		}
	}
	if len(limits) == 0 {
		return ""
	}
	return " and stop at " + strings.Join(limits, ", ")
}

// every writes an interval as a person would: minute, 2 minutes, 30s.
func every(d time.Duration) string {
	switch {
	case d == time.Minute:
		return "minute"
	case d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return transcript.Human(d)
}

// roughSize is sizeText, or about so many MiB where that is not exact.
func roughSize(n int64) string {
	if n < 1<<20 || n%(1<<20) == 0 {
		return sizeText(n)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// sizeText writes a byte count the way the flag would be given: 4 GiB, 512 KiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
