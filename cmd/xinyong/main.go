// Command xinyong is the public credit information platform.
package main

import (
	"os"

	_ "time/tzdata"

	"xinyong/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
