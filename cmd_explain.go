package main

import "github.com/urfave/cli/v2"

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:   "explain",
		Usage:  "(not built yet)",
		Action: notBuilt("explain"),
	}
}
