package main

import (
	"context"
	"fmt"
	"text/tabwriter"
)

func cmdWorkspace(ctx context.Context, s stdio, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list") {
		fmt.Fprint(s.err, "Usage: ripple workspace create --name NAME [--business product|service] [--data DIR]\n       ripple workspace list [--data DIR]\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	fs := newFlagSet(s, "workspace "+args[0], "workspace "+args[0]+" [flags]")
	data := fs.String("data", "ripple-data", "data directory")
	name := fs.String("name", "", "workspace name (create)")
	business := fs.String("business", "product", "what the business sells: product or service (create)")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	st, err := openStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "create" {
		w, err := st.CreateWorkspace(ctx, *name, *business)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.out, "created workspace %s (%s)\n", w.ID, w.Name)
		return nil
	}
	ws, err := st.Workspaces(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tBUSINESS\tCREATED")
	for _, w := range ws {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", w.ID, w.Name, w.BusinessType, w.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}
