// Command rating measures the rating engine at the scale issue 2 sets:
// importing 1,000,000 CSV data values, a full recompute over about 10,000
// medical organisations and 20 quarters, and 1,000 Monte Carlo draws over
// the 85 regions. It prints one line per step with its wall time.
//
//	go run ./bench/rating [-dir DIR] [-people-per-mo 14600] [-runs 3]
//
// Every step runs -runs times and reports the fastest and the median, since
// the machine is shared and noisy.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/store"
)

func main() {
	dir := flag.String("dir", "", "working directory (default: a temporary one, removed at the end)")
	peoplePerMO := flag.Int64("people-per-mo", 14600, "one МО per this many residents (14,600 ≈ 10,000 МО)")
	runs := flag.Int("runs", 3, "repetitions of each step")
	flag.Parse()
	if err := run(context.Background(), *dir, *peoplePerMO, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string, peoplePerMO int64, runs int) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "cifra-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	fmt.Printf("go %s, %s/%s, %d CPU\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())

	h, err := orgunit.Reference()
	if err != nil {
		return err
	}
	ms, err := method.Builtin()
	if err != nil {
		return err
	}
	for _, m := range ms {
		// The built-ins start in 2019; the benchmark covers 20 quarters.
		if err := m.SetValidity("2016", m.ValidTo); err != nil {
			return err
		}
	}
	t0 := time.Now()
	d, err := demo.Generate(h, ms, demo.Options{Seed: 1, From: "2016Q1", To: "2020Q4", PeoplePerMO: peoplePerMO})
	if err != nil {
		return err
	}
	fmt.Printf("generated %d МО, %d values in %s\n", len(d.OrgUnits), len(d.Values), time.Since(t0).Round(time.Millisecond))

	// 1. Import of 1,000,000 CSV values: parse, resolve, validate, write
	// atomically with audit — what `cifra import` does — into a fresh
	// database holding the hierarchy.
	const million = 1_000_000
	if len(d.Values) < million {
		return fmt.Errorf("only %d values generated; lower -people-per-mo", len(d.Values))
	}
	csvPath := filepath.Join(dir, "values.csv")
	if err := writeCSV(csvPath, d.Values[:million]); err != nil {
		return err
	}
	var importTimes []time.Duration
	for i := range runs {
		st, cat, err := openBase(ctx, filepath.Join(dir, fmt.Sprintf("import%d.duckdb", i)), d)
		if err != nil {
			return err
		}
		start := time.Now()
		f, err := os.Open(csvPath)
		if err != nil {
			return err
		}
		b, err := datavalue.Read(bufio.NewReaderSize(f, 1<<16), csvPath, datavalue.CSV, cat.Resolver(), "")
		f.Close()
		if err != nil {
			return err
		}
		if err := b.Err(); err != nil {
			return err
		}
		sum, err := st.ImportValues(ctx, b.Values, store.ImportOptions{Source: csvPath, Format: "csv"})
		if err != nil {
			return err
		}
		importTimes = append(importTimes, time.Since(start))
		if sum.Imported != million {
			return fmt.Errorf("imported %d values, want %d", sum.Imported, million)
		}
		st.Close()
	}
	report("import 1,000,000 CSV values (parse+validate+write)", importTimes, 5*time.Second)

	// 2. Full recompute: the engine alone (aggregation, pipeline, ranks for
	// every methodology and period) and through the catalog (load from
	// DuckDB, compute, save).
	st, cat, err := openBase(ctx, filepath.Join(dir, "full.duckdb"), d)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.ImportValues(ctx, d.Values, store.ImportOptions{Source: "bench"}); err != nil {
		return err
	}
	for _, m := range ms {
		if err := cat.Add(ctx, m); err != nil {
			return err
		}
	}
	ids := elementIDs(ms)
	var loadTimes, engineTimes, catalogTimes []time.Duration
	var results int
	for range runs {
		start := time.Now()
		data, err := cat.LoadDataset(ctx, ids)
		if err != nil {
			return err
		}
		loadTimes = append(loadTimes, time.Since(start))
		start = time.Now()
		if results, err = engineRecompute(ctx, cat.Hierarchy(), data, ms); err != nil {
			return err
		}
		engineTimes = append(engineTimes, time.Since(start))
		start = time.Now()
		if _, err := cat.Recompute(ctx, nil); err != nil {
			return err
		}
		catalogTimes = append(catalogTimes, time.Since(start))
	}
	fmt.Printf("full recompute: %d МО, %d data elements, %d values, %d results\n",
		len(d.OrgUnits), len(ids), len(d.Values), results)
	report("recompute, engine (aggregate+pipeline+ranks)", engineTimes, time.Second)
	report("load values from DuckDB", loadTimes, 0)
	report("recompute via catalog (load+compute+save)", catalogTimes, 0)

	// 3. Monte Carlo: 1,000 draws over the 85 regions of the 2020 rating.
	health, ok := cat.Methodology("health-digital-maturity")
	if !ok {
		return fmt.Errorf("health-digital-maturity is not loaded")
	}
	res, err := cat.Result(ctx, health.ID, "2020")
	if err != nil {
		return err
	}
	mc := health.Uncertainty
	opts := index.UncertaintyOptions{Draws: 1000, Seed: 1, WeightJitter: mc.WeightJitter,
		Normalisations: mc.Normalisations, Aggregations: mc.Aggregations, Imputations: mc.Imputations}
	var mcTimes []time.Duration
	for range runs {
		start := time.Now()
		us, err := res.Uncertainty(ctx, opts)
		if err != nil {
			return err
		}
		mcTimes = append(mcTimes, time.Since(start))
		if len(us) != 85 {
			return fmt.Errorf("uncertainty over %d units, want 85", len(us))
		}
	}
	report("Monte Carlo, 1,000 draws × 85 regions", mcTimes, 2*time.Second)
	return nil
}

