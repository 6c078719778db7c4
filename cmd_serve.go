package main

import "github.com/urfave/cli/v2"

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:   "serve",
		Usage:  "(not built yet)",
		Action: notBuilt("serve"),
	}
}
