package main

import (
	"errors"
	"flag"
	"fmt"

	"ripple/internal/config"
)

// flagSet is a command's flags: its own arguments, and the settings of
// Ripple's config table it binds, which fall back to their RIPPLE_*
// variables.
type flagSet struct {
	*flag.FlagSet
	s     stdio
	bound *config.Binding
	cfg   *config.Config
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

// settings binds the command's settings, once, and returns the Config
// that parse fills and checks.
func (f *flagSet) settings(keys ...config.Key) *config.Config {
	f.bound = config.Bind(f.FlagSet, keys...)
	f.cfg = &config.Config{}
	return f.cfg
}

// parse parses args, then loads and checks the bound settings: a flag not
// given falls back to its variable, then to its default. It returns
// errHelp for --help and errUsage for bad flags.
func (f *flagSet) parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	if f.bound == nil {
		return nil
	}
	c, err := f.bound.Load(f.s.getenv)
	if err != nil {
		return err
	}
	*f.cfg = c
	return nil
}

// errHelp is returned after --help printed the usage: not a failure.
var errHelp = errors.New("help requested")
