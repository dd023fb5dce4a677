package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/workflow"
)

// maxImportBytes bounds a dataValueSets request body.
const maxImportBytes = 64 << 20

// scopeProblem is a 403 listing the organisation units outside the
// caller's scope (RFC 9457 extension member).
type scopeProblem struct {
	response.Problem
	OutOfScope []string `json:"out_of_scope_org_units"`
}

// rejectProblem is a 422 listing the rejected records.
type rejectProblem struct {
	response.Problem
	Rejected int      `json:"rejected"`
	Errors   []string `json:"errors"`
}

// importDataValues is POST /api/v1/dataValueSets: DHIS2 JSON (or long CSV
// with Content-Type text/csv), ?dryRun=true to check without writing. It is
// all or nothing: a rejected record (422) or a value outside the caller's
// scope (403) writes nothing.
func (s *Server) importDataValues(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	dryRun := false
	switch r.URL.Query().Get("dryRun") {
	case "", "false":
	case "true":
		dryRun = true
	default:
		response.Error(w, r, http.StatusBadRequest, "dryRun must be true or false")
		return
	}
	format := datavalue.DHIS2JSON
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil:
			response.Error(w, r, http.StatusUnsupportedMediaType, fmt.Sprintf("bad Content-Type %q", ct))
			return
		case mt == "text/csv":
			format = datavalue.CSV
		case mt == "application/json":
		default:
			response.Error(w, r, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %s is not accepted: send application/json (DHIS2 dataValueSets) or text/csv", mt))
			return
		}
	}
	body := http.MaxBytesReader(w, r.Body, maxImportBytes)
	res := s.cat.Resolver()
	var batch *datavalue.Batch
	var err error
	if format == datavalue.CSV {
		batch, err = datavalue.ReadCSV(body, "request", res)
	} else {
		batch, err = datavalue.ReadDHIS2(body, "request", res)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			response.Error(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", mbe.Limit))
			return
		}
		response.Error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if len(batch.Rejected) > 0 {
		rp := rejectProblem{Problem: response.Problem{Type: "about:blank", Title: http.StatusText(http.StatusUnprocessableEntity),
			Status: http.StatusUnprocessableEntity, Detail: "nothing imported: some records are invalid", Instance: r.URL.Path},
			Rejected: len(batch.Rejected)}
		for i, rej := range batch.Rejected {
			if i == 50 {
				break
			}
			rp.Errors = append(rp.Errors, rej.Error())
		}
		response.WriteProblem(w, http.StatusUnprocessableEntity, rp)
		return
	}
	svc := s.auth().service()
	var out []string
	seen := map[string]bool{}
	for _, v := range batch.Values {
		if seen[v.OrgUnit] {
			continue
		}
		seen[v.OrgUnit] = true
		if !svc.InScope(p, v.OrgUnit) {
			out = append(out, v.OrgUnit)
		}
	}
	if len(out) > 0 {
		slices.Sort(out)
		s.log.Warn("import outside scope refused", "login", p.Login, "scope", p.Scope, "units", len(out))
		response.WriteProblem(w, http.StatusForbidden, scopeProblem{Problem: response.Problem{Type: "about:blank", Title: http.StatusText(http.StatusForbidden),
			Status: http.StatusForbidden, Detail: fmt.Sprintf("nothing imported: %d organisation units lie outside your scope %s", len(out), p.Scope),
			Instance: r.URL.Path}, OutOfScope: out})
		return
	}
	sum, err := s.cat.ImportValues(r.Context(), batch.Values, store.ImportOptions{Actor: p.Login, Source: "api", Format: string(format), DryRun: dryRun})
	if errors.Is(err, store.ErrLocked) {
		// Accepted or closed data: nothing was written, and the message
		// names the locked values.
		response.Error(w, r, http.StatusConflict, "nothing imported: "+err.Error())
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Validation rules are checked on import too, but do not reject it:
	// the values are a draft until submitted, and the answer lists what
	// must be fixed before that.
	viols, err := s.cat.ImportViolations(r.Context(), batch.Values)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("api import", "login", p.Login, "token", p.TokenID, "imported", sum.Imported, "updated", sum.Updated, "dry_run", dryRun)
	w.Header().Set("Cache-Control", "no-store")
	// The status stays SUCCESS: every value was written, and clients test
	// it to know that; the violations are listed beside it.
	response.JSON(w, importResponse{Status: "SUCCESS", ImportSummary: sum, ImportCount: dhis2Count{sum.Imported, sum.Updated, sum.Ignored, 0}, Violations: viols})
}

// importResponse is Cifra's summary plus the status and importCount members
// DHIS2 clients read from a dataValueSets response.
type importResponse struct {
	Status string `json:"status"`
	store.ImportSummary
	ImportCount dhis2Count `json:"importCount"`
	// Violations are the validation rules the imported values break.
	Violations []workflow.Violation `json:"validation_violations,omitempty"`
}

type dhis2Count struct {
	Imported int64 `json:"imported"`
	Updated  int64 `json:"updated"`
	Ignored  int64 `json:"ignored"`
	Deleted  int64 `json:"deleted"`
}
