package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
)

func init() {
	extraCommands = append(extraCommands, newReportCmd)
}

func newReportCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write reports: the governor's PDF and a region's XLSX workbook",
	}
	cmd.AddCommand(newReportGovernorCmd(g), newReportXLSXCmd(g))
	return cmd
}

// reportFlags are shared by the report subcommands; --method is accepted
// as a synonym of --methodology, like the other commands spell it.
type reportFlags struct {
	methodology, period, region, out string
}

func (f *reportFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.methodology, "methodology", defaultMethodology, "methodology id")
	cmd.Flags().StringVar(&f.methodology, "method", defaultMethodology, "methodology id (synonym of --methodology)")
	_ = cmd.Flags().MarkHidden("method")
	cmd.Flags().StringVar(&f.period, "period", "", "period id, e.g. 2020 or 2020Q4 (default: the latest computed)")
	cmd.Flags().StringVar(&f.region, "region", "", "region: ISO code (RU-TUL), ОКАТО or name")
	cmd.Flags().StringVar(&f.out, "out", "", "output file")
}

// result loads the stored result the flags name.
func (f *reportFlags) result(ctx context.Context, c *catalog.Catalog) (*rating.Result, error) {
	rf := resultFlags{method: f.methodology, period: f.period}
	return rf.load(ctx, c)
}

func newReportGovernorCmd(g *globals) *cobra.Command {
	var f reportFlags
	var all bool
	cmd := &cobra.Command{
		Use:   "governor",
		Short: "Governor's report: a two-page PDF in Russian for one region or for all",
		Long: `Writes the governor's report of a region: rank of 85 and in the federal
district, score, grade and change; criteria against the national and district
medians; strengths and weaknesses; the three what-if levers that gain most
places; the district's peer table; methodology version and data date.

With --all, writes one PDF per region, named by ISO code (RU-TUL.pdf), into
the folder --out or, when --out ends in .zip, into a ZIP archive.`,
		Example: `  cifra report governor --region RU-TUL --period 2020 --out tula.pdf
  cifra report governor --all --period 2020 --out reports/
  cifra report governor --all --period 2020 --out reports-2020.zip`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.out == "" {
				return errors.New("--out is required")
			}
			if all == (f.region != "") {
				return errors.New("give either --region or --all")
			}
			ctx := cmd.Context()
			c, st, err := openCatalog(ctx, g)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := f.result(ctx, c)
			if err != nil {
				return err
			}
			if !all {
				gov, err := report.NewGovernor(res, c.Hierarchy(), f.region)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if err := report.WriteGovernorPDF(&buf, gov); err != nil {
					return err
				}
				return writeFileAtomic(f.out, buf.Bytes())
			}
			return writeAllGovernors(ctx, g, c, res, f.out)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "one report per region into the folder or .zip given by --out")
	return cmd
}

// writeAllGovernors renders every region's report into a folder or a ZIP
// archive, showing progress on a terminal. Reports are rendered by a few
// workers (each is independent: what-if re-runs copy the data they change)
// and written in rank order.
func writeAllGovernors(ctx context.Context, g *globals, c *catalog.Catalog, res *rating.Result, out string) error {
	start := time.Now()
	h := c.Hierarchy()
	var codes []string
	for _, row := range res.Sorted() {
		codes = append(codes, row.Code)
	}
	asZip := strings.EqualFold(filepath.Ext(out), ".zip")
	var zbuf bytes.Buffer
	var zw *zip.Writer
	if asZip {
		zw = zip.NewWriter(&zbuf)
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type rendered struct {
		name string
		pdf  []byte
		err  error
	}
	slots := make([]chan rendered, len(codes))
	for i := range slots {
		slots[i] = make(chan rendered, 1)
	}
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range codes {
			jobs <- i
		}
	}()
	for range min(runtime.GOMAXPROCS(0), 4) {
		go func() {
			for i := range jobs {
				if err := ctx.Err(); err != nil {
					slots[i] <- rendered{err: err}
					continue
				}
				gov, err := report.NewGovernor(res, h, codes[i])
				if err != nil {
					slots[i] <- rendered{err: err}
					continue
				}
				name := gov.Region.Code
				if gov.Region.ISO != "" {
					name = gov.Region.ISO
				}
				var buf bytes.Buffer
				err = report.WriteGovernorPDF(&buf, gov)
				slots[i] <- rendered{name: name + ".pdf", pdf: buf.Bytes(), err: err}
			}
		}()
	}
	tick, finish := progress(g.stderr, "отчёты")
	var once sync.Once
	done := func() { once.Do(finish) }
	defer done()
	for i := range codes {
		r := <-slots[i]
		if r.err != nil {
			return r.err
		}
		if asZip {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: r.name, Method: zip.Deflate, Modified: res.ComputedAt})
			if err != nil {
				return fmt.Errorf("zip %s: %w", r.name, err)
			}
			if _, err := fw.Write(r.pdf); err != nil {
				return fmt.Errorf("zip %s: %w", r.name, err)
			}
		} else if err := os.WriteFile(filepath.Join(out, r.name), r.pdf, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", r.name, err)
		}
		tick(i+1, len(codes))
	}
	if asZip {
		if err := zw.Close(); err != nil {
			return fmt.Errorf("zip %s: %w", out, err)
		}
		if err := writeFileAtomic(out, zbuf.Bytes()); err != nil {
			return err
		}
	}
	done()
	g.log.Debug("governor reports written", "count", len(codes), "out", out, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

func newReportXLSXCmd(g *globals) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:     "xlsx",
		Short:   "A region's workbook: league table, the region's data and indicator values, explanation tables",
		Example: `  cifra report xlsx --region RU-TUL --period 2020 --out tula-2020.xlsx`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.out == "" || f.region == "" {
				return errors.New("--region and --out are required")
			}
			ctx := cmd.Context()
			c, st, err := openCatalog(ctx, g)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := f.result(ctx, c)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := report.WriteRegionXLSX(&buf, res, c.Hierarchy(), f.region); err != nil {
				return err
			}
			return writeFileAtomic(f.out, buf.Bytes())
		},
	}
	f.register(cmd)
	return cmd
}

// writeFileAtomic writes through a temporary file in the same folder, so a
// failed or interrupted run never leaves half a report behind.
func writeFileAtomic(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
