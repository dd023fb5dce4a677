package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/web/response"
)

// AnalyticsJSON answers /api/v1/analytics in the spirit of DHIS2: one row per
// data item (dx), period (pe) and organisation unit (ou).
type AnalyticsJSON struct {
	Methodology string          `json:"methodology"`
	Synthetic   bool            `json:"synthetic"`
	Headers     []string        `json:"headers"`
	Rows        [][]interface{} `json:"rows"`
}

// analytics serves dx (indicator, tree-node or data-element ids), pe
// (periods) and ou (unit codes, "LEVEL-region", or "CHILDREN-<code>"), each
// separated by ';'. Missing parameters mean every item, the latest period and
// every rated unit. Go's query parser drops raw ';', so clients send it
// encoded (%3B) or use ','.
func (s *Server) analytics(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("methodology")
	if id == "" {
		id = DefaultMethodology
	}
	if _, ok := s.cat.Methodology(id); !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown methodology %q", id))
		return
	}
	periods := split(q.Get("pe"))
	if len(periods) == 0 {
		ps, err := s.cat.Periods(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(ps) == 0 {
			response.Error(w, r, http.StatusNotFound, "no computed results")
			return
		}
		periods = ps[len(ps)-1:]
	}
	out := AnalyticsJSON{Methodology: id, Headers: []string{"dx", "pe", "ou", "value"}, Rows: [][]interface{}{}}
	for _, p := range periods {
		res, err := s.cat.Result(r.Context(), id, p)
		if errors.Is(err, catalog.ErrNoResult) {
			response.Error(w, r, http.StatusNotFound, err.Error())
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Synthetic = out.Synthetic || res.Synthetic
		units, err := s.analyticsUnits(res, split(q.Get("ou")))
		if err != nil {
			response.Error(w, r, http.StatusBadRequest, err.Error())
			return
		}
		items := split(q.Get("dx"))
		if len(items) == 0 {
			for _, ind := range res.Indicators {
				items = append(items, ind.ID)
			}
		}
		for _, dx := range items {
			series, ok := seriesOf(res, dx)
			if !ok {
				response.Error(w, r, http.StatusBadRequest, fmt.Sprintf("dx %q is neither an indicator, a tree node nor a data element of %s", dx, id))
				return
			}
			for _, ui := range units {
				if v := series(ui); v.Valid() {
					out.Rows = append(out.Rows, []interface{}{dx, p, res.Units[ui].Code, float64(v)})
				}
			}
		}
	}
	response.JSON(w, out)
}

// seriesOf finds dx among a result's indicators, nodes and data elements.
func seriesOf(res *rating.Result, dx string) (func(int) rating.Num, bool) {
	for i, ind := range res.Indicators {
		if ind.ID == dx {
			return func(u int) rating.Num { return res.Values[i][u] }, true
		}
	}
	for _, n := range res.Nodes {
		if n.ID == dx {
			return func(u int) rating.Num { return res.Rows[u].Scores[dx] }, true
		}
	}
	for i, el := range res.Elements {
		if el.ID == dx {
			return func(u int) rating.Num { return res.ElementValues[i][u] }, true
		}
	}
	return nil, false
}

// analyticsUnits resolves ou selectors to indexes of rated units.
func (s *Server) analyticsUnits(res *rating.Result, sel []string) ([]int, error) {
	h := s.cat.Hierarchy()
	if len(sel) == 0 {
		sel = []string{"LEVEL-" + res.Level}
	}
	var out []int
	seen := map[int]bool{}
	add := func(i int) {
		if i >= 0 && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	for _, s := range sel {
		switch {
		case strings.HasPrefix(s, "LEVEL-"):
			if strings.TrimPrefix(s, "LEVEL-") != res.Level {
				return nil, fmt.Errorf("ou %q: only level %s is rated", s, res.Level)
			}
			for i := range res.Units {
				add(i)
			}
		case strings.HasPrefix(s, "CHILDREN-"):
			p, ok := h.Lookup(strings.TrimPrefix(s, "CHILDREN-"))
			if !ok {
				return nil, fmt.Errorf("ou %q: unknown organisation unit", s)
			}
			for i, u := range res.Units {
				if u.Code != p.Code && h.IsDescendant(u.Code, p.Code) {
					add(i)
				}
			}
		default:
			u, ok := h.Lookup(s)
			if !ok {
				return nil, fmt.Errorf("ou %q: unknown organisation unit", s)
			}
			i := res.UnitIndex(u.Code)
			if i < 0 {
				return nil, fmt.Errorf("ou %q is not rated by %s", s, res.Methodology)
			}
			add(i)
		}
	}
	return out, nil
}

// split cuts a list on ';' (DHIS2 style, sent encoded as %3B) or ','.
func split(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
