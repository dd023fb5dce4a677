// Package view is the server's one template system: every page is an
// embedded template file (templates/, each page with layout.html; the
// account pages in templates/account/), the assets are embedded files
// (static/), and the types the layout needs from every page live here.
package view

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/rufmt"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Set holds the parsed templates: one set per page, each with the shared
// layout, and the account pages, which share their own head.
type Set struct {
	pages   map[string]*template.Template
	account *template.Template
}

// Parse parses every template.
func Parse() (*Set, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s := &Set{pages: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs()).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		s.pages[base] = t
	}
	if s.account, err = template.ParseFS(templateFS, "templates/account/*.html"); err != nil {
		return nil, fmt.Errorf("account templates: %w", err)
	}
	return s, nil
}

// MustParse is Parse for the server's start, where a bad template is a
// programming error.
func MustParse() *Set {
	s, err := Parse()
	if err != nil {
		panic(fmt.Sprintf("view: %v", err))
	}
	return s
}

// Page is the template set of a page (templates/<name>.html).
func (s *Set) Page(name string) (*template.Template, bool) {
	t, ok := s.pages[name]
	return t, ok
}

// Account holds the login, account and audit pages (ExecuteTemplate by
// name).
func (s *Set) Account() *template.Template { return s.account }

// Static serves the embedded assets, cached by browsers for a day.
func Static() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(fmt.Sprintf("view: static files: %v", err))
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int((24*time.Hour).Seconds())))
		files.ServeHTTP(w, r)
	})
}

// funcs are the functions the page templates call.
func funcs() template.FuncMap {
	return template.FuncMap{
		"num":    func(n rating.Num, prec int) string { return rufmt.Number(float64(n), prec) },
		"fnum":   rufmt.Number,
		"arrow":  report.Arrow,
		"plural": rufmt.Count,
		"inum":   rufmt.Int,
		"add":    func(a, b int) int { return a + b },
		"sub":    func(a, b int) int { return a - b },
		"date":   rufmt.Date,
		"plabel": PeriodLabel,
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

// PeriodLabel is a period's Russian label ("I квартал 2021"), or the id
// itself when it is not one.
func PeriodLabel(id string) string {
	p, err := period.Parse(id)
	if err != nil {
		return id
	}
	return p.Label()
}

// ShortPeriod is a compact Russian label for chart axes: "2019",
// "I кв. 2019", "03.2019"; other types use the full label.
func ShortPeriod(id string) string {
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
	Acceptance  string // the rating rests on data not all accepted
	ComputedAt  time.Time
	Query       template.URL // "?methodology=…&period=…" to keep the choice across pages
}

// NavLink is an item of the navigation for signed-in users.
type NavLink struct {
	Href, Label string
	Active      bool
}

// WorkNav is empty on the public pages: they are cached for everyone, so
// they cannot show links that depend on the caller's role. The pages of
// signed-in users shadow it with a field of the same name.
func (Layout) WorkNav() []NavLink { return nil }

// Option is an item of a <select>.
type Option struct {
	Value, Label string
	Selected     bool
}

// WritePage sends a public page, revalidated on every visit.
func WritePage(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(body)
}
