package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/web/response"
)

// document renders into memory first, so that a failure mid-way is a
// problem response rather than half a file.
func (s *Server) document(w http.ResponseWriter, r *http.Request, contentType, fileName string, render func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		if errors.Is(err, report.ErrNotRated) {
			response.Error(w, r, http.StatusNotFound, err.Error())
			return
		}
		s.fail(w, r, err)
		return
	}
	response.Attachment(w, contentType, fileName, &buf)
}

// region resolves {code} (ISO, ОКАТО or name) to a region code, writing a
// 404 problem when it is not one.
func (s *Server) regionCode(w http.ResponseWriter, r *http.Request) (string, bool) {
	code := r.PathValue("code")
	u, ok := s.cat.Hierarchy().Lookup(code)
	if !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown region %q", code))
		return "", false
	}
	return u.Code, true
}

func (s *Server) governorPDF(w http.ResponseWriter, r *http.Request) {
	code, ok := s.regionCode(w, r)
	if !ok {
		return
	}
	res := s.result(w, r)
	if res == nil {
		return
	}
	g, err := report.NewGovernor(res, s.cat.Hierarchy(), code)
	if err != nil {
		if errors.Is(err, report.ErrNotRated) {
			response.Error(w, r, http.StatusNotFound, err.Error())
			return
		}
		s.fail(w, r, err)
		return
	}
	s.document(w, r, report.ContentTypePDF, g.FileName(), func(b *bytes.Buffer) error { return report.WriteGovernorPDF(b, g) })
}

func (s *Server) regionXLSX(w http.ResponseWriter, r *http.Request) {
	code, ok := s.regionCode(w, r)
	if !ok {
		return
	}
	res := s.result(w, r)
	if res == nil {
		return
	}
	s.document(w, r, report.ContentTypeXLSX, report.RegionXLSXFileName(code, res.Period), func(b *bytes.Buffer) error {
		return report.WriteRegionXLSX(b, res, s.cat.Hierarchy(), code)
	})
}

func (s *Server) leagueExport(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	h := s.cat.Hierarchy()
	name := fmt.Sprintf("rating-%s-%s", res.Methodology, res.Period)
	if r.URL.Path == "/api/v1/rating.csv" {
		s.document(w, r, "text/csv; charset=utf-8", name+".csv", func(b *bytes.Buffer) error { return report.WriteCSV(b, res, h) })
		return
	}
	s.document(w, r, report.ContentTypeXLSX, name+".xlsx", func(b *bytes.Buffer) error { return report.WriteXLSX(b, res, h) })
}
