// Command ripple is the Ripple social media ecosystem engine: one binary that
// collects touchpoints, stores them in an embedded database, serves the web
// app and runs the analytic engines from the command line.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	// Workspaces name their time zone; the binary carries the zone
	// database (about 450 kB) so that every IANA name loads on a system
	// without one, such as a minimal container.
	_ "time/tzdata"

	"ripple/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv})
	stop()
	if err != nil && !errors.Is(err, errHelp) {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "ripple:", err)
		}
		os.Exit(exitCode(err))
	}
}

// stdio is what a command may touch of the process, so that every command
// runs inside a test as it does from a shell.
type stdio struct {
	in     io.Reader
	out    io.Writer
	err    io.Writer
	getenv func(string) string
}

// command is one `ripple NAME` subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, s stdio, args []string) error
}

// errUsage marks an error whose message was already printed with the usage.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// commands lists every subcommand; each lives in the file named after it.
func commands() map[string]command {
	return map[string]command{
		"serve":     {"run the collection API and web app on an existing data directory", cmdServe},
		"demo":      {"create a data directory with a simulated business and serve it", cmdDemo},
		"simulate":  {"generate a simulated ecosystem and its ground truth", cmdSimulate},
		"import":    {"load NDJSON (Segment messages) or CSV touchpoints into a workspace", cmdImport},
		"workspace": {"create and list workspaces", cmdWorkspace},
		"key":       {"create and revoke write keys", cmdKey},
		"user":      {"create users and grant roles", cmdUser},
		"sentiment": {"score one text per line from stdin: label<TAB>score", cmdSentiment},
		"spikes":    {"flag anomalous intervals in a timestamp,value CSV", cmdSpikes},
		"attribute": {"attribute conversions to channels from a path file", cmdAttribute},
		"eval":      {"measure an engine against public reference data", cmdEval},
		"train":     {"fit the sentiment model on public reference data", cmdTrain},
		"bench":     {"measure ingest, import and simulator speed on this machine", cmdBench},
	}
}

func run(ctx context.Context, args []string, s stdio) error {
	if s.getenv == nil {
		s.getenv = func(string) string { return "" }
	}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			if c, ok := cmds[args[1]]; ok {
				return c.run(ctx, s, []string{"--help"})
			}
		}
		printUsage(s.out, cmds)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(s.err, "ripple: unknown command %q\n\n", args[0])
		printUsage(s.err, cmds)
		return errUsage
	}
	return c.run(ctx, s, args[1:])
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("Ripple: a self-hosted social media ecosystem engine.\n\nUsage: ripple COMMAND [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, cmds[n].summary)
	}
	b.WriteString("\nRun 'ripple COMMAND --help' for a command's flags. The settings below are\nflags of the commands that use them; one not given on the command line is\nread from its variable, then takes its default:\n\n")
	io.WriteString(w, b.String())
	config.Describe(w)
}
