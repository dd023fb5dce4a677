package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/catalog/catalogtest"
	"github.com/cifra-health/cifra/internal/method"
)

// demoServer builds a small demo (one МО per 400,000 residents) and serves it.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	c := catalogtest.Demo(t)
	s := New(c, nil)
	srv := httptest.NewServer(s)
	t.Cleanup(s.Close) // after srv.Close: cleanups run last first
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string, wantStatus int, v any) string {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: status %d, want %d", path, resp.StatusCode, wantStatus)
	}
	ct := resp.Header.Get("Content-Type")
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return ct
}

func TestAPI(t *testing.T) {
	srv := demoServer(t)

	var rating RatingJSON
	get(t, srv, "/api/v1/rating?period=2020", 200, &rating)
	if len(rating.Rows) != 85 || !rating.Synthetic || rating.Note == "" || len(rating.Criteria) != 5 {
		t.Fatalf("rating: %d rows, synthetic %v, %d criteria", len(rating.Rows), rating.Synthetic, len(rating.Criteria))
	}
	var cen RatingJSON
	get(t, srv, "/api/v1/rating?period=2020&district=FD-CEN", 200, &cen)
	if len(cen.Rows) != 18 {
		t.Fatalf("central district rows = %d, want 18", len(cen.Rows))
	}

	var sc ScorecardJSON
	get(t, srv, "/api/v1/regions/RU-TUL/scorecard?period=2020", 200, &sc)
	var tul float64
	for _, r := range rating.Rows {
		if r.ISOCode == "RU-TUL" {
			tul = float64(r.Score)
			if r.Rank != sc.Row.Rank {
				t.Errorf("scorecard rank %d, rating rank %d", sc.Row.Rank, r.Rank)
			}
		}
	}
	if float64(sc.Row.Score) != tul || len(sc.Criteria) != 5 || sc.RankInterval == nil || sc.Of == 0 {
		t.Fatalf("scorecard: score %v (rating %v), %d criteria, interval %v", sc.Row.Score, tul, len(sc.Criteria), sc.RankInterval)
	}
	if sc.RankInterval.P05 > sc.RankInterval.Median || sc.RankInterval.Median > sc.RankInterval.P95 {
		t.Errorf("rank interval out of order: %+v", sc.RankInterval)
	}

	var a AnalyticsJSON
	get(t, srv, "/api/v1/analytics?dx=mis_egisz_share&pe=2019%3B2020&ou=RU-TUL,RU-TAM", 200, &a)
	if len(a.Rows) != 4 {
		t.Fatalf("analytics rows = %v", a.Rows)
	}

	ct := get(t, srv, "/api/v1/regions/RU-XXX/scorecard", 404, nil)
	if !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("404 content type %q", ct)
	}
	get(t, srv, "/api/v1/rating?period=1999", 404, nil)
	get(t, srv, "/api/v1/rating?methodology=nope", 404, nil)
	get(t, srv, "/api/v1/analytics?dx=nope", 400, nil)

	var units []UnitJSON
	get(t, srv, "/api/v1/orgunits?level=region", 200, &units)
	if len(units) != 85 {
		t.Fatalf("regions = %d", len(units))
	}
	var ms []MethodologyJSON
	get(t, srv, "/api/v1/methodologies", 200, &ms)
	builtins, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range ms {
		listed[m.ID] = true
	}
	for _, b := range builtins {
		if !listed[b.ID] {
			t.Errorf("built-in methodology %s not listed", b.ID)
		}
	}
	if len(ms) != len(builtins) {
		t.Fatalf("methodologies = %d, built in %d", len(ms), len(builtins))
	}
	var wi WhatIfJSON
	get(t, srv, "/api/v1/regions/RU-TUL/whatif?period=2020", 200, &wi)
	for i := 1; i < len(wi.Levers); i++ {
		if wi.Levers[i].Gain > wi.Levers[i-1].Gain {
			t.Fatalf("levers not sorted by gain: %+v", wi.Levers)
		}
	}
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("home: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
