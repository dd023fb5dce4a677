package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
)

func init() { extraCommands = append(extraCommands, newUserCmd) }

func showTime(t time.Time) string { return rufmt.DateTime(t) }

// withAuth opens the database and the account service over it.
func withAuth(ctx context.Context, g *globals, fn func(*auth.Service) error) error {
	st, err := store.Open(ctx, g.db, g.log)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := st.Hierarchy(ctx)
	if err != nil {
		return err
	}
	return fn(auth.New(st, func() *orgunit.Hierarchy { return h }, g.log))
}

// readPassword takes --password, or one line of stdin with
// --password-stdin (which keeps it out of shell history and ps).
func readPassword(cmd *cobra.Command, flag string, fromStdin bool) (string, error) {
	if !fromStdin {
		return flag, nil
	}
	if flag != "" {
		return "", errors.New("--password and --password-stdin are exclusive")
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func newUserCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage accounts, roles, scopes and API tokens",
		Long: `Manages accounts. Roles: federal_admin, federal_analyst, regional_operator,
mo_operator, governor, auditor. An account's scope is an organisation unit
(code, ISO or OKATO) and everything below it. Passwords are stored as
argon2id hashes; a generated password is printed once and never again.`,
	}
	cmd.AddCommand(newUserAddCmd(g), newUserListCmd(g), newUserDisableCmd(g, true), newUserDisableCmd(g, false),
		newUserResetCmd(g), newUserSetRoleCmd(g), newUserTokenCmd(g), newUserAuditCmd(g), newUserRolesCmd(g))
	return cmd
}

func newUserRolesCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "roles",
		Short: "Show the roles and their permissions",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprint(tw, "РОЛЬ")
			for _, p := range auth.Permissions {
				fmt.Fprintf(tw, "\t%s", p)
			}
			fmt.Fprintln(tw)
			for _, r := range auth.Roles {
				fmt.Fprint(tw, r)
				for _, p := range auth.Permissions {
					mark := "-"
					if r.Can(p) {
						mark = "+"
					}
					fmt.Fprintf(tw, "\t%s", mark)
				}
				fmt.Fprintln(tw)
			}
			return tw.Flush()
		},
	}
}

