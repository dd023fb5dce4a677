package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
)

func newMethodologyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "methodology",
		Aliases: []string{"method"},
		Short:   "List, show and check methodologies",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the methodologies and their stored versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, st, err := openCatalog(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			tw := tabwriter.NewWriter(g.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "id\tверсия\tназвание\tпериоды\t")
			for _, m := range c.Methodologies() {
				var ts []string
				for _, t := range m.PeriodTypes {
					ts = append(ts, t.String())
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", m.ID, m.Version, m.Name, strings.Join(ts, ", "))
			}
			return tw.Flush()
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "check FILE...",
		Short: "Validate methodology files and print their tree",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, name := range args {
				m, err := method.Load(name)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "%s: %s %s — %d data elements, %d indicators\n", name, m.ID, m.Version, len(m.DataElements), len(m.Indicators))
				printTree(g, m, m.Tree, 0)
			}
			return nil
		},
	})
	return cmd
}

func printTree(g *globals, m *method.Methodology, n *index.Node, depth int) {
	pad := strings.Repeat("  ", depth)
	if n.Indicator != "" {
		formula := ""
		if ind, ok := m.Indicator(n.Indicator); ok {
			formula = ind.Numerator.String()
			if ind.Denominator != nil {
				formula += " / (" + ind.Denominator.String() + ")"
			}
		}
		fmt.Fprintf(g.stdout, "%s- %s [вес %g]: %s\n", pad, n.Name, n.Weight, formula)
		return
	}
	fmt.Fprintf(g.stdout, "%s+ %s [вес %g]\n", pad, n.Name, n.Weight)
	for _, c := range n.Children {
		printTree(g, m, c, depth+1)
	}
}
