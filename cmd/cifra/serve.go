package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web"
)

func newServeCmd(g *globals) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard and the JSON API",
		Long: `Serves the dashboard and the JSON API. On the first start of a database
without a federal administrator, creates one (login "admin") and prints its
password once; CIFRA_ADMIN_PASSWORD sets it instead (it is then not printed).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, st, err := openCatalog(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			return serve(cmd.Context(), g, c, st, addr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", env("CIFRA_ADDR", "127.0.0.1:8080"), "address to listen on (env CIFRA_ADDR)")
	return cmd
}

// serve runs the HTTP server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, g *globals, c *catalog.Catalog, st *store.Store, addr string) error {
	h := web.New(c, g.log)
	defer h.Close() // stops the server's background work (warm-ups)
	// The password comes from the environment, not a flag, so that it stays
	// out of the process list and shell history.
	if _, err := attachAuth(ctx, g, c, st, h, "", os.Getenv("CIFRA_ADMIN_PASSWORD")); err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	go h.WarmFeed(ctx)
	if st.Dialect() == "postgres" {
		// Other servers and the CLI write to the same database: follow
		// their writes (LISTEN/NOTIFY) so that pages show them.
		go func() {
			if err := c.Follow(ctx); err != nil {
				g.log.Error("follow the database's writes", "err", err)
			}
		}()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	fmt.Fprintf(g.stdout, "Cifra: http://%s/ (API: http://%s/api/v1/rating); Ctrl+C to stop\n", ln.Addr(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
