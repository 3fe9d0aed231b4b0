package main

import (
	"context"
	"fmt"
	"text/tabwriter"
)

func cmdKey(ctx context.Context, s stdio, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke" && args[0] != "list") {
		fmt.Fprint(s.err, "Usage: ripple key create --workspace ID [--name NAME] [--data DIR]\n       ripple key list --workspace ID [--data DIR]\n       ripple key revoke --workspace ID --key KEY_ID [--data DIR]\n\nA write key's secret is printed once, at creation; only its hash is stored.\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	fs := newFlagSet(s, "key "+args[0], "key "+args[0]+" [flags]")
	data := fs.String("data", "ripple-data", "data directory")
	ws := fs.String("workspace", "", "workspace id")
	name := fs.String("name", "", "a label for the key, e.g. where it is used (create)")
	keyID := fs.String("key", "", "id of the key to revoke (revoke)")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	if *ws == "" {
		return fmt.Errorf("--workspace: is required")
	}
	st, err := openStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	switch args[0] {
	case "create":
		k, secret, err := st.CreateWriteKey(ctx, *ws, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.out, "created write key %s for workspace %s\nsecret (shown once): %s\n", k.ID, k.WorkspaceID, secret)
	case "revoke":
		if *keyID == "" {
			return fmt.Errorf("--key: is required")
		}
		if err := st.RevokeWriteKey(ctx, *ws, *keyID); err != nil {
			return err
		}
		fmt.Fprintf(s.out, "revoked write key %s\n", *keyID)
	case "list":
		keys, err := st.WriteKeys(ctx, *ws)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tHINT\tNAME\tCREATED\tSTATUS")
		for _, k := range keys {
			status := "active"
			if k.RevokedAt != nil {
				status = "revoked " + k.RevokedAt.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Hint, k.Name, k.CreatedAt.Format("2006-01-02"), status)
		}
		return tw.Flush()
	}
	return nil
}
