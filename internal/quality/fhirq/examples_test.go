package fhirq

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// exampleFiles returns the official examples, sorted by name.
func exampleFiles(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob("testdata/fhir-examples/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, n := range names {
		if filepath.Base(n) == "package.json" {
			continue
		}
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = data
	}
	if len(out) != 12 {
		t.Fatalf("%d example files, want 7 Questionnaire and 5 QuestionnaireResponse", len(out))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func compact(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestExamplesLoad loads every official example three ways — each file on
// its own, all of them as NDJSON, and all of them in one Bundle — and
// checks that each way finds the same 7 questionnaires and 5 responses
// with no problem.
func TestExamplesLoad(t *testing.T) {
	files := exampleFiles(t)
	var ndjson bytes.Buffer
	var entries []string
	for _, name := range sortedKeys(files) {
		c := compact(t, files[name])
		ndjson.Write(c)
		ndjson.WriteByte('\n')
		entries = append(entries, `{"fullUrl":"urn:x","resource":`+string(c)+`}`)
	}
	bundle := `{"resourceType":"Bundle","type":"collection","entry":[` + strings.Join(entries, ",") + `]}`

	ways := map[string]func(b *Batch){
		"files": func(b *Batch) {
			for _, name := range sortedKeys(files) {
				b.Load(name, files[name])
			}
		},
		"ndjson": func(b *Batch) { b.Load("all.ndjson", ndjson.Bytes()) },
		"bundle": func(b *Batch) { b.Load("bundle.json", []byte(bundle)) },
	}
	for way, load := range ways {
		t.Run(way, func(t *testing.T) {
			var b Batch
			load(&b)
			if err := b.Err(); err != nil {
				t.Fatalf("problems: %v", err)
			}
			var qs, rs []string
			for _, q := range b.Questionnaires {
				qs = append(qs, q.Q.ID)
			}
			for _, r := range b.Responses {
				rs = append(rs, r.R.ID)
			}
			sort.Strings(qs)
			sort.Strings(rs)
			if got, want := strings.Join(qs, " "), "3141 bb f201 gcs phq-9-questionnaire qs1 zika-virus-exposure-assessment"; got != want {
				t.Errorf("questionnaires %q, want %q", got, want)
			}
			if got, want := strings.Join(rs, " "), "3141 bb f201 gcs ussg-fht-answers"; got != want {
				t.Errorf("responses %q, want %q", got, want)
			}
			if len(b.Skipped) != 0 {
				t.Errorf("skipped %v", b.Skipped)
			}
			for _, r := range b.Responses {
				if !json.Valid(r.Raw) || !bytes.Contains(r.Raw, []byte(`"`+r.R.ID+`"`)) {
					t.Errorf("response %s: raw JSON not kept", r.R.ID)
				}
			}
			if way == "ndjson" {
				for i, r := range b.Responses {
					if r.At.Line != 8+i { // 7 questionnaires come first
						t.Errorf("response %s at line %d, want %d", r.R.ID, r.At.Line, 8+i)
					}
				}
			}
			if way == "bundle" {
				if e := b.Responses[0].At.Entry; e != 8 {
					t.Errorf("first response is Bundle entry %d, want 8", e)
				}
			}
		})
	}
}

// TestExamplesMatchAndValidate compiles the questionnaires, matches the
// responses (only gcs names its questionnaire; ussg-fht-answers answers one
// that is not in the package; 3141, bb and f201 name none) and validates
// each response against the questionnaire of the same id, comparing the
// issues with a golden file. The official examples are not all consistent
// with their questionnaires; the golden file records how.
func TestExamplesMatchAndValidate(t *testing.T) {
	files := exampleFiles(t)
	var b Batch
	for _, name := range sortedKeys(files) {
		b.Load(name, files[name])
	}
	reg := NewRegistry()
	var out strings.Builder
	for _, lq := range b.Questionnaires {
		_, issues, err := reg.Add(lq.Q)
		if err != nil {
			t.Fatalf("%s: %v %v", lq.At, err, issues)
		}
		for _, i := range issues {
			fmt.Fprintf(&out, "Questionnaire/%s: %s\n", lq.Q.ID, i)
		}
	}
	matched, unknown := reg.Match(b.Responses)
	if len(matched) != 1 || matched[0].Response.R.ID != "gcs" {
		t.Errorf("matched %d responses, want only gcs", len(matched))
	}
	for _, u := range unknown {
		fmt.Fprintf(&out, "QuestionnaireResponse/%s: не сопоставлен: %s\n", u.Response.R.ID, u.Reason)
	}
	if len(unknown) != 4 {
		t.Errorf("%d unresolved, want 4 (3141, bb, f201, ussg-fht-answers)", len(unknown))
	}
	for _, lr := range b.Responses {
		f, _ := reg.Find("Questionnaire/" + lr.R.ID)
		if f == nil {
			continue
		}
		flat := Flatten(lr.R)
		issues := f.Validate(&flat)
		if len(issues) == 0 {
			fmt.Fprintf(&out, "QuestionnaireResponse/%s: соответствует анкете\n", lr.R.ID)
		}
		for _, i := range issues {
			fmt.Fprintf(&out, "QuestionnaireResponse/%s: %s\n", lr.R.ID, i)
		}
	}
	golden(t, "testdata/examples.golden", out.String())
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestExampleGCSScore: the gcs response carries ordinalValue on each
// answer: verbal 4 (Confused), motor 5 (Localizing pain), eye 4 (Eyes open
// spontaneously) — Glasgow coma score 13.
func TestExampleGCSScore(t *testing.T) {
	var b Batch
	b.Load("gcs", exampleFiles(t)["QuestionnaireResponse-gcs.json"])
	b.Load("q", exampleFiles(t)["Questionnaire-gcs.json"])
	f, issues := Compile(b.Questionnaires[0].Q)
	if f == nil {
		t.Fatal(issues)
	}
	flat := Flatten(b.Responses[0].R)
	res := NewScorer(f).Score(&flat, true)
	if res.Total != 13 || res.Scored != 3 || res.Unscored != 0 {
		t.Errorf("GCS = %+v, want 13 from 3 answers", res)
	}
}
