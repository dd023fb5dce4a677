package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/rating"
)

// StageFiles are the files WriteStages writes, in pipeline order.
func StageFiles() []string {
	return []string{"raw.csv", "denominated.csv", "imputed.csv", "treated.csv", "normalised.csv", "aggregated.csv", "treatment.csv"}
}

// WriteStages writes every intermediate dataset of a computed result into
// dir, one wide CSV per stage (code, name, then one column per indicator):
// the raw indicator values, after denomination, imputation (cells filled
// by imputation listed in imputed.csv's imputed column), outlier treatment
// and normalisation; aggregated.csv holds every tree node's score;
// treatment.csv the outlier treatment of each indicator. Numbers are
// written with full precision ('g', shortest round-trip), an empty cell is
// a missing value, so the stages compare exactly with another
// implementation's. Each file is written to a temporary name and renamed,
// so a failure leaves no half-written file.
func WriteStages(dir string, r *rating.Result) error {
	res := r.Index()
	if res == nil {
		return errors.New("stages: the result has not been run")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("stages: %w", err)
	}
	ind := func(f func(ir *index.IndicatorResult) []float64) [][]string {
		head := []string{"code", "name"}
		for _, ir := range res.Indicators {
			head = append(head, ir.ID)
		}
		out := [][]string{head}
		for u, unit := range res.Units {
			rec := []string{unit.ID, unit.Name}
			for i := range res.Indicators {
				rec = append(rec, full(f(&res.Indicators[i])[u]))
			}
			out = append(out, rec)
		}
		return out
	}
	imputed := ind(func(ir *index.IndicatorResult) []float64 { return ir.Imputed })
	imputed[0] = append(imputed[0], "imputed")
	for u := range res.Units {
		var cells []byte
		for _, ir := range res.Indicators {
			if ir.WasImputed[u] {
				if len(cells) > 0 {
					cells = append(cells, ' ')
				}
				cells = append(cells, ir.ID...)
			}
		}
		imputed[u+1] = append(imputed[u+1], string(cells))
	}
	agg := [][]string{append([]string{"code", "name", "screened"}, res.NodeOrder...)}
	for u, unit := range res.Units {
		rec := []string{unit.ID, unit.Name, strconv.FormatBool(res.Screened[u])}
		for _, id := range res.NodeOrder {
			rec = append(rec, full(res.Nodes[id].Score[u]))
		}
		agg = append(agg, rec)
	}
	treat := [][]string{{"indicator", "skew_before", "kurt_before", "skew_after", "kurt_after", "winsorised", "winsor_low", "winsor_high", "transform", "treated", "constant"}}
	for _, ir := range res.Indicators {
		tr := ir.Treatment
		treat = append(treat, []string{ir.ID, full(tr.SkewBefore), full(tr.KurtBefore), full(tr.SkewAfter), full(tr.KurtAfter),
			strconv.Itoa(len(tr.Winsorised)), full(tr.WinsorLow), full(tr.WinsorHigh), string(tr.Transform),
			strconv.FormatBool(tr.Treated), strconv.FormatBool(ir.Constant)})
	}
	tables := [][][]string{
		ind(func(ir *index.IndicatorResult) []float64 { return ir.Raw }),
		ind(func(ir *index.IndicatorResult) []float64 { return ir.Denominated }),
		imputed,
		ind(func(ir *index.IndicatorResult) []float64 { return ir.Treated }),
		ind(func(ir *index.IndicatorResult) []float64 { return ir.Normalised }),
		agg,
		treat,
	}
	for k, name := range StageFiles() {
		if err := writeCSVFile(filepath.Join(dir, name), tables[k]); err != nil {
			return fmt.Errorf("stages: %w", err)
		}
	}
	return nil
}

// full formats a value exactly; "" for a missing one.
func full(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func writeCSVFile(path string, recs [][]string) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(recs); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
