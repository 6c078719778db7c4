// Command ftpdiag is a reference FTP server and a probing client that
// explains, in an annotated transcript, why "I can log in, but I can't list
// or download". The command line lives in internal/cli.
package main

import (
	"os"

	"ftpdiag/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
