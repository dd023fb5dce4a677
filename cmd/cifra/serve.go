package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/web"
)

func newServeCmd(g *globals) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard and the JSON API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, st, err := openCatalog(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			return serve(cmd.Context(), g, c, addr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", env("CIFRA_ADDR", "127.0.0.1:8080"), "address to listen on (env CIFRA_ADDR)")
	return cmd
}

// serve runs the HTTP server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, g *globals, c *catalog.Catalog, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           web.New(c, g.log),
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
