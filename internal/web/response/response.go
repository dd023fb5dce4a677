// Package response writes the server's answers that are not pages: JSON,
// RFC 9457 problems, CSV exports and downloadable documents, each with the
// headers every answer of its kind carries.
package response

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Problem is an RFC 9457 problem details object. Handlers embed it to add
// extension members (see WriteProblem).
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// NewProblem is the problem of status about the request's path.
func NewProblem(r *http.Request, status int, detail string) Problem {
	return Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path}
}

// Error writes an application/problem+json error response.
func Error(w http.ResponseWriter, r *http.Request, status int, detail string) {
	WriteProblem(w, status, NewProblem(r, status, detail))
}

// WriteProblem writes v, a Problem or a struct embedding one, as
// application/problem+json.
func WriteProblem(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// JSON writes v as a JSON response.
func JSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// CSV sends n records as a CSV attachment, cells made safe by CSVSafe.
func CSV(w http.ResponseWriter, name string, header []string, n int, record func(int) []string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for i := range n {
		rec := record(i)
		for j, c := range rec {
			rec[j] = CSVSafe(c)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}

// CSVSafe prefixes ' to a cell a spreadsheet would run as a formula (one
// starting with = + - @, tab or CR), except plain numbers: logins and
// details come from users.
func CSVSafe(c string) string {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return c
	}
	if _, err := strconv.ParseFloat(c, 64); err == nil && c[0] == '-' {
		return c
	}
	return "'" + c
}

// Attachment sends a document rendered in memory (so that a failure
// mid-way is a problem response rather than half a file) as a download.
func Attachment(w http.ResponseWriter, contentType, fileName string, body *bytes.Buffer) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileName}))
	w.Header().Set("Content-Length", fmt.Sprint(body.Len()))
	_, _ = body.WriteTo(w)
}
