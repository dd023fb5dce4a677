// Package probe checks the availability of registered endpoints (HTTP(S)
// and TCP) at their intervals with timeouts and bounded concurrency,
// turns N consecutive failures into an outage and the first success after
// it into a recovery, and rolls raw checks up per interval: a year of
// one-minute checks of 30,000 systems is kept as state changes and
// rollups, not as raw rows.
package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/cifra-health/cifra/internal/support/register"
)

// Target is one registered system to check.
type Target struct {
	System string
	Probe  register.Probe
}

// Result is one check.
type Result struct {
	System  string
	At      time.Time // when the check started, UTC
	OK      bool
	Latency time.Duration
	Error   string // Russian, for the status page and the incident
}

// Checker performs single checks.
type Checker struct {
	// Client is used for HTTP(S); nil means one with no keep-alive (a
	// probe measures a fresh connection, as a user's browser makes it)
	// and at most three redirects.
	Client *http.Client
	Dialer *net.Dialer
}

// NewChecker returns a Checker with its own client.
func NewChecker() *Checker {
	tr := &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12},
		Proxy: nil, ResponseHeaderTimeout: 0}
	return &Checker{
		Client: &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("больше трёх перенаправлений")
			}
			return nil
		}},
		Dialer: &net.Dialer{},
	}
}

// maxBody is read from an HTTP answer: enough to know the server
// finished sending headers and started a body, not a download.
const maxBody = 64 << 10

// Check runs one check within the probe's timeout. An HTTP target is up
// when it answers with a status below 400; a TCP target when it accepts
// a connection.
func (c *Checker) Check(ctx context.Context, t Target) Result {
	start := time.Now()
	r := Result{System: t.System, At: start.UTC()}
	ctx, cancel := context.WithTimeout(ctx, t.Probe.Timeout)
	defer cancel()
	err := c.check(ctx, t.Probe.Target)
	r.Latency = time.Since(start)
	if err != nil {
		r.Error = describe(err, t.Probe.Timeout)
		return r
	}
	r.OK = true
	return r
}

func (c *Checker) check(ctx context.Context, target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	if u.Scheme == "tcp" {
		conn, err := c.Dialer.DialContext(ctx, "tcp", u.Host)
		if err != nil {
			return err
		}
		return conn.Close()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "Cifra-probe/1")
	resp, err := c.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody)); err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return statusError(resp.StatusCode)
	}
	return nil
}

type statusError int

func (s statusError) Error() string { return fmt.Sprintf("HTTP %d", int(s)) }

// describe says in Russian what went wrong, without the Go error chain.
func describe(err error, timeout time.Duration) string {
	var se statusError
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("сервер ответил кодом %d", int(se))
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, http.ErrHandlerTimeout):
		return fmt.Sprintf("нет ответа за %v", timeout)
	case errors.As(err, &dns):
		return "имя узла не найдено: " + dns.Name
	case errors.As(err, &op) && op.Op == "dial":
		return "соединение не установлено"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("нет ответа за %v", timeout)
	}
	return "ошибка проверки: " + err.Error()
}
