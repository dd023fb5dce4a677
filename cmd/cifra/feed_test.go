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
	db := filepath.Join(dir, "f.duckdb")
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
	if code != 0 || !strings.Contains(out, "feed values for 2020Q4") {
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
