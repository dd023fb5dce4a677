package dhis2

import (
	"context"
	"fmt"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

// Options are what Build needs beside the query and the source.
type Options struct {
	Hierarchy *orgunit.Hierarchy
	// Today decides relative periods when the query gives no
	// relativePeriodDate: its calendar date in its own location counts, so
	// pass the time in Europe/Moscow (or the unit's zone).
	Today  time.Time
	Limits Limits
}

// axisItems is one resolved dimension: output ids in order, and for each a
// metaData entry.
type axisItems struct {
	dim    string
	filter bool
	ids    []string // Cifra ids (codes, period ids)
}

// Build answers q from src. Missing dimensions get defaults: every indicator,
// the latest period with values and the source's default units. Errors in
// the query are *ParamError; others come from the source.
func Build(ctx context.Context, q Query, src Source, opt Options) (*Response, error) {
	if opt.Hierarchy == nil {
		return nil, fmt.Errorf("dhis2 build: no hierarchy")
	}
	items := src.Items()
	byID := make(map[string]Item, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	meta := &MetaData{Items: map[string]MetaItem{}, Dimensions: map[string][]string{"co": {}}}
	name := func(full, short string) string {
		if q.DisplayProperty == DisplayShortName && short != "" {
			return short
		}
		return full
	}
	// out maps a Cifra id to the id the answer shows.
	outIDs := map[string]map[string]string{DimData: {}, DimPeriod: {}, DimUnit: {}}
	out := func(dim, id string) string {
		if o, ok := outIDs[dim][id]; ok {
			return o
		}
		return id
	}
	setItem := func(dim, id string, it MetaItem) {
		key := id
		if q.OutputIDScheme == SchemeName {
			key = it.Name
		}
		outIDs[dim][id] = key
		meta.Items[key] = it
	}

	axes, err := withDefaults(ctx, q, src)
	if err != nil {
		return nil, err
	}
	resolved := make([]axisItems, 0, len(axes))
	var periods []period.Period
	for _, a := range axes {
		r := axisItems{dim: a.Dim, filter: a.Filter}
		switch a.Dim {
		case DimData:
			for _, id := range a.Items {
				it, ok := byID[id]
				if !ok {
					return nil, paramErr(a.Param, "измерение dx: «%s» — не показатель, не узел индекса и не элемент данных методики %s", clip(id), src.Methodology())
				}
				r.ids = append(r.ids, id)
				setItem(DimData, id, dataItem(it, name(it.Name, it.ShortName)))
			}
		case DimPeriod:
			today := opt.Today
			if !q.RelativePeriodDate.IsZero() {
				today = q.RelativePeriodDate
			}
			rp, err := resolvePeriods(a, today)
			if err != nil {
				return nil, err
			}
			for k, n := range rp.relative {
				meta.Items[k] = MetaItem{Name: n}
			}
			periods = rp.periods
			for _, p := range rp.periods {
				r.ids = append(r.ids, p.String())
				setItem(DimPeriod, p.String(), periodItem(p, p.String()))
			}
		case DimUnit:
			ru, err := resolveUnits(a, opt.Hierarchy)
			if err != nil {
				return nil, err
			}
			for k, n := range ru.levels {
				meta.Items[k] = MetaItem{Name: n}
			}
			for k, n := range ru.groups {
				meta.Items[k] = MetaItem{Name: n, DimensionItemType: "ORGANISATION_UNIT_GROUP"}
			}
			for _, u := range ru.units {
				r.ids = append(r.ids, u.Code)
				setItem(DimUnit, u.Code, MetaItem{UID: u.Code, Code: u.Code, Name: name(u.Name, u.ShortName), DimensionItemType: "ORGANISATION_UNIT"})
			}
		}
		if a.Filter && len(r.ids) > 1 {
			// DHIS2 would sum over a filter's items; scores and shares of a
			// rating do not add up, so Cifra asks for one item.
			return nil, paramErr(a.Param, "фильтр по %s должен давать один элемент, а даёт %d: значения рейтинга не суммируются — перенесите %s в dimension", a.Dim, len(r.ids), a.Dim)
		}
		resolved = append(resolved, r)
	}
	cells := 1
	for _, r := range resolved {
		cells *= max(len(r.ids), 1)
		if cells > opt.Limits.Cells {
			return nil, &ParamError{Msg: fmt.Sprintf("запрос охватывает больше %d значений (dx × pe × ou): сузьте измерения", opt.Limits.Cells)}
		}
	}

	resp := &Response{Methodology: src.Methodology(), Rows: [][]string{}}
	for _, r := range resolved {
		if !r.filter {
			resp.Headers = append(resp.Headers, dimHeader(r.dim, dimNames[r.dim]))
		}
		ids := make([]string, len(r.ids))
		for i, id := range r.ids {
			ids[i] = out(r.dim, id)
		}
		meta.Dimensions[r.dim] = ids
		meta.Items[r.dim] = MetaItem{UID: r.dim, Name: dimNames[r.dim], DimensionType: dimTypes[r.dim]}
	}
	resp.Headers = append(resp.Headers, valueHeader)
	resp.Width, resp.HeaderWidth = len(resp.Headers), len(resp.Headers)
	if !q.SkipMeta {
		resp.MetaData = meta
	}
	if q.SkipData {
		return resp, nil
	}

	// Load each period's values once, only for periods that have them.
	have, err := src.Periods(ctx)
	if err != nil {
		return nil, fmt.Errorf("dhis2 build: periods of %s: %w", src.Methodology(), err)
	}
	known := map[period.Period]bool{}
	for _, p := range have {
		known[p] = true
	}
	values := map[string]Values{}
	for _, p := range periods {
		if !known[p] {
			continue
		}
		v, err := src.Values(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("dhis2 build: values of %s %s: %w", src.Methodology(), p, err)
		}
		if v != nil {
			values[p.String()] = v
			resp.Synthetic = resp.Synthetic || v.Synthetic()
		}
	}

	cur := map[string]string{}
	var walk func(i int) error
	walk = func(i int) error {
		if i == len(resolved) {
			vals := values[cur[DimPeriod]]
			if vals == nil {
				return nil
			}
			v, ok := vals.Value(cur[DimData], cur[DimUnit])
			if !ok || !finite(v) {
				return nil
			}
			row := make([]string, 0, resp.Width)
			for _, r := range resolved {
				if !r.filter {
					row = append(row, out(r.dim, cur[r.dim]))
				}
			}
			resp.Rows = append(resp.Rows, append(row, formatValue(v, q.SkipRounding)))
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, id := range resolved[i].ids {
			cur[resolved[i].dim] = id
			if err := walk(i + 1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(0); err != nil {
		return nil, fmt.Errorf("dhis2 build: %w", err)
	}
	resp.Height = len(resp.Rows)
	return resp, nil
}

// withDefaults adds the dimensions a query left out, as columns: dx gets
// every indicator, pe the latest period with values, ou the source's default.
func withDefaults(ctx context.Context, q Query, src Source) ([]Axis, error) {
	axes := append([]Axis(nil), q.Axes...)
	if _, ok := q.Axis(DimData); !ok {
		a := Axis{Dim: DimData, Param: "dx"}
		for _, it := range src.Items() {
			if it.Kind == KindIndicator {
				a.Items = append(a.Items, it.ID)
			}
		}
		axes = append(axes, a)
	}
	if _, ok := q.Axis(DimPeriod); !ok {
		ps, err := src.Periods(ctx)
		if err != nil {
			return nil, fmt.Errorf("dhis2 build: periods of %s: %w", src.Methodology(), err)
		}
		a := Axis{Dim: DimPeriod, Param: "pe"}
		if len(ps) > 0 {
			a.Items = []string{ps[len(ps)-1].String()}
		}
		axes = append(axes, a)
	}
	if _, ok := q.Axis(DimUnit); !ok {
		axes = append(axes, Axis{Dim: DimUnit, Param: "ou", Items: src.DefaultUnits()})
	}
	return axes, nil
}

func dataItem(it Item, name string) MetaItem {
	kind := string(it.Kind)
	if it.Kind == KindIndexNode {
		kind = string(KindIndicator) // DHIS2 knows no index nodes; they are computed like indicators
	}
	return MetaItem{UID: it.ID, Code: it.ID, Name: name, Description: it.Description,
		DimensionItemType: kind, ValueType: "NUMBER", AggregationType: it.Aggregation}
}
