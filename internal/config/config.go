// Package config is Ripple's one table of settings. Each setting is here
// once: its flag, its RIPPLE_* environment variable, its default, how it is
// checked, whether it is a secret, and its help. A command binds the
// settings it uses to its flags; they are checked when it starts, before
// any work, and passed on as a Config, never read from a global.
//
// A flag given on the command line wins over the variable, the variable
// over the default. A command's own arguments (a workspace id, an email,
// a number of events) are flags of that command, not settings, and have
// no variable.
package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Key names a setting; it is the flag's name.
type Key string

// The settings. Distinct things have distinct names: --data is only ever
// the data directory, --refdata the public reference data.
const (
	Data       Key = "data"
	Addr       Key = "addr"
	LogLevel   Key = "log-level"
	Dev        Key = "dev"
	TrustProxy Key = "trust-proxy"
	Server     Key = "server"
	Token      Key = "token"
	RefData    Key = "refdata"
)

// Config is the settings a command bound, checked. Those it did not bind
// are zero.
type Config struct {
	Data       string     // the data directory holding the embedded database
	Addr       string     // host:port the server listens on
	LogLevel   slog.Level // the server's log level
	Dev        string     // a checkout's internal/web, read on every request; empty in production
	TrustProxy bool       // X-Forwarded-Proto and -For come from a trusted reverse proxy
	Server     string     // a running server's URL, for commands that work through its API
	Token      string     // an API token for Server
	RefData    string     // the folder of public reference data sets

	// Given records, per bound setting, where its value came from: "flag",
	// "env" or "default".
	Given map[Key]string

	shown []slog.Attr // the settings as logged, secrets hidden
}

// LogValue is the settings for a log line, each secret hidden.
func (c Config) LogValue() slog.Value { return slog.GroupValue(c.shown...) }

// setting is one row of the table.
type setting struct {
	key     Key
	def     string
	boolean bool // a flag that takes no value: --trust-proxy
	secret  bool // never logged nor echoed in an error
	help    string
	set     func(c *Config, v string) error // checks v and stores it
}

// table lists every setting of Ripple. It is data: nothing in it runs
// until a command binds and loads it.
var table = []setting{
	{key: Data, def: "ripple-data", help: "data directory holding the embedded database",
		set: func(c *Config, v string) error { c.Data = v; return required(v) }},
	{key: Addr, def: "127.0.0.1:8080", help: "address the server listens on, host:port",
		set: func(c *Config, v string) error { c.Addr = v; return hostPort(v) }},
	{key: LogLevel, def: "info", help: "log level: debug, info, warn or error",
		set: func(c *Config, v string) error { return logLevel(&c.LogLevel, v) }},
	{key: Dev, help: "read templates and static files from this directory (internal/web in a checkout) on every request, for development",
		set: func(c *Config, v string) error { c.Dev = v; return devDir(v) }},
	{key: TrustProxy, def: "false", boolean: true, help: "trust X-Forwarded-Proto and X-Forwarded-For from a reverse proxy (cookies become Secure behind https)",
		set: func(c *Config, v string) (err error) { c.TrustProxy, err = parseBool(v); return err }},
	{key: Server, def: "http://127.0.0.1:8080", help: "a running Ripple server, for commands that work through its API (with --token)",
		set: func(c *Config, v string) error { c.Server = strings.TrimRight(v, "/"); return serverURL(v) }},
	{key: Token, secret: true, help: "API token (from the web app's API tokens page) to work through --server instead of the data directory",
		set: func(c *Config, v string) error { c.Token = v; return token(v) }},
	{key: RefData, def: filepath.Join("..", "shared", "data"), help: "folder of the public reference data sets (sentiment/ and the others)",
		set: func(c *Config, v string) error { c.RefData = v; return required(v) }},
}

// Env is the environment variable of a setting: RIPPLE_LOG_LEVEL for
// log-level.
func Env(k Key) string { return "RIPPLE_" + strings.ToUpper(strings.ReplaceAll(string(k), "-", "_")) }

func lookup(k Key) setting {
	for _, s := range table {
		if s.key == k {
			return s
		}
	}
	panic("config: no setting " + string(k)) // a command binding a setting the table lacks is a bug
}

