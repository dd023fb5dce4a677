package main

import (
	"bytes"
	"fmt"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/store"
)

func newExportCmd(g *globals) *cobra.Command {
	var rf resultFlags
	var what, format, out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export results (league tables) or stored data values",
		Example: `  cifra export --what rating --period 2020 --format xlsx --out rating-2020.xlsx
  cifra export --what values --format csv --out values.csv
  cifra export --what values --format json --out values.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, st, err := openCatalog(ctx, g)
			if err != nil {
				return err
			}
			defer st.Close()
			switch what {
			case "rating", "results":
				r, err := rf.load(ctx, c)
				if err != nil {
					return err
				}
				return writeResult(g.stdout, out, format, r, c.Hierarchy())
			case "values":
				var vals []datavalue.Value
				if err := st.EachValue(ctx, store.ValueFilter{}, func(v store.StoredValue) error {
					vals = append(vals, datavalue.Value{DataElement: v.DataElement, Period: v.Period, OrgUnit: v.OrgUnit, Value: v.Value, Comment: v.Comment})
					return nil
				}); err != nil {
					return err
				}
				sort.Slice(vals, func(i, j int) bool {
					a, b := vals[i], vals[j]
					if a.DataElement != b.DataElement {
						return a.DataElement < b.DataElement
					}
					if a.Period != b.Period {
						return a.Period < b.Period
					}
					return a.OrgUnit < b.OrgUnit
				})
				var buf bytes.Buffer
				switch format {
				case "csv":
					err = datavalue.WriteCSV(&buf, vals)
				case "json":
					err = datavalue.WriteDHIS2(&buf, vals)
				default:
					return fmt.Errorf("--format %q: values export as csv or json", format)
				}
				if err != nil {
					return err
				}
				if out == "" {
					_, err = g.stdout.Write(buf.Bytes())
					return err
				}
				return os.WriteFile(out, buf.Bytes(), 0o644)
			default:
				return fmt.Errorf("--what %q: want rating or values", what)
			}
		},
	}
	rf.register(cmd)
	cmd.Flags().StringVar(&what, "what", "rating", "what to export: rating or values")
	cmd.Flags().StringVar(&format, "format", "csv", "csv, json or xlsx")
	cmd.Flags().StringVar(&out, "out", "", "output file (default standard output)")
	return cmd
}
