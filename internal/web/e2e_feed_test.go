package web

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestE2EFeed opens the scheduling-feed pages in chromium over a small
// synthetic feed: they load without browser errors, draw their charts and
// keep within the window; screenshots go where TestE2E puts its own.
func TestE2EFeed(t *testing.T) {
	ctx, errs := startBrowser(t, 2*time.Minute)
	f := newFeedFixture(t, 600)
	srv := httptest.NewServer(f.srv)
	t.Cleanup(srv.Close)
	out := testOut(t)
	for _, p := range []struct{ path, name, sel string }{
		{"/slots", "feed-slots", "svg.chart-heat"},
		{"/slots?region=RU-TUL&norm=0", "feed-slots-tula", "svg.chart-heat"},
		{"/pathway?region=RU-TUL", "feed-pathway-tula", "svg.chart-flow"},
	} {
		t.Run(p.name, func(t *testing.T) {
			errs.take()
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel))); err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			overflow := eval[bool](ctx, t, `document.documentElement.scrollWidth > window.innerWidth + 1`)
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot %s: %v", p.path, err)
			}
			if err := os.WriteFile(filepath.Join(out, p.name+".png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
			if overflow {
				t.Errorf("%s is wider than the window", p.path)
			}
			if e := errs.take(); len(e) > 0 {
				t.Errorf("%s: browser errors: %s", p.path, strings.Join(e, "; "))
			}
		})
	}
}
