package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// flagSet is a flag.FlagSet whose unset flags fall back to RIPPLE_*
// environment variables: --write-key reads RIPPLE_WRITE_KEY.
type flagSet struct {
	*flag.FlagSet
	s stdio
}

func newFlagSet(s stdio, name, usage string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprintf(s.err, "Usage: ripple %s\n\n", usage)
		fs.PrintDefaults()
	}
	return &flagSet{FlagSet: fs, s: s}
}

// parse parses args, then fills every flag not given on the command line
// from its environment variable. It returns errUsage for --help or bad flags.
func (f *flagSet) parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	given := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	var err error
	f.VisitAll(func(fl *flag.Flag) {
		if given[fl.Name] || err != nil {
			return
		}
		env := "RIPPLE_" + strings.ToUpper(strings.ReplaceAll(fl.Name, "-", "_"))
		if v := f.s.getenv(env); v != "" {
			if e := fl.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %v", env, e)
			}
		}
	})
	return err
}

// errHelp is returned after --help printed the usage: not a failure.
var errHelp = errors.New("help requested")
