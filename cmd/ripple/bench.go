package main

import (
	"context"
	"fmt"
)

// benches are the `ripple bench` subcommands: each measures one path on this
// machine and prints its numbers, so speed claims can be checked anywhere.
var benches = map[string]struct {
	summary string
	run     func(ctx context.Context, s stdio, args []string) error
}{
	"collect": {"loopback HTTP ingest, durable, vs parse-only throughput", benchCollect},
	"import":  {"NDJSON file import: events/s and peak memory", benchImport},
}

func cmdBench(ctx context.Context, s stdio, args []string) error {
	if len(args) > 0 {
		if b, ok := benches[args[0]]; ok {
			return b.run(ctx, s, args[1:])
		}
	}
	fmt.Fprintln(s.err, "Usage: ripple bench collect|import [flags]")
	for _, name := range []string{"collect", "import"} {
		fmt.Fprintf(s.err, "  %-8s %s\n", name, benches[name].summary)
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return errHelp
	}
	return errUsage
}
