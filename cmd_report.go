package main

import "github.com/urfave/cli/v2"

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:   "report",
		Usage:  "(not built yet)",
		Action: notBuilt("report"),
	}
}
