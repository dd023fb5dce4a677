package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/user"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/workflow"
)

// actor names the person running the CLI for the audit trail.
func actor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

func newImportCmd(g *globals) *cobra.Command {
	var dryRun, noRecompute, asJSON bool
	var format, periodID string
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import data values from CSV, DHIS2 JSON or XLSX files (atomically)",
		Long: `Imports data values. Formats: long CSV (data_element,period,org_unit,value[,comment]),
DHIS2 dataValueSets JSON, and XLSX (a sheet per data set: rows are
organisation units, columns are data elements). All files are checked first;
if any row is rejected, nothing is written and every rejected row is listed
with its file, line and field. --dry-run shows what would change.`,
		Example: `  cifra import q1.csv --dry-run
  cifra import values.json
  cifra import form.xlsx --period 2021Q1`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, st, err := openCatalog(ctx, g)
			if err != nil {
				return err
			}
			defer st.Close()
			res := c.Resolver()
			var all []datavalue.Value
			var rejected datavalue.Rejections
			for _, name := range args {
				b, err := readFile(name, datavalue.Format(format), res, periodID)
				if err != nil {
					return err
				}
				all = append(all, b.Values...)
				rejected = append(rejected, b.Rejected...)
			}
			if len(rejected) > 0 {
				return exitError{code: 2, err: fmt.Errorf("nothing imported: %w", rejected)}
			}
			sum, err := st.ImportValues(ctx, all, store.ImportOptions{Actor: actor(), Source: sourceName(args), Format: format, DryRun: dryRun})
			if err != nil {
				return err
			}
			// Validation rules are checked on import as on entry; they
			// warn rather than refuse (a draft may break them until submitted).
			viols, err := c.ImportViolations(ctx, all)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				out := struct {
					store.ImportSummary
					Violations []workflow.Violation `json:"validation_violations,omitempty"`
				}{sum, viols}
				if err := enc.Encode(out); err != nil {
					return err
				}
			} else {
				verb := "imported"
				if dryRun {
					verb = "would import"
				}
				fmt.Fprintf(g.stdout, "%s: %d new, %d updated, %d unchanged (ignored), 0 rejected\n", verb, sum.Imported, sum.Updated, sum.Ignored)
				printViolations(g, viols)
			}
			if dryRun || noRecompute || sum.Imported+sum.Updated == 0 {
				return nil
			}
			tick, done := progress(g.stderr, "пересчёт")
			n, err := c.Recompute(ctx, tick)
			done()
			if err != nil {
				return fmt.Errorf("values imported, but recomputing failed: %w", err)
			}
			g.log.Info("recomputed", "results", n)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check and summarise, write nothing")
	cmd.Flags().BoolVar(&noRecompute, "no-recompute", false, "do not recompute ratings after importing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	cmd.Flags().StringVar(&format, "format", "", "csv, dhis2json or xlsx (default: by file name and content)")
	cmd.Flags().StringVar(&periodID, "period", "", "period for XLSX sheets without a period column")
	return cmd
}

func sourceName(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return fmt.Sprintf("%s and %d more", args[0], len(args)-1)
}

// readFile parses one import file in the given (or detected) format.
func readFile(name string, format datavalue.Format, res datavalue.Resolver, periodID string) (*datavalue.Batch, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if format == "" {
		head, _ := br.Peek(512)
		if format, err = datavalue.Detect(name, head); err != nil {
			return nil, err
		}
	}
	return datavalue.Read(br, name, format, res, periodID)
}

// maxViolationsShown bounds the warnings an import prints; --json has all.
const maxViolationsShown = 20

// printViolations warns, on stderr, of the validation rules the imported
// values break.
func printViolations(g *globals, vs []workflow.Violation) {
	if len(vs) == 0 {
		return
	}
	fmt.Fprintf(g.stderr, "warning: %d validation rule violation(s); fix them before the data are submitted:\n", len(vs))
	for _, v := range vs[:min(len(vs), maxViolationsShown)] {
		fmt.Fprintf(g.stderr, "  %s %s: %s (%s): %s = %s %s %s = %s\n", v.OrgUnit, v.Period, v.Name, v.Rule, v.LeftText, wfNum(v.Left, -1), v.Operator, v.RightText, wfNum(v.Right, -1))
	}
	if len(vs) > maxViolationsShown {
		fmt.Fprintf(g.stderr, "  … and %d more (--json lists them all)\n", len(vs)-maxViolationsShown)
	}
}
