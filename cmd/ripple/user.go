package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"ripple/internal/access"
	"ripple/internal/config"
	"ripple/internal/fault"
)

func cmdUser(ctx context.Context, s stdio, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "role") {
		fmt.Fprint(s.err, `Usage: ripple user create --email E [--name N] [--password P | --password-stdin] --workspace ID --role R [--data DIR]
       ripple user role --email E --workspace ID --role R [--data DIR]
       ripple user list [--data DIR]

Roles: owner, analyst, responder, viewer. create makes the account when the
email is new (without a password one is generated and printed once) and adds
it to the workspace; someone already a member keeps their role, which role
changes.
`)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	fs := newFlagSet(s, "user "+args[0], "user "+args[0]+" [flags]")
	cfg := fs.settings(config.Data)
	email := fs.String("email", "", "the user's email, used to sign in (create, role)")
	name := fs.String("name", "", "the user's name (create)")
	password := fs.String("password", "", "the password; prefer --password-stdin, which keeps it out of the shell history (create)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (create)")
	ws := fs.String("workspace", "", "workspace id to give the role in (create, role)")
	role := fs.String("role", "", "owner, analyst, responder or viewer (create, role)")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	st, err := openExisting(ctx, cfg.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	auth, settings := domain(st)
	if args[0] == "list" {
		users, err := auth.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tWORKSPACES")
		for _, u := range users {
			ms, err := settings.MembershipsOf(ctx, u.ID)
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
	if _, err := access.ParseRole(*role); err != nil {
		return fmt.Errorf("--role: %q is not owner, analyst, responder or viewer", *role)
	}
	if _, err := settings.Workspace(ctx, *ws); err != nil {
		return fmt.Errorf("--workspace: %w", err)
	}
	op := access.Operator(*ws)
	if args[0] == "role" {
		u, err := auth.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("--email: %w", err)
		}
		m, err := settings.ChangeRole(ctx, op, u.ID, *role)
		if err != nil {
			return cliFault(err)
		}
		fmt.Fprintf(s.out, "%s (%s) now has the role %s in workspace %s\n", m.Email, m.UserID, m.Role, *ws)
		return nil
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
	existing, err := auth.UserByEmail(ctx, *email)
	switch {
	case err == nil && pw != "":
		return fmt.Errorf("--password: %s already has an account; its password is not changed here", existing.Email)
	case errors.Is(err, fault.ErrNotFound) && pw != "":
		// A chosen password: make the account here; Add then finds it.
		if _, err := auth.CreateUser(ctx, *email, *name, pw); err != nil {
			return cliFault(err)
		}
	case err != nil && !errors.Is(err, fault.ErrNotFound):
		return err
	}
	m, generated, err := settings.Add(ctx, op, *email, *name, *role)
	if err != nil {
		if fault.KindOf(err) == fault.KindConflict {
			return fmt.Errorf("%s; use 'ripple user role' to change it", fault.Message(err))
		}
		return cliFault(err)
	}
	if existing.ID != "" {
		fmt.Fprintf(s.out, "gave %s (%s) the role %s in workspace %s\n", m.Email, m.UserID, m.Role, *ws)
		return nil
	}
	fmt.Fprintf(s.out, "created user %s (%s) with the role %s in workspace %s\n", m.Email, m.UserID, m.Role, *ws)
	if generated != "" {
		fmt.Fprintf(s.out, "password (shown once): %s\n", generated)
	}
	return nil
}

// cliFault is a fault as the command line says it: a flag-like field
// (--email) and the reason; other errors as they are.
func cliFault(err error) error {
	if f := fault.As(err); f != nil && f.Kind != fault.KindInternal {
		if f.Field != "" {
			return fmt.Errorf("--%s: %s", strings.ReplaceAll(f.Field, "_", "-"), f.Reason)
		}
		return errors.New(f.Reason)
	}
	return err
}
