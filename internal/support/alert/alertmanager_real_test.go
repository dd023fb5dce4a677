package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/ticket"
)

// TestRealAlertmanager runs Debian's prometheus-alertmanager, posts an
// alert to it, and feeds what it sends to our webhook through
// ParseAlertmanager and Plan: the first notification opens an incident,
// the repeat (repeat_interval) is the same fingerprint and opens nothing,
// the resolution resolves it. The payloads it sent are written to
// testdata/alertmanager-*.json when CIFRA_UPDATE_GOLDEN is set.
func TestRealAlertmanager(t *testing.T) {
	bin, err := exec.LookPath("prometheus-alertmanager")
	if err != nil {
		t.Skip("!!! SKIPPING the real Alertmanager test: prometheus-alertmanager not installed (apt-get install prometheus-alertmanager) !!!")
	}
	if testing.Short() {
		t.Skip("real Alertmanager test skipped in -short mode")
	}
	got := make(chan []byte, 20)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- b
	}))
	defer recv.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`route:
  receiver: cifra
  group_by: [alertname, orgunit]
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: cifra
    webhook_configs:
      - url: %s/api/v1/support/alerts/alertmanager
        send_resolved: true
`, recv.URL)
	if err := os.WriteFile(filepath.Join(dir, "am.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config.file="+filepath.Join(dir, "am.yml"), "--storage.path="+dir,
		"--web.listen-address=127.0.0.1:"+port, "--cluster.listen-address=", "--log.level=warn")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	api := "http://127.0.0.1:" + port + "/api/v2/alerts"
	post := func(ends time.Time) {
		t.Helper()
		alert := map[string]any{
			"labels": map[string]string{"alertname": "MISDown", "orgunit": "MO-TUL-1", "system": "mis-tul-1",
				"instance": "mis.tulokb.example:443", "severity": "critical"},
			"annotations":  map[string]string{"summary": "МИС не отвечает", "description": "probe_success == 0 пять минут"},
			"startsAt":     time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
			"generatorURL": "http://prometheus.example/graph",
		}
		if !ends.IsZero() {
			alert["endsAt"] = ends.UTC().Format(time.RFC3339)
		}
		b, _ := json.Marshal([]any{alert})
		for i := 0; ; i++ {
			resp, err := http.Post(api, "application/json", bytes.NewReader(b))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
			if i > 100 {
				t.Fatalf("alertmanager API: %v; logs:\n%s", err, logs.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	next := func(what string) []byte {
		t.Helper()
		select {
		case b := <-got:
			return b
		case <-time.After(20 * time.Second):
			t.Fatalf("no webhook: %s; logs:\n%s", what, logs.String())
		}
		return nil
	}
	// The centre's queue as far as this test needs it.
	open := map[string]*ticket.Ticket{}
	d := ticket.Desk{}
	lookup := func(k string) (*ticket.Ticket, bool) { t, ok := open[k]; return t, ok && t.State.Open() }
	apply := func(b []byte) []Step {
		t.Helper()
		alerts, rejected, err := ParseAlertmanager(bytes.NewReader(b))
		if err != nil || len(rejected) > 0 {
			t.Fatalf("payload refused: %v %v\n%s", err, rejected, b)
		}
		steps := Plan(alerts, lookup)
		for _, s := range steps {
			switch s.Kind {
			case Open:
				s.Alert.Region = "RU-TUL"
				tk, err := d.Open(s.Alert.Spec(), ticket.Actor{Role: ticket.System}, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				open[s.Alert.External()] = tk
			case Resolve, Update:
				for _, c := range s.Commands() {
					if _, err := d.Do(s.Ticket, c, ticket.Actor{Role: ticket.System}, time.Now()); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		return steps
	}
	post(time.Time{})
	first := next("firing")
	steps := apply(first)
	if len(steps) != 1 || steps[0].Kind != Open {
		t.Fatalf("first notification: %+v", steps)
	}
	a := steps[0].Alert
	if a.Title != "mis.tulokb.example:443: МИС не отвечает" || a.OrgUnit != "MO-TUL-1" || a.System != "mis-tul-1" || a.Severity != Critical || !a.Firing {
		t.Errorf("alert %+v", a)
	}
	repeat := next("repeat")
	if steps := apply(repeat); len(steps) != 1 || steps[0].Kind != Ignore {
		t.Errorf("repeat notification: %+v", steps)
	}
	post(time.Now().Add(-time.Second))
	var resolved []byte
	for resolved == nil {
		b := next("resolved")
		var p amPayload
		json.Unmarshal(b, &p)
		if p.Status == "resolved" {
			resolved = b
		}
	}
	if steps := apply(resolved); len(steps) != 1 || steps[0].Kind != Resolve {
		t.Errorf("resolved notification: %+v", steps)
	}
	if len(open) != 1 {
		t.Errorf("%d incidents, want 1", len(open))
	}
	for _, tk := range open {
		if tk.State != ticket.Resolved {
			t.Errorf("incident %s after the resolution", tk.State)
		}
	}
	if os.Getenv("CIFRA_UPDATE_GOLDEN") != "" {
		os.WriteFile("testdata/alertmanager-firing.json", first, 0o644)
		os.WriteFile("testdata/alertmanager-resolved.json", resolved, 0o644)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, p, _ := net.SplitHostPort(l.Addr().String())
	return p
}