// openBase makes a database holding the reference hierarchy and the
// generated medical organisations, and a catalog over it.
func openBase(ctx context.Context, path string, d *demo.Data) (*store.Store, *catalog.Catalog, error) {
	st, err := store.Open(ctx, path, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := st.SaveGroups(ctx, d.Groups); err != nil {
		return nil, nil, err
	}
	if err := st.SaveOrgUnits(ctx, d.OrgUnits); err != nil {
		return nil, nil, err
	}
	cat, err := catalog.Open(ctx, st, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, nil, err
	}
	return st, cat, nil
}

func engineRecompute(ctx context.Context, h *orgunit.Hierarchy, data *rating.Dataset, ms []*method.Methodology) (int, error) {
	eng := &rating.Engine{Universe: rating.NewUniverse(h), Data: data, Methods: map[string]*method.Methodology{}}
	for _, m := range ms {
		eng.Methods[m.ID] = m
	}
	n := 0
	for _, m := range ms {
		for _, t := range m.PeriodTypes {
			for _, p := range data.PeriodsOf(t) {
				if !m.AppliesTo(p) {
					continue
				}
				if _, err := eng.Compute(ctx, m, p); err != nil {
					return n, fmt.Errorf("%s %s: %w", m.ID, p, err)
				}
				n++
			}
		}
	}
	return n, nil
}

func elementIDs(ms []*method.Methodology) []string {
	var ids []string
	for _, m := range ms {
		for _, de := range m.DataElements {
			if !slices.Contains(ids, de.ID) {
				ids = append(ids, de.ID)
			}
		}
	}
	return ids
}

func writeCSV(path string, vals []datavalue.Value) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := datavalue.WriteCSV(w, vals); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func report(name string, ds []time.Duration, limit time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	line := fmt.Sprintf("%-55s min %8s  median %8s", name, s[0].Round(time.Millisecond), s[len(s)/2].Round(time.Millisecond))
	if limit > 0 {
		verdict := "within"
		if s[len(s)/2] > limit {
			verdict = "OVER"
		}
		line += fmt.Sprintf("  (limit %s: %s)", limit, verdict)
	}
	fmt.Println(line)
}
