package main

import "github.com/urfave/cli/v2"

func selftestCommand() *cli.Command {
	return &cli.Command{
		Name:   "selftest",
		Usage:  "(not built yet)",
		Action: notBuilt("selftest"),
	}
}
