package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"ripple/internal/access"
	"ripple/internal/store"
)

func cmdUser(ctx context.Context, s stdio, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list") {
		fmt.Fprint(s.err, "Usage: ripple user create --email E [--name N] [--password P | --password-stdin] --workspace ID --role R [--data DIR]\n       ripple user list [--data DIR]\n\nRoles: owner, analyst, responder, viewer. Without a password one is generated\nand printed once. An existing email gets the role added to its account.\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	fs := newFlagSet(s, "user "+args[0], "user "+args[0]+" [flags]")
	data := fs.String("data", "ripple-data", "data directory")
	email := fs.String("email", "", "the user's email, used to sign in (create)")
	name := fs.String("name", "", "the user's name (create)")
	password := fs.String("password", "", "the password; prefer --password-stdin, which keeps it out of the shell history (create)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (create)")
	ws := fs.String("workspace", "", "workspace id to give the role in (create)")
	role := fs.String("role", "", "owner, analyst, responder or viewer (create)")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	st, err := openStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "list" {
		users, err := st.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tWORKSPACES")
		for _, u := range users {
			ms, err := st.MembershipsOfUser(ctx, u.ID)
			if err != nil {
				return err
			}
			var roles []string
			for _, m := range ms {
				roles = append(roles, fmt.Sprintf("%s (%s): %s", m.WorkspaceName, m.WorkspaceID, m.Role))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, strings.Join(roles, ", "))
		}
		return tw.Flush()
	}

	if *email == "" {
		return fmt.Errorf("--email: is required")
	}
	if *ws == "" {
		return fmt.Errorf("--workspace: is required")
	}
	r, err := access.ParseRole(*role)
	if err != nil {
		return fmt.Errorf("--role: %q is not owner, analyst, responder or viewer", *role)
	}
	if _, err := st.Workspace(ctx, *ws); err != nil {
		return fmt.Errorf("--workspace: %w", err)
	}
	pw := *password
	if *fromStdin {
		if pw != "" {
			return fmt.Errorf("--password and --password-stdin: give one")
		}
		line, err := bufio.NewReader(s.in).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("--password-stdin: no password on standard input")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	existing, err := st.UserByEmail(ctx, *email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err == nil {
		if pw != "" {
			return fmt.Errorf("--password: %s already has an account; its password is not changed here", existing.Email)
		}
		if err := access.Grant(ctx, st, existing.ID, *ws, r); err != nil {
			return err
		}
		fmt.Fprintf(s.out, "gave %s (%s) the role %s in workspace %s\n", existing.Email, existing.ID, r, *ws)
		return nil
	}
	generated := pw == ""
	if generated {
		pw = access.GeneratePassword()
	}
	u, err := access.CreateUser(ctx, st, *email, *name, pw)
	if err != nil {
		return err
	}
	if err := access.Grant(ctx, st, u.ID, *ws, r); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "created user %s (%s) with the role %s in workspace %s\n", u.Email, u.ID, r, *ws)
	if generated {
		fmt.Fprintf(s.out, "password (shown once): %s\n", pw)
	}
	return nil
}
