// Command cifra measures the digital maturity of regional healthcare: it
// imports data, computes ratings, serves the dashboard and API, and exports
// results.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/cobra"
)

// env returns the environment variable or a default.
func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

type globals struct {
	db       string
	logLevel string
	log      *slog.Logger
	stdout   io.Writer
	stderr   io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// CIFRA_CPUPROFILE writes a CPU profile of the whole run, for the bench
	// harness and for finding slow steps on real data.
	if path := os.Getenv("CIFRA_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
		}
	}
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	stop()
	os.Exit(code)
}

// run executes the CLI with args and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(stderr, "cifra: %v\n", err)
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "cifra",
		Short: "Cifra: digital maturity of regional healthcare",
		Long: `Cifra measures the digital maturity of regional healthcare in Russia:
it keeps the organisation hierarchy and data values, computes composite-index
ratings from declarative methodologies, and serves them as a web dashboard,
a JSON API and reports.

Environment:
  CIFRA_DB     the database: a DuckDB file (default ./cifra.duckdb) or a
               PostgreSQL URL shared by several processes, e.g.
               postgres://cifra@db.example/cifra or
               postgres:///cifra?host=/run/postgresql (a unix socket)
  CIFRA_ADDR   address to serve on (default 127.0.0.1:8080)
  CIFRA_LOG    log level: debug, info, warn, error (default info)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var lv slog.Level
			if err := lv.UnmarshalText([]byte(g.logLevel)); err != nil {
				return fmt.Errorf("--log-level: %w", err)
			}
			g.log = slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: lv}))
			return nil
		},
	}
	root.PersistentFlags().StringVar(&g.db, "db", env("CIFRA_DB", "cifra.duckdb"), "database: a DuckDB file or a postgres:// URL (env CIFRA_DB)")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", env("CIFRA_LOG", "info"), "log level: debug, info, warn, error (env CIFRA_LOG)")
	root.AddCommand(
		newServeCmd(g),
		newDemoCmd(g),
		newImportCmd(g),
		newComputeCmd(g),
		newRatingCmd(g),
		newExportCmd(g),
		newExplainCmd(g),
		newUncertaintyCmd(g),
		newWhatIfCmd(g),
		newMethodologyCmd(g),
	)
	for _, mk := range extraCommands {
		root.AddCommand(mk(g))
	}
	return root
}

// extraCommands lets a feature's file register its subcommand from init, so
// that features do not all edit one list.
var extraCommands []func(*globals) *cobra.Command