// Binding is the settings bound to one command's flags.
type Binding struct {
	fs   *flag.FlagSet
	vals map[Key]*value
	keys []Key
}

// value is a setting's flag: a string, or a boolean flag.
type value struct {
	s       string
	boolean bool
}

func (v *value) String() string     { return v.s }
func (v *value) Set(s string) error { v.s = s; return nil }
func (v *value) IsBoolFlag() bool   { return v.boolean }

// Bind adds the settings' flags to fs, with their defaults and help.
func Bind(fs *flag.FlagSet, keys ...Key) *Binding {
	b := &Binding{fs: fs, vals: map[Key]*value{}, keys: keys}
	for _, k := range keys {
		s := lookup(k)
		v := &value{s: s.def, boolean: s.boolean}
		b.vals[k] = v
		fs.Var(v, string(k), helpOf(s))
	}
	return b
}

func helpOf(s setting) string {
	h := s.help + " (" + Env(s.key)
	if s.secret {
		h += "; a secret: prefer the variable, a flag shows in the process list"
	}
	return h + ")"
}

// Load reads the bound settings once fs is parsed: a flag given wins, else
// the variable, else the default. Every setting is checked; the first bad
// one is the error, naming the flag or the variable and the reason (never
// a secret's value).
func (b *Binding) Load(getenv func(string) string) (Config, error) {
	given := map[string]bool{}
	b.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	c := Config{Given: map[Key]string{}}
	for _, k := range b.keys {
		s := lookup(k)
		v, from, name := b.vals[k].s, "flag", "--"+string(k)
		if !given[string(k)] {
			from, name = "default", Env(k)
			if e := getenv(Env(k)); e != "" {
				v, from = e, "env"
			}
		}
		if err := s.set(&c, v); err != nil {
			if s.secret {
				return Config{}, fmt.Errorf("%s: %v", name, err)
			}
			return Config{}, fmt.Errorf("%s: %q %v", name, v, err)
		}
		c.Given[k] = from
		shown := v
		if s.secret && v != "" {
			shown = "(secret)"
		}
		c.shown = append(c.shown, slog.String(string(k), shown))
	}
	return c, nil
}

// Describe writes the table: every setting with its variable, default and
// help, as ripple help prints it.
func Describe(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  FLAG\tVARIABLE\tDEFAULT\tMEANING")
	for _, s := range table {
		def := s.def
		if def == "" {
			def = "-"
		}
		help := s.help
		if s.secret {
			help += " (secret)"
		}
		fmt.Fprintf(tw, "  --%s\t%s\t%s\t%s\n", s.key, Env(s.key), def, help)
	}
	return tw.Flush()
}

// Keys lists every setting, in the table's order.
func Keys() []Key {
	out := make([]Key, len(table))
	for i, s := range table {
		out[i] = s.key
	}
	return out
}

func required(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("is required")
	}
	return nil
}

func hostPort(v string) error {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("is not host:port, such as 127.0.0.1:8080 or :8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("has no port number from 0 to 65535")
	}
	return nil
}

func logLevel(dst *slog.Level, v string) error {
	switch strings.ToLower(v) {
	case "debug":
		*dst = slog.LevelDebug
	case "info":
		*dst = slog.LevelInfo
	case "warn":
		*dst = slog.LevelWarn
	case "error":
		*dst = slog.LevelError
	default:
		return fmt.Errorf("is not debug, info, warn or error")
	}
	return nil
}

func devDir(v string) error {
	if v == "" {
		return nil
	}
	if fi, err := os.Stat(filepath.Join(v, "templates")); err != nil || !fi.IsDir() {
		return fmt.Errorf("has no templates folder: give the web app's folder of a checkout, internal/web")
	}
	return nil
}

func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("is not true or false")
	}
	return b, nil
}

func serverURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("is not a server URL such as http://127.0.0.1:8080")
	}
	return nil
}

func token(v string) error {
	if v != "" && !strings.HasPrefix(v, "rpt_") {
		return fmt.Errorf("is not an API token: those start with rpt_")
	}
	return nil
}
