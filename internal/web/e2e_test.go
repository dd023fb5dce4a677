package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cifra-health/cifra/internal/catalog/catalogtest"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/rufmt"
)

// chromiumPath finds the browser the end-to-end test drives.
func chromiumPath() string {
	for _, p := range []string{os.Getenv("CIFRA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// testOut is where screenshots go: $CIFRA_TEST_OUT or a temp folder.
func testOut(t *testing.T) string {
	dir := os.Getenv("CIFRA_TEST_OUT")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "cifra-e2e")
	}
	dir = filepath.Join(dir, "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browserErrors collects console errors, uncaught exceptions and failed
// loads reported by the page.
type browserErrors struct {
	mu   sync.Mutex
	msgs []string
}

func (b *browserErrors) add(s string) {
	b.mu.Lock()
	b.msgs = append(b.msgs, s)
	b.mu.Unlock()
}

func (b *browserErrors) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.msgs
	b.msgs = nil
	return out
}

func TestE2E(t *testing.T) {
	ctx, errs := startBrowser(t, 4*time.Minute)
	// The server counts the requests for the Central district's league, so
	// that a filter sent twice shows even when one navigation replaces the
	// other in the browser.
	var cenRequests atomic.Int32
	app := New(catalogtest.Demo(t), nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && r.URL.Query().Get("district") == "FD-CEN" {
			cenRequests.Add(1)
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	out := testOut(t)
	var api RatingJSON
	get(t, srv, "/api/v1/rating?period=2020", 200, &api)
	var tula report.LeagueRow
	worst := api.Rows[0]
	for _, r := range api.Rows {
		if r.ISOCode == "RU-TUL" {
			tula = r
		}
		if r.Rank > worst.Rank {
			worst = r
		}
	}

	// Whole-page captures are slow to encode, so only the main pages get
	// one; the rest keep the first screen.
	full := map[string]bool{"rating": true, "map": true, "region-tula": true, "indicator": true}
	shot := func(t *testing.T, name string) {
		t.Helper()
		grab := chromedp.CaptureScreenshot()
		if full[name] {
			grab = chromedp.FullScreenshot(100) // 100 = lossless PNG
		}
		buf, err := chromedp.Run(ctx, grab)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// load opens a page, waits for it and checks the console stayed clean.
	load := func(t *testing.T, path, name string) {
		t.Helper()
		errs.take()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatalf("load %s: %v", path, err)
		}
		shot(t, name)
		if e := errs.take(); len(e) > 0 {
			t.Errorf("%s: browser errors:\n%s", path, strings.Join(e, "\n"))
		}
	}
	text := func(t *testing.T, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	waitURL := func(t *testing.T, part string) { t.Helper(); waitForURL(ctx, t, part) }
	firstRow := func(t *testing.T) string {
		return eval[string](ctx, t, `document.querySelector('#league tbody tr[data-iso]').dataset.iso`)
	}
	rowCount := func(t *testing.T) int {
		return eval[int](ctx, t, `document.querySelectorAll('#league tbody tr[data-iso]:not([hidden])').length`)
	}

	// The listener must see errors, or "no errors" below would prove nothing.
	t.Run("error listener works", func(t *testing.T) {
		errs.take()
		if err := chromedp.Do(ctx, chromedp.Navigate(`data:text/html,<main></main><script>console.error("probe");undefinedFn()</script>`),
			chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		if e := errs.take(); len(e) < 2 {
			t.Fatalf("listener caught %v, want a console error and an exception", e)
		}
	})

	t.Run("every page loads cleanly", func(t *testing.T) {
		ind := firstIndicator(t, srv)
		for _, p := range []struct{ path, name string }{
			{"/", "rating"}, {"/map", "map"}, {"/map?by=grade", "map-grade"}, {"/map?indicator=" + ind, "map-indicator"},
			{"/regions/RU-TUL", "region-tula"}, {"/regions/RU-TUL/explain", "region-tula-explain"},
			{"/indicators/" + ind, "indicator"}, {"/methodologies/" + DefaultMethodology, "methodology"},
			{"/completeness", "completeness"}, {"/completeness?region=RU-TUL", "completeness-tula"},
		} {
			load(t, p.path, p.name)
		}
	})

	// WCAG AA: every visible HTML text passes 4.5:1 (3:1 when large) against
	// the first opaque background behind it, and focus is visible. SVG text
	// is left out: its background is whatever shape lies under it.
	t.Run("contrast and focus", func(t *testing.T) {
		for _, path := range []string{"/", "/map", "/regions/RU-TUL", "/regions/RU-TUL/explain", "/methodologies/" + DefaultMethodology, "/completeness"} {
			load(t, path, "contrast"+strings.NewReplacer("/", "-", "?", "-").Replace(path))
			if n := eval[int](ctx, t, `document.querySelectorAll('main *').length`); n < 10 {
				t.Fatalf("%s: only %d elements, nothing to check", path, n)
			}
			bad := eval[[]string](ctx, t, contrastJS)
			if len(bad) > 0 {
				t.Errorf("%s: %d texts below WCAG AA contrast, e.g.:\n%s", path, len(bad), strings.Join(bad[:min(len(bad), 8)], "\n"))
			}
			// Tab as a keyboard user would: each stop must show its focus.
			for range 4 {
				if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
					t.Fatal(err)
				}
				if f := eval[string](ctx, t, focusJS); f != "" {
					t.Errorf("%s: focus not visible: %s", path, f)
					break
				}
			}
		}
		// The check must be able to fail.
		if err := chromedp.Do(ctx, chromedp.Navigate(`data:text/html,<main><p style="color:%23999;background:%23fff">low contrast text</p><p>fine</p><p>x</p><p>x</p><p>x</p><p>x</p><p>x</p><p>x</p><p>x</p><p>x</p></main>`),
			chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatal(err)
		}
		if bad := eval[[]string](ctx, t, contrastJS); len(bad) != 1 {
			t.Errorf("probe: %v, want exactly the grey paragraph", bad)
		}
	})

	t.Run("rating figures equal the API", func(t *testing.T) {
		load(t, "/?period=2020", "rating-2020")
		rank := text(t, `tr[data-iso="RU-TUL"] td.rank`)
		score := text(t, `tr[data-iso="RU-TUL"] td.score`)
		if rank != fmt.Sprint(tula.Rank) || score != rufmt.Number(float64(tula.Score), 1) {
			t.Errorf("Tula shown as rank %s score %s; API rank %d score %s", rank, score, tula.Rank, rufmt.Number(float64(tula.Score), 1))
		}
		if got := firstRow(t); got != api.Rows[0].ISOCode {
			t.Errorf("first row %s, API leader %s", got, api.Rows[0].ISOCode)
		}
	})

	t.Run("sorting by clicking a header", func(t *testing.T) {
		load(t, "/?period=2020", "sort-before")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`th a[data-sort="score"]`))); err != nil {
			t.Fatal(err)
		}
		waitURL(t, "sort=score")
		if got := firstRow(t); got != api.Rows[0].ISOCode { // best first
			t.Errorf("score descending: first %s, want %s", got, api.Rows[0].ISOCode)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`th a[data-sort="score"]`))); err != nil {
			t.Fatal(err)
		}
		waitURL(t, "dir=asc")
		if got := firstRow(t); got != worst.ISOCode {
			t.Errorf("score ascending: first %s, want %s", got, worst.ISOCode)
		}
		shot(t, "sort-score-asc")
	})

	t.Run("district filter and search", func(t *testing.T) {
		load(t, "/?period=2020", "filter-before")
		// Every document this tab commits from here on counts itself, so
		// that a second navigation (the button's after the script's) shows.
		navs, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
			Source: `sessionStorage.setItem("navs", String(Number(sessionStorage.getItem("navs") || 0) + 1))`})
		if err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(ctx, cdppage.RemoveScriptToEvaluateOnNewDocument, cdppage.RemoveScriptToEvaluateOnNewDocumentParams(navs))
		eval[any](ctx, t, `sessionStorage.setItem("navs", "0")`)
		// Choosing a district submits the form (the script); a click on the
		// button while that page is on its way must not send it again. The
		// click runs in the old document's next task: if the new page has
		// already replaced it, the timer dies with it and nothing is clicked.
		eval[any](ctx, t, `(function () {
			var sel = document.getElementById("f-district");
			sel.value = "FD-CEN";
			sel.dispatchEvent(new Event("change", {bubbles: true}));
			setTimeout(function () { sel.form.querySelector('button[type="submit"]').click(); }, 0);
		})()`)
		waitURL(t, "district=FD-CEN")
		if n := rowCount(t); n != 18 {
			t.Errorf("Central district: %d rows, want 18", n)
		}
		if n := cenRequests.Load(); n != 1 {
			t.Errorf("choosing a district sent %d requests, want one", n)
		}
		if n := eval[string](ctx, t, `sessionStorage.getItem("navs")`); n != "1" {
			t.Errorf("choosing a district committed %s documents, want one", n)
		}
		districts := eval[[]string](ctx, t, `[...new Set([...document.querySelectorAll('#league tbody tr[data-iso]')].map(r => r.dataset.district))]`)
		if len(districts) != 1 || districts[0] != "FD-CEN" {
			t.Errorf("districts shown: %v", districts)
		}
		// Typing filters without a round trip.
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#f-q"), "Тульск")); err != nil {
			t.Fatal(err)
		}
		if n := settle(t, func() int { return rowCount(t) }, 1); n != 1 {
			t.Errorf("search Тульск: %d rows visible, want 1", n)
		}
		if n := eval[string](ctx, t, `sessionStorage.getItem("navs")`); n != "1" {
			t.Errorf("typing navigated: %s documents", n)
		}
		shot(t, "filter-cen-tula")
		errs.take()
	})

	// Without the script the button is the only way: the page must work
	// as a plain form (the keyboard picks the district, the button sends).
	t.Run("district filter without script", func(t *testing.T) {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		load(t, "/?period=2020", "noscript-before")
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#f-district"))); err != nil {
			t.Fatal(err)
		}
		// Walk the options with the keyboard until the Central district is
		// chosen: no script sees the change, so nothing navigates yet.
		for range 12 {
			if v := eval[string](ctx, t, `document.getElementById("f-district").value`); v == "FD-CEN" {
				break
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
				t.Fatal(err)
			}
		}
		if loc := eval[string](ctx, t, `location.search`); strings.Contains(loc, "district=") {
			t.Fatalf("navigated without the button: %s", loc)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`))); err != nil {
			t.Fatal(err)
		}
		waitURL(t, "district=FD-CEN")
		if n := eval[int](ctx, t, `document.querySelectorAll('#league tbody tr[data-iso]').length`); n != 18 {
			t.Errorf("Central district without script: %d rows, want 18", n)
		}
		shot(t, "noscript-cen")
	})

	t.Run("map tile opens the region", func(t *testing.T) {
		load(t, "/map?period=2020", "map-2020")
		focused := eval[string](ctx, t, `(function(){var a=document.querySelector('a.tile[data-iso="RU-TUL"]');a.focus();return document.activeElement.getAttribute('data-iso')})()`)
		if focused != "RU-TUL" {
			t.Errorf("tile not focusable: active element %q", focused)
		}
		label := eval[string](ctx, t, `document.querySelector('a.tile[data-iso="RU-TUL"]').getAttribute('aria-label')`)
		if want := fmt.Sprintf("%d место", tula.Rank); !strings.Contains(label, want) || !strings.Contains(label, rufmt.Number(float64(tula.Score), 1)) {
			t.Errorf("tile label %q lacks rank %d or score", label, tula.Rank)
		}
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(`a.tile[data-iso="RU-TUL"] rect`)))
		if err != nil || len(nodes) == 0 {
			t.Fatalf("tile node: %v", err)
		}
		if err := chromedp.Do(ctx, chromedp.MouseClickNode(nodes[0])); err != nil {
			t.Fatal(err)
		}
		waitURL(t, "/regions/RU-TUL")
		if h := text(t, "h1"); h != "Тульская область" {
			t.Errorf("tile opened %q", h)
		}
		if r := text(t, "#rank"); r != fmt.Sprint(tula.Rank) {
			t.Errorf("region card rank %s, API %d", r, tula.Rank)
		}
		shot(t, "map-click-tula")
	})
	t.Logf("screenshots in %s", out)
}

// startBrowser starts headless chromium (1280×900, Russian) for a test that
// may run at most timeout, with a listener collecting console errors,
// uncaught exceptions and error log entries; it ends with the test. It
// skips the test in -short mode or when chromium is missing, loudly, since
// a skipped browser test proves nothing.
func startBrowser(t *testing.T, timeout time.Duration) (context.Context, *browserErrors) {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		t.Skip("!!! SKIPPING a browser end-to-end test: chromium not found (install Debian's chromium or set CIFRA_CHROMIUM) !!!")
	}
	if testing.Short() {
		t.Skip("browser end-to-end test skipped in -short mode")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "ru-RU"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelT)

	errs := &browserErrors{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				errs.add("console." + string(ev.Type) + ": " + strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			errs.add(fmt.Sprintf("exception: %s at %s:%d", msg, d.URL, d.LineNumber))
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				errs.add("log: " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil { // starts the browser; chromedp enables the runtime and log domains
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, errs
}

// waitForURL waits for a navigation started by a click or a submit: the
// location holds part and the new document has loaded.
func waitForURL(ctx context.Context, t *testing.T, part string) {
	t.Helper()
	var loc string
	for range 200 {
		var err error
		if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
			t.Fatal(err)
		}
		// The URL changes when the new document commits, before it is
		// parsed: wait for it to finish loading too.
		if strings.Contains(loc, part) && eval[string](ctx, t, "document.readyState") == "complete" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("URL %s does not contain %q", loc, part)
}

// settle polls f for up to five seconds until it returns want, and returns
// its last value: pages that navigate or filter after an event get there
// in their own time on a loaded machine.
func settle(t *testing.T, f func() int, want int) int {
	t.Helper()
	var got int
	for range 100 {
		if got = f(); got == want {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	return got
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](ctx context.Context, t *testing.T, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// contrastJS lists the visible HTML texts whose contrast ratio (WCAG 2.x
// relative luminance) is below AA against the nearest opaque background.
const contrastJS = `(function(){
function rgba(s){var m=s.match(/rgba?\(([^)]+)\)/);if(!m)return null;var p=m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);return {r:p[0],g:p[1],b:p[2],a:p.length>3?p[3]:1}}
function lin(c){c/=255;return c<=0.03928?c/12.92:Math.pow((c+0.055)/1.055,2.4)}
function lum(c){return 0.2126*lin(c.r)+0.7152*lin(c.g)+0.0722*lin(c.b)}
function over(f,b){return {r:f.r*f.a+b.r*(1-f.a),g:f.g*f.a+b.g*(1-f.a),b:f.b*f.a+b.b*(1-f.a),a:1}}
function bg(el){var layers=[];for(var e=el;e&&e.nodeType===1;e=e.parentElement){var cs=getComputedStyle(e);if(cs.backgroundImage&&cs.backgroundImage!=='none')return null;var c=rgba(cs.backgroundColor);if(c&&c.a>0){layers.push(c);if(c.a>=1)break}}var b={r:255,g:255,b:255,a:1};for(var i=layers.length-1;i>=0;i--)b=over(layers[i],b);return b}
var out=[];var all=document.querySelectorAll('body *');
for(var i=0;i<all.length;i++){var el=all[i];if(el.closest('svg')||/^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|OPTION)$/.test(el.tagName))continue;
var own='';for(var n=el.firstChild;n;n=n.nextSibling)if(n.nodeType===3)own+=n.textContent;own=own.trim();if(!own)continue;
var r=el.getBoundingClientRect();var cs=getComputedStyle(el);if(r.width===0||r.height===0||cs.visibility==='hidden'||cs.display==='none'||parseFloat(cs.opacity)===0)continue;
if(el.closest('.sr-only,.visually-hidden'))continue;
var b=bg(el);if(!b)continue;var f=rgba(cs.color);if(!f)continue;f=over(f,b);
var L1=lum(f),L2=lum(b),ratio=(Math.max(L1,L2)+0.05)/(Math.min(L1,L2)+0.05);
var size=parseFloat(cs.fontSize),bold=parseInt(cs.fontWeight)>=700,large=size>=24||(bold&&size>=18.66);
if(ratio<(large?3:4.5))out.push(el.tagName.toLowerCase()+(el.className?'.'+String(el.className).split(' ')[0]:'')+' "'+own.slice(0,30)+'" '+ratio.toFixed(2)+' '+cs.color+' on rgb('+[b.r,b.g,b.b].map(Math.round)+')')}
return out})()`

// focusJS says what is wrong with the focused element's focus indicator:
// "" when it shows an outline or a box shadow (the tile map draws its own
// stroke on the focused tile's shape).
const focusJS = `(function(){var a=document.activeElement;if(!a||a===document.body)return 'nothing focused';
if(a.closest('svg.tilemap')){var r=a.querySelector('rect');return r&&getComputedStyle(r).stroke!=='none'?'':'no stroke on focused tile'}
var cs=getComputedStyle(a);if((cs.outlineStyle==='none'||parseFloat(cs.outlineWidth)===0)&&cs.boxShadow==='none')return 'no outline on '+a.outerHTML.slice(0,80);return ''})()`
