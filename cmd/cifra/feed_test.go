package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Contract: cifra feed load loads FHIR NDJSON, Bundle or CSV files and exits
// 0; on a bad record it exits non-zero, names the file and line, and loads
// nothing of that file; a reload changes nothing.
func TestContractFeedLoad(t *testing.T) {
	dir := t.TempDir()
	eachDB(t, func(t *testing.T, db string) {
		examples, _ := filepath.Glob("../../internal/feed/testdata/fhir-examples/*-*.json")
		args := append([]string{"feed", "load", "--db", db, "--snapshot", "2026-11-23T06:00:00Z"}, examples...)
		args = append(args, "../../internal/feed/testdata/slots.csv", "../../internal/feed/testdata/slots.ndjson")
		out, stderr, code := cli(t, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(out, "Slot-1.json: loaded 1 records (Slot 1)") || !strings.Contains(out, "slots.csv: loaded 2 records") {
			t.Errorf("output:\n%s", out)
		}
		out, stderr, code = cli(t, "feed", "load", "--db", db, "../../internal/feed/testdata/slots.csv")
		if code != 0 || !strings.Contains(out, "already loaded") {
			t.Errorf("reload: exit %d, %s%s", code, out, stderr)
		}
		bad := filepath.Join(dir, "bad.ndjson")
		copyFile(t, "../../internal/feed/testdata/bad-middle.ndjson", bad)
		_, stderr, code = cli(t, "feed", "load", "--db", db, "--snapshot", "2026-11-24T06:00:00Z", bad)
		if code != 2 || !strings.Contains(stderr, "bad.ndjson line 2: field start:") || !strings.Contains(stderr, "nothing loaded") {
			t.Errorf("bad file: exit %d, %s", code, stderr)
		}
		out, _, code = cli(t, "feed", "slots", "--db", db, "--snapshot", "2026-11-24T06:00:00Z")
		if code == 0 {
			t.Errorf("the bad file's snapshot exists:\n%s", out)
		}
	})
}

// Contract: cifra demo feed --patients N adds a synthetic feed and exits 0;
// its measures become data values.
func TestContractDemoFeed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.duckdb")
	copyFile(t, demoDatabase(t), db)
	out, stderr, code := cli(t, "demo", "feed", "--patients", "2000", "--regions", "RU-TUL,RU-PRI", "--db", db)
	if code != 0 || !strings.Contains(out, "demo feed: loaded") {
		t.Fatalf("exit %d: %s%s", code, out, stderr)
	}
	out, stderr, code = cli(t, "feed", "values", "--period", "2020Q4", "--no-recompute", "--db", db)
	// The demo has accepted part of 2020Q4: those МО keep their values.
	if code != 0 || !strings.Contains(out, "feed values for 2020Q4") || !strings.Contains(out, "left as accepted (locked)") {
		t.Fatalf("values: exit %d: %s%s", code, out, stderr)
	}
	out, stderr, code = cli(t, "feed", "slots", "--by-region", "--db", db)
	if code != 0 || !strings.Contains(out, "RU-TUL") || !strings.Contains(out, "RU-PRI") {
		t.Errorf("slots: exit %d: %s%s", code, out, stderr)
	}
	out, stderr, code = cli(t, "feed", "slots", "--alerts", "--db", db)
	if code != 0 || !strings.Contains(out, "first-contact specialties with no free slot within 1 day") {
		t.Errorf("alerts: exit %d: %s%s", code, out, stderr)
	}
	out, stderr, code = cli(t, "feed", "path", "--db", db)
	if code != 0 || !strings.Contains(out, "Funnel") || !strings.Contains(out, "booked → visit") {
		t.Errorf("path: exit %d: %s%s", code, out, stderr)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// A Bulk Data $export manifest loads the files it lists, found beside it,
// as a snapshot at its transactionTime; a manifest naming a missing file
// loads nothing.
func TestFeedLoadManifest(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.duckdb")
	src, err := os.ReadFile("../../internal/feed/testdata/slots.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	// Split the fixture by resource type, as an export writes it.
	byType := map[string][]string{}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		typ := "Slot"
		if strings.Contains(line, `"resourceType":"Schedule"`) {
			typ = "Schedule"
		}
		byType[typ] = append(byType[typ], line)
	}
	for typ, lines := range byType {
		if err := os.WriteFile(filepath.Join(dir, typ+".ndjson"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest := func(name, at string, files ...string) string {
		var out []string
		for _, f := range files {
			out = append(out, `{"type":"`+strings.TrimSuffix(f, ".ndjson")+`","url":"https://mis.example/fhir/bulk/42/`+f+`"}`)
		}
		p := filepath.Join(dir, name)
		body := `{"transactionTime":"` + at + `","request":"https://mis.example/fhir/$export","requiresAccessToken":true,"output":[` + strings.Join(out, ",") + `],"error":[]}`
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Slots listed first: the loader still takes the schedules first.
	out, stderr, code := cli(t, "feed", "load", "--db", db, manifest("manifest.json", "2026-11-25T06:00:00Z", "Slot.ndjson", "Schedule.ndjson"))
	if code != 0 || !strings.Contains(out, "Schedule.ndjson: loaded") || !strings.Contains(out, "Slot.ndjson: loaded") ||
		strings.Index(out, "Schedule.ndjson") > strings.Index(out, "Slot.ndjson") {
		t.Fatalf("exit %d:\n%s%s", code, out, stderr)
	}
	if out, stderr, code := cli(t, "feed", "slots", "--db", db, "--snapshot", "2026-11-25T06:00:00Z"); code != 0 {
		t.Fatalf("no snapshot at the manifest's transactionTime: exit %d\n%s%s", code, out, stderr)
	}
	_, stderr, code = cli(t, "feed", "load", "--db", db, manifest("missing.json", "2026-11-26T06:00:00Z", "Schedule.ndjson", "Encounter.ndjson"))
	if code != 2 || !strings.Contains(stderr, "missing.json") || !strings.Contains(stderr, "Encounter") {
		t.Errorf("missing file: exit %d, %s", code, stderr)
	}
	_, stderr, code = cli(t, "feed", "load", "--db", db, manifest("badtime.json", "yesterday", "Schedule.ndjson"))
	if code != 2 || !strings.Contains(stderr, "transactionTime") {
		t.Errorf("bad transactionTime: exit %d, %s", code, stderr)
	}
}
