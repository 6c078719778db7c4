//go:build !linux

package trace

// Without Linux's IP_RECVERR error queue, the ICMP sender cannot be read
// from an ordinary socket; raw sockets need privilege, so no trace runs.
var dial dialFunc
