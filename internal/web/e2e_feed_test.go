package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"net/http/httptest"
)

// TestE2EFeed opens the scheduling-feed pages in chromium over a small
// synthetic feed: they load without browser errors, draw their charts and
// keep within the window; screenshots go where TestE2E puts its own.
func TestE2EFeed(t *testing.T) {
	exe := chromiumPath()
	if exe == "" {
		t.Skip("!!! SKIPPING the feed pages' browser test: chromium not found (install Debian's chromium or set CIFRA_CHROMIUM) !!!")
	}
	if testing.Short() {
		t.Skip("browser end-to-end test skipped in -short mode")
	}
	f := newFeedFixture(t, 600)
	srv := httptest.NewServer(f.srv)
	t.Cleanup(srv.Close)
	out := testOut(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "ru-RU"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()
	errs := &browserErrors{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				errs.add("console.error")
			}
		case *runtime.EventExceptionThrown:
			errs.add("exception: " + ev.ExceptionDetails.Text)
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
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
