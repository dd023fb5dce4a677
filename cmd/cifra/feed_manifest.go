package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
)

// maxManifestBytes bounds what is read to tell a manifest from a Bundle: a
// manifest lists files, it does not hold resources.
const maxManifestBytes = 4 << 20

// bulkManifest is the manifest a FHIR Bulk Data $export writes beside its
// NDJSON files (https://hl7.org/fhir/uv/bulkdata/export.html).
type bulkManifest struct {
	TransactionTime string `json:"transactionTime"`
	Output          []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"output"`
	ResourceType string `json:"resourceType"`
}

// readManifest reports whether name is a Bulk Data manifest and, if so,
// returns the files it lists, found beside it by the last element of their
// URL (an export is downloaded into one folder), schedules first so that
// slots meet their schedule, and its transactionTime: the moment the
// exported data, slots included, stood as loaded.
func readManifest(name string) (files []string, at time.Time, ok bool, err error) {
	if !strings.EqualFold(filepath.Ext(name), ".json") {
		return nil, at, false, nil
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Size() > maxManifestBytes {
		return nil, at, false, nil // not ours to judge: the loader reports it
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, at, false, err
	}
	var m bulkManifest
	if json.Unmarshal(b, &m) != nil || m.ResourceType != "" || m.TransactionTime == "" || m.Output == nil {
		return nil, at, false, nil
	}
	at, err = feed.ParseTime([]byte(m.TransactionTime))
	if err != nil {
		return nil, at, true, fmt.Errorf("%s: manifest transactionTime: %w", name, err)
	}
	dir := filepath.Dir(name)
	type entry struct{ typ, file string }
	var es []entry
	for i, o := range m.Output {
		base := o.URL
		if u, err := url.Parse(o.URL); err == nil && u.Path != "" {
			base = u.Path
		}
		base = path.Base(base)
		if base == "." || base == "/" || base == "" {
			return nil, at, true, fmt.Errorf("%s: manifest output[%d]: no file name in url %q", name, i, o.URL)
		}
		f := filepath.Join(dir, base)
		if _, err := os.Stat(f); err != nil {
			return nil, at, true, fmt.Errorf("%s: manifest output[%d] (%s): %w", name, i, o.Type, err)
		}
		es = append(es, entry{o.Type, f})
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		rank := func(t string) int {
			if t == "Schedule" {
				return 0
			}
			return 1
		}
		return rank(a.typ) - rank(b.typ)
	})
	for _, e := range es {
		files = append(files, e.file)
	}
	return files, at, true, nil
}
