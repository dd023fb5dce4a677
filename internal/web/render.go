package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/stats"
	"github.com/cifra-health/cifra/internal/web/cache"
	"github.com/cifra-health/cifra/internal/web/view"
)

func layoutOf(title, active string, res *rating.Result) view.Layout {
	l := view.Layout{Title: title, Active: active}
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
func (s *Server) pageLayout(ctx context.Context, title, active string, res *rating.Result) view.Layout {
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
	t, ok := s.views.Page(name)
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
	view.WritePage(w, b.Bytes())
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
		view.WritePage(w, body.([]byte))
	}
	return ok
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
