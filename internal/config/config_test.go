package config_test

import (
	"bytes"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ripple/internal/config"
	"ripple/internal/refdata"
)

// load binds keys to a fresh flag set, parses args and loads with env.
func load(t *testing.T, env map[string]string, args []string, keys ...config.Key) (config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	b := config.Bind(fs, keys...)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return b.Load(func(k string) string { return env[k] })
}

// TestFlagThenVariableThenDefault: a flag given wins, else its variable,
// else its default; and the Config says which.
func TestFlagThenVariableThenDefault(t *testing.T) {
	env := map[string]string{"RIPPLE_DATA": "/srv/ripple", "RIPPLE_ADDR": ":9090", "RIPPLE_TRUST_PROXY": "true", "RIPPLE_LOG_LEVEL": "debug"}
	c, err := load(t, env, []string{"--addr", "0.0.0.0:80", "--log-level=warn"}, config.Data, config.Addr, config.LogLevel, config.TrustProxy, config.Dev)
	if err != nil {
		t.Fatal(err)
	}
	if c.Data != "/srv/ripple" || c.Addr != "0.0.0.0:80" || c.LogLevel != slog.LevelWarn || !c.TrustProxy || c.Dev != "" {
		t.Errorf("loaded %+v", c)
	}
	for k, want := range map[config.Key]string{config.Data: "env", config.Addr: "flag", config.LogLevel: "flag", config.TrustProxy: "env", config.Dev: "default"} {
		if c.Given[k] != want {
			t.Errorf("%s came from %q, want %q", k, c.Given[k], want)
		}
	}
	c, err = load(t, nil, []string{"--trust-proxy"}, config.Data, config.TrustProxy, config.RefData)
	if err != nil || c.Data != "ripple-data" || !c.TrustProxy || c.RefData != "../shared/data" {
		t.Errorf("defaults and a bare boolean flag: %+v, %v", c, err)
	}
}

// TestDistinctNames: the data directory and the reference data are two
// settings; a variable of one never sets the other.
func TestDistinctNames(t *testing.T) {
	c, err := load(t, map[string]string{"RIPPLE_DATA": "/srv/ripple"}, nil, config.RefData)
	if err != nil || c.RefData != "../shared/data" || c.Data != "" {
		t.Errorf("RIPPLE_DATA reached the reference data: %+v, %v", c, err)
	}
}

// TestValidation: every setting is checked when loaded, and the error names
// the flag, or the variable it came from, and the reason.
func TestValidation(t *testing.T) {
	for _, tt := range []struct {
		key  config.Key
		env  map[string]string
		args []string
		want string
	}{
		{config.Addr, nil, []string{"--addr", "localhost"}, `--addr: "localhost" is not host:port`},
		{config.Addr, map[string]string{"RIPPLE_ADDR": "x:http"}, nil, `RIPPLE_ADDR: "x:http" has no port number`},
		{config.LogLevel, nil, []string{"--log-level", "loud"}, `--log-level: "loud" is not debug, info, warn or error`},
		{config.TrustProxy, map[string]string{"RIPPLE_TRUST_PROXY": "yes please"}, nil, `RIPPLE_TRUST_PROXY: "yes please" is not true or false`},
		{config.Server, nil, []string{"--server", "127.0.0.1:8080"}, `--server: "127.0.0.1:8080" is not a server URL`},
		{config.Data, nil, []string{"--data", " "}, `--data: " " is required`},
		{config.Dev, nil, []string{"--dev", t.TempDir()}, "has no templates folder"},
	} {
		_, err := load(t, tt.env, tt.args, tt.key)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v %v: error %v, want %q", tt.key, tt.env, tt.args, err, tt.want)
		}
	}
}

// TestSecrets: a secret's value appears neither in the error about it nor
// in the settings as logged.
func TestSecrets(t *testing.T) {
	const bad = "hunter2-not-a-token"
	_, err := load(t, map[string]string{"RIPPLE_TOKEN": bad}, nil, config.Token)
	if err == nil || strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "RIPPLE_TOKEN: is not an API token") {
		t.Errorf("a bad token: %v; want the variable and the reason, not the value", err)
	}
	const good = "rpt_0123456789abcdef"
	c, err := load(t, map[string]string{"RIPPLE_TOKEN": good}, []string{"--data", "/srv/ripple"}, config.Data, config.Token)
	if err != nil || c.Token != good {
		t.Fatalf("a good token: %+v, %v", c, err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("start", "settings", c)
	if strings.Contains(logs.String(), good) || !strings.Contains(logs.String(), "settings.data=/srv/ripple") || !strings.Contains(logs.String(), "settings.token=(secret)") {
		t.Errorf("logged %q", logs.String())
	}
}

// TestDescribeListsEverySetting: the table printed by ripple help names
// each setting with its variable.
func TestDescribeListsEverySetting(t *testing.T) {
	var b strings.Builder
	if err := config.Describe(&b); err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys() {
		if !strings.Contains(b.String(), "--"+string(k)+" ") || !strings.Contains(b.String(), config.Env(k)) {
			t.Errorf("the description lacks --%s or %s:\n%s", k, config.Env(k), b.String())
		}
	}
}

// TestREADMEListsEverySetting: the README's table of settings names every
// setting of the table here, with its variable.
func TestREADMEListsEverySetting(t *testing.T) {
	root, err := refdata.Root()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys() {
		if row := "| `--" + string(k) + "` | `" + config.Env(k) + "` |"; !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no row %q", row)
		}
	}
}

// FuzzLoad: whatever the variables hold, loading either refuses with the
// variable's name or keeps what it was given, and never shows a token.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{"127.0.0.1:8080", ":0", "x", "", "true", "debug", "rpt_x", "http://[::1]:80", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, k := range config.Keys() {
			c, err := load(t, map[string]string{config.Env(k): v}, nil, k)
			if err != nil {
				if !strings.HasPrefix(err.Error(), config.Env(k)+": ") {
					t.Fatalf("%s=%q: error %q does not start with the variable", config.Env(k), v, err)
				}
				// The token's error is the same whatever it was: it carries
				// nothing of the value.
				if k == config.Token && err.Error() != "RIPPLE_TOKEN: is not an API token: those start with rpt_" {
					t.Fatalf("the token's error %q", err)
				}
				continue
			}
			if want := map[bool]string{true: "env", false: "default"}[v != ""]; c.Given[k] != want {
				t.Fatalf("%s=%q came from %q, want %q", config.Env(k), v, c.Given[k], want)
			}
		}
	})
}
