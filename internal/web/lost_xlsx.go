package web

import (
	"bytes"
	"net/http"

	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/web/response"
)

// lostXLSX is GET /pathway/lost.xlsx: one lost-case list (all kinds when
// ?kind= is empty) of a unit in the caller's scope, as a workbook.
func (s *Server) lostXLSX(w http.ResponseWriter, r *http.Request) {
	kind, days, unit, status, err := s.lostQuery(r)
	if err != nil {
		response.Error(w, r, status, err.Error())
		return
	}
	ctx := r.Context()
	all, err := s.cachedPath(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := s.cat.Hierarchy()
	list := lostList(h, all, days, kind, unit)
	sheet := report.LostSheet{Unit: unit, UnitName: unitName(h, unit), AsOf: all.AsOf, GraceDays: days, Kind: string(kind),
		KindName: lostNames()[kind], Synthetic: s.cat.FeedSynthetic(ctx)}
	for _, l := range list {
		sheet.Rows = append(sheet.Rows, report.LostRow{Kind: lostNames()[l.Kind], Case: l.Case, Region: l.Region, RegionName: unitName(h, l.Region),
			OrgUnit: l.OrgUnit, OrgUnitName: l.OrgUnitName, Specialty: specialtyName(l.Specialty), Patient: l.Patient, Since: l.Since,
			Days: l.DaysOverdue})
	}
	w.Header().Set("Cache-Control", "private, no-store")
	s.document(w, r, report.ContentTypeXLSX, report.LostXLSXFileName(unit, string(kind)), func(b *bytes.Buffer) error {
		return report.WriteLostXLSX(b, sheet)
	})
}
