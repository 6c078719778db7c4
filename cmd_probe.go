package main

import "github.com/urfave/cli/v2"

func probeCommand() *cli.Command {
	return &cli.Command{
		Name:   "probe",
		Usage:  "(not built yet)",
		Action: notBuilt("probe"),
	}
}
