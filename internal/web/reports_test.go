package web

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestDocuments fetches every document route and checks what it holds.
func TestDocuments(t *testing.T) {
	srv := demoServer(t)
	for _, path := range []string{"/regions/RU-TUL/report.pdf?period=2020", "/api/v1/regions/RU-TUL/report.pdf?period=2020"} {
		resp, body := fetch(t, srv.URL+path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
			t.Errorf("%s: status %d, type %q, starts %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), body[:min(8, len(body))])
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "RU-TUL") {
			t.Errorf("%s: Content-Disposition %q", path, cd)
		}
	}

	resp, body := fetch(t, srv.URL+"/api/v1/rating.csv?period=2020")
	if resp.StatusCode != 200 || strings.Count(string(body), "\n") != 86 {
		t.Errorf("rating.csv: status %d, %d lines, want header + 85", resp.StatusCode, strings.Count(string(body), "\n"))
	}

	for _, path := range []string{"/api/v1/rating.xlsx?period=2020", "/regions/RU-TUL/data.xlsx?period=2020"} {
		resp, body := fetch(t, srv.URL+path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d: %s", path, resp.StatusCode, body)
			continue
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: not a workbook: %v", path, err)
			continue
		}
		if len(f.GetSheetList()) == 0 {
			t.Errorf("%s: no sheets", path)
		}
		f.Close()
	}

	for _, path := range []string{"/regions/RU-XXX/report.pdf", "/api/v1/regions/RU-TUL/report.pdf?period=1999"} {
		resp, _ := fetch(t, srv.URL+path)
		if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d, type %q; want a 404 problem", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
