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
	"sync"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/stats"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one template set per page, each with the shared layout.
var pages = mustParsePages()

var funcs = template.FuncMap{
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
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
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
	// Kept per workflow generation: every page of a period shares it, and
	// only an approval step changes it.
	v, err := storeCache.get(fmt.Sprintf("%p/accept/%s/%s/%d", s, res.Methodology, res.Period, s.cat.Generation()), time.Minute,
		func() (any, error) { return s.acceptanceNote(ctx, res) })
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
	s.renderCached(w, r, "", name, data)
}

// renderCached is render that also keeps the page under key ("" = do not
// keep) for servePage.
func (s *Server) renderCached(w http.ResponseWriter, r *http.Request, key, name string, data any) {
	t, ok := pages[name]
	if !ok {
		s.fail(w, r, fmt.Errorf("no template %q", name))
		return
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		s.fail(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	if key != "" {
		renderedPages.put(key, b.Bytes())
	}
	writePage(w, b.Bytes())
}

func writePage(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(body)
}

// pageKey names a rendered page: the objects it was built from (their
// addresses change whenever the data are recomputed or reloaded) and the
// request's path and canonical query.
func (s *Server) pageKey(r *http.Request, from ...any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "w%d|", s.cat.Generation())
	for _, f := range from {
		fmt.Fprintf(&b, "%p|", f)
	}
	b.WriteString(r.URL.Path)
	b.WriteString("?")
	b.WriteString(r.URL.Query().Encode())
	return b.String()
}

// servePage writes a kept page and reports whether there was one.
func servePage(w http.ResponseWriter, key string) bool {
	body, ok := renderedPages.get(key)
	if ok {
		writePage(w, body)
	}
	return ok
}

// pageCache keeps rendered pages. The same few pages are asked for again and
// again while the data stay the same, so rendering once makes the server
// time independent of the page's size. It is bounded because query strings
// come from users; when full it starts over, which is simple and enough.
type pageCache struct {
	mu    sync.RWMutex
	m     map[string][]byte
	bytes int
}

const maxPageCacheBytes = 64 << 20

var renderedPages = &pageCache{m: map[string][]byte{}}

func (c *pageCache) get(key string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	b, ok := c.m[key]
	return b, ok
}

func (c *pageCache) put(key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+len(body) > maxPageCacheBytes || len(c.m) >= 4096 {
		c.m, c.bytes = map[string][]byte{}, 0
	}
	if old, ok := c.m[key]; ok {
		c.bytes -= len(old)
	}
	c.m[key] = body
	c.bytes += len(body)
}

// pageRoutes registers the Russian pages and their assets.
func (s *Server) pageRoutes() {
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(static)
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(24*time.Hour, files)))
	s.mux.HandleFunc("GET /map", s.mapPage)
	s.mux.HandleFunc("GET /regions/{code}", s.regionPage)
	s.mux.HandleFunc("GET /regions/{code}/explain", s.explainPage)
	s.mux.HandleFunc("GET /indicators/{id}", s.indicatorPage)
	s.mux.HandleFunc("GET /methodologies/{id}", s.methodologyPage)
	s.mux.HandleFunc("GET /completeness", s.completenessPage)
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// ttlCache keeps values that come from the store for a short time: pages
// are read far more often than data change, and a stale list for a few
// seconds after an import is harmless. Only one caller loads a key at a
// time; while it does, the others get the stale value (or wait for the
// first one), so that an expiry under load is one query, not a hundred.
type ttlCache struct {
	mu sync.Mutex
	m  map[string]*ttlEntry
}

type ttlEntry struct {
	v       any
	ok      bool
	exp     time.Time
	loading chan struct{} // non-nil while a caller loads
}

var storeCache = &ttlCache{m: map[string]*ttlEntry{}}

func (c *ttlCache) get(key string, ttl time.Duration, load func() (any, error)) (any, error) {
	for {
		c.mu.Lock()
		e := c.m[key]
		if e == nil {
			if len(c.m) > 1024 {
				clear(c.m)
			}
			e = &ttlEntry{}
			c.m[key] = e
		}
		if e.ok && time.Now().Before(e.exp) {
			c.mu.Unlock()
			return e.v, nil
		}
		if e.loading != nil {
			if e.ok {
				v := e.v
				c.mu.Unlock()
				return v, nil // stale while another caller refreshes
			}
			ch := e.loading
			c.mu.Unlock()
			<-ch
			continue
		}
		ch := make(chan struct{})
		e.loading = ch
		c.mu.Unlock()

		v, err := load()
		c.mu.Lock()
		if err == nil {
			e.v, e.ok, e.exp = v, true, time.Now().Add(ttl)
		}
		e.loading = nil
		c.mu.Unlock()
		close(ch)
		return v, err
	}
}

