package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/catalog/catalogtest"
)

// TestRouteNeedsPolicy: the table refuses a route without an access
// policy and a pattern registered twice.
func TestRouteNeedsPolicy(t *testing.T) {
	s := New(catalogtest.Demo(t), nil)
	h := func(http.ResponseWriter, *http.Request) {}
	for _, c := range []struct {
		name, pattern string
		pol           RoutePolicy
		want          string
	}{
		{"zero policy", "GET /nowhere", RoutePolicy{}, "no access policy"},
		{"twice", "GET /map", RoutePolicy{Access: Public}, "registered twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				v := recover()
				if msg, _ := v.(string); !strings.Contains(msg, c.want) {
					t.Fatalf("route(%q): panic %v, want one saying %q", c.pattern, v, c.want)
				}
			}()
			s.route(c.pattern, c.pol, h)
		})
	}
}