func newUserAddCmd(g *globals) *cobra.Command {
	var login, role, unit, password string
	var pwStdin bool
	cmd := &cobra.Command{
		Use:   "add --login L --role R --orgunit CODE [--password P | --password-stdin]",
		Short: "Create an account (prints a generated password when none is given)",
		Example: `  cifra user add --login ivanova --role regional_operator --orgunit RU-TUL
  echo 'секретный пароль' | cifra user add --login petrov --role governor --orgunit RU-TUL --password-stdin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := auth.ParseRole(role)
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd, password, pwStdin)
			if err != nil {
				return err
			}
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				u, generated, err := s.CreateUser(cmd.Context(), actor(), login, r, unit, pw)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "Создана учётная запись %s: %s, область доступа %s.\n", u.Login, u.Role.Label(), u.OrgUnit)
				if generated != "" {
					fmt.Fprintf(g.stdout, "Пароль (показан один раз): %s\n", generated)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&login, "login", "", "login (a-z, 0-9, '.', '_', '@', '-')")
	cmd.Flags().StringVar(&role, "role", "", "role")
	cmd.Flags().StringVar(&unit, "orgunit", "", "organisation unit the account is scoped to")
	cmd.Flags().StringVar(&password, "password", "", "password (default: generate one and print it)")
	cmd.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of stdin")
	for _, f := range []string{"login", "role", "orgunit"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func newUserListCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				users, err := s.Users(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					type row struct {
						Login    string    `json:"login"`
						Role     auth.Role `json:"role"`
						OrgUnit  string    `json:"org_unit"`
						Disabled bool      `json:"disabled"`
						Created  time.Time `json:"created_at"`
					}
					out := make([]row, len(users))
					for i, u := range users {
						out[i] = row{u.Login, u.Role, u.OrgUnit, u.Disabled, u.CreatedAt}
					}
					enc := json.NewEncoder(g.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(out)
				}
				tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ЛОГИН\tРОЛЬ\tОБЛАСТЬ ДОСТУПА\tСОСТОЯНИЕ\tСОЗДАНА")
				for _, u := range users {
					state := "активна"
					if u.Disabled {
						state = "отключена"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Login, u.Role, u.OrgUnit, state, showTime(u.CreatedAt))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newUserDisableCmd(g *globals, disable bool) *cobra.Command {
	use, short, done := "disable LOGIN", "Disable an account (ends its sessions; its tokens stop working)", "отключена"
	if !disable {
		use, short, done = "enable LOGIN", "Enable a disabled account", "включена"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				if err := s.SetDisabled(cmd.Context(), actor(), args[0], disable); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "Учётная запись %s %s.\n", auth.NormalizeLogin(args[0]), done)
				return nil
			})
		},
	}
}

func newUserResetCmd(g *globals) *cobra.Command {
	var password string
	var pwStdin bool
	cmd := &cobra.Command{
		Use:   "reset-password LOGIN [--password P | --password-stdin]",
		Short: "Set a new password (prints a generated one when none is given); ends the account's sessions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, err := readPassword(cmd, password, pwStdin)
			if err != nil {
				return err
			}
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				generated, err := s.ResetPassword(cmd.Context(), actor(), args[0], pw)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "Пароль учётной записи %s изменён, её сеансы завершены.\n", auth.NormalizeLogin(args[0]))
				if generated != "" {
					fmt.Fprintf(g.stdout, "Новый пароль (показан один раз): %s\n", generated)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&password, "password", "", "new password (default: generate one and print it)")
	cmd.Flags().BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of stdin")
	return cmd
}

func newUserSetRoleCmd(g *globals) *cobra.Command {
	var role, unit string
	cmd := &cobra.Command{
		Use:   "set-role LOGIN --role R --orgunit CODE",
		Short: "Change an account's role and scope (ends its sessions)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := auth.ParseRole(role)
			if err != nil {
				return err
			}
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				if err := s.SetRole(cmd.Context(), actor(), args[0], r, unit); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "Учётная запись %s: %s, область доступа %s.\n", auth.NormalizeLogin(args[0]), r.Label(), unit)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "role")
	cmd.Flags().StringVar(&unit, "orgunit", "", "organisation unit")
	_ = cmd.MarkFlagRequired("role")
	_ = cmd.MarkFlagRequired("orgunit")
	return cmd
}

// parseLifetime accepts Go durations and whole days ("90d"); "" is no expiry.
func parseLifetime(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("--expires %q: want e.g. 90d or 720h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--expires %q: want e.g. 90d or 720h", s)
	}
	return d, nil
}

func newUserTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens (Authorization: Bearer) for machine feeds",
	}
	var login, name, unit, expires string
	create := &cobra.Command{
		Use:   "create --login L --name N [--orgunit CODE] [--expires 90d]",
		Short: "Create a token and print it once (only its hash is stored)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ttl, err := parseLifetime(expires)
			if err != nil {
				return err
			}
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				secret, t, err := s.CreateToken(cmd.Context(), actor(), login, name, unit, ttl)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "Токен %d «%s» для %s, область доступа %s, действует до %s.\n", t.ID, t.Name, t.Login, t.OrgUnit, showTime(t.ExpiresAt))
				fmt.Fprintf(g.stdout, "Токен (показан один раз): %s\n", secret)
				return nil
			})
		},
	}
	create.Flags().StringVar(&login, "login", "", "owner's login")
	create.Flags().StringVar(&name, "name", "", "what the token is for")
	create.Flags().StringVar(&unit, "orgunit", "", "narrower scope than the owner's (default: the owner's)")
	create.Flags().StringVar(&expires, "expires", "", "lifetime, e.g. 90d or 720h (default: no expiry)")
	_ = create.MarkFlagRequired("login")
	_ = create.MarkFlagRequired("name")

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token; it stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("token id %q: want a number (see cifra user token list)", args[0])
			}
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				if err := s.RevokeToken(cmd.Context(), actor(), id); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "Токен %d отозван.\n", id)
				return nil
			})
		},
	}

	var listLogin string
	list := &cobra.Command{
		Use:   "list [--login L]",
		Short: "List tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				toks, err := s.Tokens(cmd.Context(), listLogin)
				if err != nil {
					return err
				}
				now := time.Now()
				tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tЛОГИН\tНАЗВАНИЕ\tОБЛАСТЬ ДОСТУПА\tСОЗДАН\tДЕЙСТВУЕТ ДО\tСОСТОЯНИЕ")
				for _, t := range toks {
					state := "действует"
					switch {
					case !t.RevokedAt.IsZero():
						state = "отозван " + showTime(t.RevokedAt)
					case !t.Live(now):
						state = "истёк"
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Login, t.Name, t.OrgUnit, showTime(t.CreatedAt), showTime(t.ExpiresAt), state)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&listLogin, "login", "", "only this owner's tokens")
	cmd.AddCommand(create, revoke, list)
	return cmd
}

func newUserAuditCmd(g *globals) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "audit [--limit N]",
		Short: "Show the security audit log (logins, tokens, account changes), newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAuth(cmd.Context(), g, func(s *auth.Service) error {
				evs, err := s.AuditLog(cmd.Context(), limit)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ВРЕМЯ (МСК)\tСОБЫТИЕ\tКТО\tОБЪЕКТ\tIP\tПОДРОБНОСТИ")
				for _, e := range evs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", rufmt.Timestamp(e.At), e.Event, e.Actor, e.Subject, e.IP, e.Detail)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 100, "how many events")
	return cmd
}
