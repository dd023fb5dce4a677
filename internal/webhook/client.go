package webhook

import (
	"net"
	"net/http"
	"syscall"
	"time"
)

// NewClient is the HTTP client deliveries use: it connects only to
// addresses the policy allows (checked after DNS resolution), follows no
// redirects (a redirect could lead anywhere) and gives up after timeout.
func NewClient(p Policy, timeout time.Duration) *http.Client {
	d := &net.Dialer{
		Timeout: timeout,
		Control: func(network, address string, _ syscall.RawConn) error { return p.dialControl(network, address) },
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
