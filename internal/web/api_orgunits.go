package web

import (
	"fmt"
	"net/http"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/web/response"
)

// UnitJSON is an organisation unit in API responses.
type UnitJSON struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	NameEn       string  `json:"name_en,omitempty"`
	ShortName    string  `json:"short_name,omitempty"`
	Level        string  `json:"level"`
	Parent       string  `json:"parent,omitempty"`
	ISO          string  `json:"iso_code,omitempty"`
	OKATO        string  `json:"okato,omitempty"`
	RegionNumber int     `json:"region_number,omitempty"`
	Type         string  `json:"type,omitempty"`
	Population   int64   `json:"population,omitempty"`
	Lat          float64 `json:"lat,omitempty"`
	Lon          float64 `json:"lon,omitempty"`
	NameLoc      string  `json:"name_locative,omitempty"`
	Settlement   string  `json:"settlement,omitempty"`
}

func unitJSON(u *orgunit.Unit) UnitJSON {
	return UnitJSON{Code: u.Code, Name: u.Name, NameEn: u.NameEn, ShortName: u.ShortName, Level: u.Level.String(), Parent: u.Parent,
		ISO: u.ISO, OKATO: u.OKATO, RegionNumber: u.RegionNumber, Type: u.Type, Population: u.Population,
		Lat: u.Lat, Lon: u.Lon, NameLoc: u.NameLoc, Settlement: u.Settlement}
}

func (s *Server) orgUnits(w http.ResponseWriter, r *http.Request) {
	h := s.cat.Hierarchy()
	q := r.URL.Query()
	var units []*orgunit.Unit
	switch {
	case q.Get("parent") != "":
		p, ok := h.Lookup(q.Get("parent"))
		if !ok {
			response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown organisation unit %q", q.Get("parent")))
			return
		}
		units = h.Children(p.Code)
	case q.Get("level") != "":
		l, err := orgunit.ParseLevel(q.Get("level"))
		if err != nil {
			response.Error(w, r, http.StatusBadRequest, err.Error())
			return
		}
		units = h.AtLevel(l)
	default:
		units = h.AtLevel(orgunit.Region)
	}
	out := make([]UnitJSON, len(units))
	for i, u := range units {
		out[i] = unitJSON(u)
	}
	response.JSON(w, out)
}

func (s *Server) orgUnit(w http.ResponseWriter, r *http.Request) {
	h := s.cat.Hierarchy()
	u, ok := h.Lookup(r.PathValue("code"))
	if !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown organisation unit %q", r.PathValue("code")))
		return
	}
	type withKids struct {
		UnitJSON
		Ancestors []UnitJSON `json:"ancestors"`
		Children  int        `json:"children"`
	}
	out := withKids{UnitJSON: unitJSON(u), Children: len(h.Children(u.Code))}
	for _, a := range h.Ancestors(u.Code) {
		out.Ancestors = append(out.Ancestors, unitJSON(a))
	}
	response.JSON(w, out)
}
