package server

import "ftpdiag/transcript"

// redactCommand masks a PASS or ACCT line as this server reads it: Telnet
// commands are stripped before the verb is read (ParseCommand), so
// "PA\xff\xf1SS secret" logs a user in and must be masked too. Lines the
// parser refuses still get the transcript's own masking.
func redactCommand(line string) string {
	verb, arg, err := ParseCommand(line)
	if err == nil && arg != "" && (verb == "PASS" || verb == "ACCT") {
		return verb + " " + transcript.Mask
	}
	return transcript.RedactCommand(line)
}
