package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/catalog/catalogtest"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The rating pages say when the data behind a rating are not all accepted,
// and the note follows an acceptance at once (rendered pages are kept per
// workflow generation).
func TestAcceptanceNoteOnPages(t *testing.T) {
	c := catalogtest.Demo(t)
	srv := httptest.NewServer(New(c, nil))
	t.Cleanup(srv.Close)
	note := regexp.MustCompile(`id="acceptance-note">[^<]*принято (\d+) из (\d+)`)
	read := func(path string) (accepted, total string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		m := note.FindSubmatch(b)
		if resp.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("GET %s: %d, no acceptance note", path, resp.StatusCode)
		}
		return string(m[1]), string(m[2])
	}
	for _, p := range []string{"/?period=2020Q4", "/regions/RU-TUL?period=2020Q4", "/map?period=2020Q4"} {
		if a, _ := read(p); a != "0" {
			t.Errorf("%s: demo data shown as accepted: %s", p, a)
		}
	}
	// Accept one МО's 2020Q4 report.
	ctx := context.Background()
	m, _ := c.Methodology(DefaultMethodology)
	ds := &m.DataSets[0]
	var mo string
	for _, u := range c.Hierarchy().Descendants("RU-TUL") {
		if u.Level == orgunit.Organisation {
			mo = u.Code
			break
		}
	}
	for _, a := range []struct {
		action workflow.Action
		role   auth.Role
	}{{workflow.Submit, auth.MOOperator}, {workflow.Approve, auth.RegionalOperator}, {workflow.Accept, auth.FederalAnalyst}} {
		if _, err := c.Transition(ctx, ds, mo, "2020Q4", a.action, "t", a.role, ""); err != nil {
			t.Fatalf("%s: %v", a.action, err)
		}
	}
	if a, _ := read("/?period=2020Q4"); a != "1" {
		t.Errorf("after one acceptance the rating page says %s accepted", a)
	}
}
