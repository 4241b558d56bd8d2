// Command nextguard finds the public server entry points of a Next.js codebase
// and reports what makes them exploitable.
package main

import (
	"os"

	"github.com/nextguard/nextguard/cmd/nextguard/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
