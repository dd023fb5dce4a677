package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/web/view"
)

// ratingRow is a league-table line as the rating page shows it.
type ratingRow struct {
	report.LeagueRow
	ISO          string
	DistrictCode string
	Scores       []rating.Num // criteria in column order
}

// column is a sortable header of the league table.
type column struct {
	Key, Label, Title string
	Numeric           bool
	Href              template.URL
	Sorted            string // "ascending", "descending" or ""
}

type ratingView struct {
	view.Layout
	Name          string
	Methodologies []view.Option
	Periods       []view.Option
	Districts     []view.Option
	District      string
	Q             string
	Sort, Dir     string
	Columns       []column
	Criteria      []rating.NodeRef
	Rows          []ratingRow
	Total         int
	Leaders       []ratingRow
	Laggards      []ratingRow
}

// home is the rating page: the national league table with sorting,
// filters and a period selector, all by plain GET parameters so that it
// works without JavaScript.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	res := s.pageResult(w, r)
	if res == nil {
		return
	}
	key := s.pageKey(r)
	if s.servePage(w, key) {
		return
	}
	d := s.derive(r.Context(), res)
	q := r.URL.Query()
	v := ratingView{Layout: s.pageLayout(r.Context(), "Рейтинг цифровой зрелости", "rating", res), Name: res.Name, Criteria: d.criteria,
		District: strings.ToUpper(q.Get("district")), Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Dir: q.Get("dir")}
	var err error
	if v.Periods, err = s.periodOptions(r.Context(), res); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Methodologies = s.methodologyOptions(res.Methodology)
	v.Districts = s.districtOptions(v.District)
	needle := strings.ToLower(v.Q)
	for _, lr := range d.league {
		row := ratingRow{LeagueRow: lr, ISO: d.iso[lr.Code], DistrictCode: d.district[lr.Code]}
		for _, c := range d.criteria {
			row.Scores = append(row.Scores, lr.Criteria[c.ID])
		}
		if lr.Leader {
			v.Leaders = append(v.Leaders, row)
		}
		if lr.Laggard {
			v.Laggards = append(v.Laggards, row)
		}
		if v.District != "" && row.DistrictCode != v.District {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(lr.Name), needle) {
			continue
		}
		v.Rows = append(v.Rows, row)
	}
	v.Total = len(d.league)
	if v.Dir != "desc" {
		v.Dir = "asc"
	}
	sortRatingRows(v.Rows, d.criteria, v.Sort, v.Dir == "desc")
	cols := []column{{Key: "rank", Label: "Место", Numeric: true}, {Key: "name", Label: "Субъект РФ"}, {Key: "district", Label: "ФО", Title: "Федеральный округ"},
		{Key: "score", Label: "Балл", Numeric: true}, {Key: "grade", Label: "Уровень"}, {Key: "change", Label: "Изменение", Title: "Изменение места с прошлого периода", Numeric: true}}
	for _, c := range d.criteria {
		cols = append(cols, column{Key: "c:" + c.ID, Label: c.Name, Numeric: true})
	}
	cur := v.Sort
	if cur == "" {
		cur = "rank"
	}
	for i := range cols {
		c := &cols[i]
		dir := "asc"
		if c.Key == cur {
			c.Sorted = map[string]string{"asc": "ascending", "desc": "descending"}[v.Dir]
			if v.Dir == "asc" {
				dir = "desc"
			}
		} else if c.Numeric && c.Key != "rank" {
			dir = "desc" // a score column is first wanted best-first
		}
		c.Href = template.URL("?" + withParams(q, "sort", c.Key, "dir", dir))
	}
	v.Columns = cols
	s.renderCached(w, r, key, "rating", v)
}

// withParams copies q with the given key/value pairs set.
func withParams(q url.Values, kv ...string) string {
	out := url.Values{}
	for k, vs := range q {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out.Encode()
}

// sortRatingRows orders rows by key; unranked rows and missing values stay
// last in either direction, and ties fall back to rank.
func sortRatingRows(rows []ratingRow, criteria []rating.NodeRef, key string, desc bool) {
	num := func(n rating.Num) (float64, bool) { return float64(n), n.Valid() }
	slices.SortStableFunc(rows, func(a, b ratingRow) int {
		var c int
		switch {
		case key == "name":
			c = strings.Compare(a.Name, b.Name)
		case key == "district":
			c = strings.Compare(a.District, b.District)
		case key == "score" || key == "grade" || strings.HasPrefix(key, "c:"):
			x, y := a.Score, b.Score
			if id, ok := strings.CutPrefix(key, "c:"); ok {
				x, y = a.Criteria[id], b.Criteria[id]
			}
			xv, xok := num(x)
			yv, yok := num(y)
			if xok != yok {
				if xok {
					return -1
				}
				return 1
			}
			c = cmp.Compare(xv, yv)
			if key == "grade" {
				c = -c // grade A (highest score) first when ascending
			}
		case key == "change":
			if (a.PrevRank == 0) != (b.PrevRank == 0) {
				if a.PrevRank != 0 {
					return -1
				}
				return 1
			}
			c = cmp.Compare(a.RankChange, b.RankChange)
		default: // rank
			if (a.Rank == 0) != (b.Rank == 0) {
				if a.Rank != 0 {
					return -1
				}
				return 1
			}
			c = cmp.Compare(a.Rank, b.Rank)
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.Rank, b.Rank)
		}
		return c
	})
}
