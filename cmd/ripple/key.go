package main

import (
	"context"
	"fmt"
	"net/url"
	"text/tabwriter"

	"ripple/internal/access"
	"ripple/internal/api"
	"ripple/internal/config"
	"ripple/internal/workspace"
)

func cmdKey(ctx context.Context, s stdio, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke" && args[0] != "list") {
		fmt.Fprint(s.err, `Usage: ripple key create --workspace ID [--name NAME] [--data DIR]
       ripple key list --workspace ID [--data DIR]
       ripple key revoke --workspace ID --key KEY_ID [--data DIR]

A write key's secret is printed once, at creation; only its hash is stored.
While a server holds the data directory, each works through its API with
--token (an owner's API token for the workspace) and --server.
`)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	fs := newFlagSet(s, "key "+args[0], "key "+args[0]+" [flags]")
	cfg := fs.settings(config.Data, config.Server, config.Token)
	ws := fs.String("workspace", "", "workspace id")
	name := fs.String("name", "", "a label for the key, e.g. where it is used (create)")
	keyID := fs.String("key", "", "id of the key to revoke (revoke)")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	if *ws == "" {
		return fmt.Errorf("--workspace: is required")
	}
	if args[0] == "revoke" && *keyID == "" {
		return fmt.Errorf("--key: is required")
	}
	st, r, err := openOrRemote(ctx, cfg)
	if err != nil {
		return err
	}
	if st != nil {
		defer st.Close()
	}
	var settings *workspace.Settings
	if st != nil {
		_, settings = domain(st)
	}
	op := access.Operator(*ws)
	keysPath := "/workspaces/" + url.PathEscape(*ws) + "/keys"
	switch args[0] {
	case "create":
		var k workspace.Key
		var secret string
		if st != nil {
			k, secret, err = settings.CreateKey(ctx, op, *name)
		} else {
			var out api.WriteKey
			err = r.call(ctx, "POST", keysPath, map[string]string{"name": *name}, &out)
			k, secret = workspace.Key{ID: out.ID, WorkspaceID: *ws}, out.Secret
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(s.out, "created write key %s for workspace %s\nsecret (shown once): %s\n", k.ID, k.WorkspaceID, secret)
	case "revoke":
		if st != nil {
			err = settings.RevokeKey(ctx, op, *keyID)
		} else {
			err = r.call(ctx, "DELETE", keysPath+"/"+url.PathEscape(*keyID), nil, nil)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(s.out, "revoked write key %s\n", *keyID)
	case "list":
		var keys []workspace.Key
		if st != nil {
			keys, err = settings.Keys(ctx, op)
		} else {
			var out struct {
				Keys []api.WriteKey `json:"keys"`
			}
			err = r.call(ctx, "GET", keysPath, nil, &out)
			for _, k := range out.Keys {
				keys = append(keys, workspace.Key{ID: k.ID, Name: k.Name, Hint: k.Hint, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt})
			}
		}
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
