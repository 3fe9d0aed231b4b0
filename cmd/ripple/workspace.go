package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"ripple/internal/api"
	"ripple/internal/config"
	"ripple/internal/workspace"
)

func cmdWorkspace(ctx context.Context, s stdio, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list") {
		fmt.Fprint(s.err, `Usage: ripple workspace create --name NAME [--business product|service] [--data DIR]
       ripple workspace list [--data DIR] [--token TOKEN --server URL]

While a server holds the data directory, list works through its API with --token.
`)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	fs := newFlagSet(s, "workspace "+args[0], "workspace "+args[0]+" [flags]")
	var cfg *config.Config
	if args[0] == "create" {
		cfg = fs.settings(config.Data)
	} else {
		cfg = fs.settings(config.Data, config.Server, config.Token)
	}
	name := fs.String("name", "", "workspace name (create)")
	business := fs.String("business", "product", "what the business sells: product or service (create)")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "create" {
		// The one command besides demo that may start a data directory.
		st, err := openStore(ctx, cfg.Data)
		if err != nil {
			return err
		}
		defer st.Close()
		_, settings := domain(st)
		w, err := settings.Create(ctx, *name, *business)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.out, "created workspace %s (%s)\n", w.ID, w.Name)
		return nil
	}
	st, r, err := openOrRemote(ctx, cfg)
	if err != nil {
		return err
	}
	var ws []workspace.Workspace
	if st != nil {
		defer st.Close()
		_, settings := domain(st)
		if ws, err = settings.All(ctx); err != nil {
			return err
		}
	} else {
		var out struct {
			Workspaces []api.Workspace `json:"workspaces"`
		}
		if err := r.call(ctx, "GET", "/workspaces", nil, &out); err != nil {
			return err
		}
		for _, w := range out.Workspaces {
			ws = append(ws, workspace.Workspace{ID: w.ID, Name: w.Name, BusinessType: w.BusinessType,
				TimeZone: w.TimeZone, Currency: w.Currency, CreatedAt: w.CreatedAt})
		}
	}
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tBUSINESS\tTIME ZONE\tCURRENCY\tCREATED")
	for _, w := range ws {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", w.ID, w.Name, w.BusinessType, w.TimeZone, w.Currency, w.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}
