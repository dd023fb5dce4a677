package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/stats"
	"github.com/cifra-health/cifra/internal/web/cache"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageFuncs are the functions the page templates call.
func pageFuncs() template.FuncMap {
	return template.FuncMap{
		"num":    func(n rating.Num, prec int) string { return rufmt.Number(float64(n), prec) },
		"fnum":   rufmt.Number,
		"arrow":  report.Arrow,
		"plural": rufmt.Count,
		"inum":   rufmt.Int,
		"add":    func(a, b int) int { return a + b },
		"sub":    func(a, b int) int { return a - b },
		"date":   rufmt.Date,
		"plabel": periodLabel,
		"pct":    func(f float64) string { return rufmt.Percent(f, 1) },
		"indent": func(d int) template.CSS { return template.CSS(fmt.Sprintf("padding-left:%.1frem", 0.4+1.4*float64(d))) },
		"short":  func(s string) string { return strings.TrimSuffix(s, " федеральный округ") },
		"changeClass": func(change, prev int) string {
			switch {
			case prev == 0:
				return "new"
			case change > 0:
				return "up"
			case change < 0:
				return "down"
			}
			return "same"
		},
	}
}

// mustParsePages parses one template set per page, each with the shared
// layout.
func mustParsePages() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(pageFuncs()).ParseFS(templateFS, "templates/layout.html", n))
		out[base] = t
	}
	return out
}

func periodLabel(id string) string {
	p, err := period.Parse(id)
	if err != nil {
		return id
	}
	return p.Label()
}

// shortPeriod is a compact Russian label for chart axes: "2019",
// "I кв. 2019", "03.2019"; other types use the full label.
func shortPeriod(id string) string {
	p, err := period.Parse(id)
	if err != nil {
		return id
	}
	switch p.Type() {
	case period.Yearly:
		return strconv.Itoa(p.Year())
	case period.Quarterly:
		return [...]string{"", "I", "II", "III", "IV"}[p.Quarter()] + " кв. " + strconv.Itoa(p.Year())
	case period.Monthly:
		return fmt.Sprintf("%02d.%d", p.Month(), p.Year())
	}
	return p.Label()
}

// Layout is what the shared layout template needs from every page.
type Layout struct {
	Title       string
	Active      string // nav item
	Methodology string
	Period      string
	PeriodLabel string
	Version     string
	Synthetic   bool
	Note        string
	Acceptance  string // the rating rests on data not all accepted (acceptanceNote)
	ComputedAt  time.Time
	Query       template.URL // "?methodology=…&period=…" to keep the choice across pages
}

func layoutOf(title, active string, res *rating.Result) Layout {
	l := Layout{Title: title, Active: active}
	if res == nil {
		return l
	}
	l.Methodology, l.Period, l.PeriodLabel, l.Version, l.Synthetic, l.ComputedAt = res.Methodology, res.Period, res.PeriodLabel, res.Version, res.Synthetic, res.ComputedAt
	if res.Synthetic {
		l.Note = report.SyntheticNote
	}
	v := url.Values{}
	if res.Methodology != DefaultMethodology {
		v.Set("methodology", res.Methodology)
	}
	v.Set("period", res.Period)
	l.Query = template.URL("?" + v.Encode())
	return l
}

// pageLayout is layoutOf with the note on a rating whose data are not all
// accepted yet (acceptanceNote).
func (s *Server) pageLayout(ctx context.Context, title, active string, res *rating.Result) Layout {
	l := layoutOf(title, active, res)
	if res == nil {
		return l
	}
	// Every page of a period shares it.
	v, err := s.cached(ctx, "accept", res.Methodology+"/"+res.Period, 256, func() (any, error) { return s.acceptanceNote(ctx, res) })
	if err != nil {
		s.log.Warn("acceptance note", "methodology", res.Methodology, "period", res.Period, "err", err)
		return l
	}
	l.Acceptance = v.(string)
	return l
}

// render executes a page template into memory first, so that a template
// failure still gets a proper error status, then writes it.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	s.renderCached(w, r, cache.Key{}, name, data)
}

// renderCached is render that also keeps the page under key (the zero Key:
// do not keep) for servePage.
func (s *Server) renderCached(w http.ResponseWriter, r *http.Request, key cache.Key, name string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.fail(w, r, fmt.Errorf("no template %q", name))
		return
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		s.fail(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	if key != (cache.Key{}) {
		s.cache.Put(key, b.Bytes(), int64(b.Len()))
	}
	writePage(w, b.Bytes())
}

func writePage(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(body)
}

// pageKey names a rendered page: the request's path and canonical query
// at the request's data generation. A page is the same for every caller
// (the public pages show nothing that depends on who asks).
func (s *Server) pageKey(r *http.Request) cache.Key {
	return s.key(r.Context(), "page", r.URL.Path+"?"+r.URL.Query().Encode())
}

// servePage writes a kept page and reports whether there was one.
func (s *Server) servePage(w http.ResponseWriter, key cache.Key) bool {
	body, ok := s.cache.Get(key)
	if ok {
		writePage(w, body.([]byte))
	}
	return ok
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// cachedPeriods lists a methodology's result periods, cached per data
// generation.
func (s *Server) cachedPeriods(ctx context.Context, id string) ([]string, error) {
	v, err := s.cached(ctx, "periods", id, 1<<10, func() (any, error) {
		return s.cat.Periods(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	return v.([]string), nil
}

// pageResult is s.result with the period list cached.
func (s *Server) pageResult(w http.ResponseWriter, r *http.Request) *rating.Result {
	return s.resultWith(w, r, s.cachedPeriods)
}

// regionOf resolves {code} (ISO, code or OKATO) to a rated unit, writing a
// 404 problem otherwise.
func (s *Server) regionOf(w http.ResponseWriter, r *http.Request, res *rating.Result) (*orgunit.Unit, int) {
	return s.unit(w, r, res)
}

func isoOf(u *orgunit.Unit) string {
	if u.ISO != "" {
		return u.ISO
	}
	return u.Code
}

// medianOf is the median of the valid numbers.
func medianOf(xs []rating.Num) float64 {
	var fs []float64
	for _, x := range xs {
		if x.Valid() {
			fs = append(fs, float64(x))
		}
	}
	return stats.Median(fs)
}
