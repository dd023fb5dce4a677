package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web"
)

// attachAuth turns on accounts for a server: it creates the first federal
// administrator when there is none (printing the password once: the given
// one is not echoed, a generated one is) and attaches the account service
// to h. serve calls it after web.New.
func attachAuth(ctx context.Context, g *globals, c *catalog.Catalog, st *store.Store, h *web.Server, adminLogin, adminPassword string) (*auth.Service, error) {
	svc := auth.New(st, c.Hierarchy, g.log)
	login, pw, created, err := auth.EnsureAdmin(ctx, svc, adminLogin, adminPassword)
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(g.stdout, "Создан первый администратор: логин %s", login)
		if adminPassword == "" {
			fmt.Fprintf(g.stdout, ", пароль %s (показан один раз; смените его на странице /account)", pw)
		}
		fmt.Fprintln(g.stdout, ".")
	}
	h.UseAuth(svc)
	return svc, nil
}

// printDemoAccounts creates one account per role for the demo and prints
// how to log in with each. Call it before attachAuth, whose first
// administrator is then not needed.
func printDemoAccounts(ctx context.Context, g *globals, c *catalog.Catalog, st *store.Store, loginURL string) error {
	svc := auth.New(st, c.Hierarchy, g.log)
	creds, err := auth.DemoAccounts(ctx, svc)
	if err != nil {
		return err
	}
	if loginURL != "" {
		fmt.Fprintf(g.stdout, "Демонстрационные учётные записи (пароли показаны один раз), вход: %s\n", loginURL)
	} else {
		fmt.Fprintln(g.stdout, "Демонстрационные учётные записи (пароли показаны один раз; вход — после cifra serve):")
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  РОЛЬ\tЛОГИН\tПАРОЛЬ\tОБЛАСТЬ ДОСТУПА")
	for _, c := range creds {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Role.Label(), c.Login, c.Password, c.UnitName)
	}
	return tw.Flush()
}