// cachedPeriods lists a methodology's result periods, cached per server for
// a few seconds.
func (s *Server) cachedPeriods(ctx context.Context, id string) ([]string, error) {
	v, err := storeCache.get(fmt.Sprintf("%p/periods/%s", s, id), 5*time.Second, func() (any, error) {
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

// derived holds what pages compute from one result, so that each request
// only filters and renders. Results are immutable once loaded, and a
// recomputation yields a new *rating.Result, so the pointer is the key.
type derived struct {
	league   []report.LeagueRow
	criteria []rating.NodeRef
	byCode   map[string]int // unit code → league index
	district map[string]string
	iso      map[string]string // unit code → ISO code

	mu    sync.Mutex
	cards map[string]*ScorecardJSON
	// warm is closed when the background uncertainty run has finished, so
	// that a region card waits for it instead of running it a second time.
	warm chan struct{}
}

var (
	derivedMu    sync.Mutex
	derivedCache = map[*rating.Result]*derived{}
)

func (s *Server) derive(res *rating.Result) *derived {
	derivedMu.Lock()
	defer derivedMu.Unlock()
	if d, ok := derivedCache[res]; ok {
		return d
	}
	h := s.cat.Hierarchy()
	d := &derived{league: report.League(res, h), byCode: map[string]int{}, district: map[string]string{}, iso: map[string]string{}, cards: map[string]*ScorecardJSON{}, warm: make(chan struct{})}
	for _, n := range res.Nodes {
		if n.Depth == 1 {
			d.criteria = append(d.criteria, n)
		}
	}
	for i, row := range d.league {
		d.byCode[row.Code] = i
		d.district[row.Code] = districtCode(h, row.Code)
		d.iso[row.Code] = row.ISOCode
		if row.ISOCode == "" {
			d.iso[row.Code] = row.Code
		}
	}
	// Old results are dropped once many accumulate; they would only be
	// recomputed.
	if len(derivedCache) > 256 {
		clear(derivedCache)
	}
	derivedCache[res] = d
	// Region cards need the Monte Carlo rank intervals, the slowest thing
	// a page shows; start it now, while the user reads the league table.
	go func() {
		defer close(d.warm)
		if _, err := s.uncertaintyFor(context.Background(), res, 0, 1); err != nil {
			s.log.Warn("uncertainty warm-up", "methodology", res.Methodology, "period", res.Period, "err", err)
		}
	}()
	return d
}

// scorecard builds (once per result and unit) the region card's data with
// the API's own code, so the page and /api/v1/…/scorecard agree.
func (s *Server) cachedScorecard(ctx context.Context, res *rating.Result, u *orgunit.Unit, ui int) (*ScorecardJSON, error) {
	d := s.derive(res)
	d.mu.Lock()
	sc, ok := d.cards[u.Code]
	d.mu.Unlock()
	if ok {
		return sc, nil
	}
	select {
	case <-d.warm:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sc, err := s.buildScorecard(ctx, res, u, ui)
	if err != nil {
		return nil, fmt.Errorf("scorecard %s: %w", u.Code, err)
	}
	d.mu.Lock()
	d.cards[u.Code] = sc
	d.mu.Unlock()
	return sc, nil
}

// Option is an item of a <select>.
type Option struct {
	Value, Label string
	Selected     bool
}

func (s *Server) periodOptions(ctx context.Context, res *rating.Result) ([]Option, error) {
	ps, err := s.cachedPeriods(ctx, res.Methodology)
	if err != nil {
		return nil, err
	}
	out := make([]Option, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		out = append(out, Option{Value: ps[i], Label: periodLabel(ps[i]), Selected: ps[i] == res.Period})
	}
	return out, nil
}

func (s *Server) methodologyOptions(current string) []Option {
	var out []Option
	for _, m := range s.cat.Methodologies() {
		out = append(out, Option{Value: m.ID, Label: m.Name, Selected: m.ID == current})
	}
	return out
}

func (s *Server) districtOptions(current string) []Option {
	out := []Option{{Value: "", Label: "Все федеральные округа", Selected: current == ""}}
	for _, d := range s.cat.Hierarchy().AtLevel(orgunit.District) {
		out = append(out, Option{Value: d.Code, Label: d.Name, Selected: strings.EqualFold(d.Code, current)})
	}
	return out
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
