package main

// End-to-end tests in a real browser: Debian's Chromium, driven over the
// DevTools protocol by chromedp, against the same handler main builds,
// served by httptest on 127.0.0.1. They check what only a browser shows:
// the page's JavaScript (copy link, keeping #anchor on language switch),
// the Content-Security-Policy as the browser enforces it, the console, and
// accessibility as axe-core measures it on the rendered page (contrast in
// light and dark mode included).
//
// Run them with
//
//	BROWSER_TESTS=1 go test -run Browser -count=1 -v .
//
// They need Chromium (env CHROMIUM, default /usr/bin/chromium; Debian
// package chromium) and axe-core (env AXE_CORE, default
// .ci/node_modules/axe-core/axe.min.js; npm ci --prefix .ci). browserEnv
// decides whether they run: see there.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"smtpcodes.dev/internal/locale"
)

// browserTestTimeout bounds one TestBrowser function, browser start
// included. The axe test loads seven pages in every language (a second or
// so each on a loaded two-core machine); a hung page must fail the test,
// not stall CI, and a busy machine must not fail it.
const browserTestTimeout = 5 * time.Minute

const defaultChromium = "/usr/bin/chromium"

// defaultAxeCore is where `npm ci --prefix .ci` (.ci/package.json) puts
// axe-core, relative to the repository root, which is this package's
// directory and so the working directory of go test.
var defaultAxeCore = filepath.Join(".ci", "node_modules", "axe-core", "axe.min.js")

// browserPaths is what browserEnv found.
type browserPaths struct {
	chromium string
	axe      string // set only when asked for
}

// browserEnv decides whether a browser test runs; every TestBrowser calls
// it first. With CI or BROWSER_TESTS set, the browser tests are required:
// a missing Chromium or axe-core fails the test, so a CI machine that lost
// its browser cannot pass by skipping. Otherwise a missing Chromium (or
// axe-core, for the test that needs it) skips, with the command that runs
// the tests.
func browserEnv(t *testing.T, needAxe bool) browserPaths {
	t.Helper()
	required := os.Getenv("CI") != "" || os.Getenv("BROWSER_TESTS") != ""
	missing := func(what, how string) {
		t.Helper()
		if required {
			t.Fatalf("%s; the browser tests are required because CI or BROWSER_TESTS is set (%s)", what, how)
		}
		t.Skipf("%s: skipping the browser tests. To run them: %s, then BROWSER_TESTS=1 go test -run Browser -count=1 -v .", what, how)
	}
	var p browserPaths
	chromium := envOr("CHROMIUM", defaultChromium)
	path, err := exec.LookPath(chromium)
	if err != nil {
		missing(fmt.Sprintf("Chromium not found at %s (env CHROMIUM)", chromium), "apt-get install chromium, or set CHROMIUM to the browser's path")
	}
	p.chromium = path
	if needAxe {
		p.axe = envOr("AXE_CORE", defaultAxeCore)
		if _, err := os.Stat(p.axe); err != nil {
			missing(fmt.Sprintf("axe-core not found at %s (env AXE_CORE)", p.axe), "npm ci --prefix .ci, or set AXE_CORE to axe.min.js")
		}
	}
	return p
}

// testBrowser is one Chromium with the site served beside it.
type testBrowser struct {
	ctx  context.Context // the browser's first tab; tabs are its children
	base string          // the test server's URL, http://127.0.0.1:port
}

// startBrowser serves the site and starts a headless Chromium with a fresh
// profile; both stop when the test ends.
func startBrowser(t *testing.T, p browserPaths) *testBrowser {
	t.Helper()
	// httptest listens on 127.0.0.1 only. The site sends no
	// Strict-Transport-Security over plain HTTP (site.Config.Secure is off),
	// and a loopback origin is a secure context, so the page's Clipboard API
	// path runs as it does over HTTPS.
	srv := httptest.NewServer(newTestServer(t))
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(p.chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
		chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
		// No UserDataDir option: the allocator then passes a fresh
		// --user-data-dir in os.TempDir and removes it when Chromium has
		// exited, so no test sees another's cookies or permissions.
	)
	ctx, cancel := context.WithTimeout(context.Background(), browserTestTimeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc) // waits for Chromium to exit
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	start := time.Now()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium %s: %v", p.chromium, err)
	}
	t.Logf("Chromium started in %v", time.Since(start).Round(time.Millisecond))
	return &testBrowser{ctx: bctx, base: srv.URL}
}

// consoleMessage is an error or warning the page reported: a console.error
// or console.warn call, an uncaught exception, or a browser log entry (a
// Content-Security-Policy violation, a failed request).
type consoleMessage struct {
	source string // console, exception, or the log entry's source (security, network, ...)
	level  string
	text   string
	url    string
}

func (m consoleMessage) String() string {
	s := fmt.Sprintf("[%s %s] %s", m.source, m.level, m.text)
	if m.url != "" {
		s += " (" + m.url + ")"
	}
	return s
}

// tab is one browser tab that collects every error and warning its pages
// report. load fails the test on any of them, and so does the end of the
// test for what came after the last load.
type tab struct {
	t    *testing.T
	b    *testBrowser
	ctx  context.Context
	mu   sync.Mutex
	msgs []consoleMessage
	// expected404 is the URL of a page loaded on purpose with status 404;
	// the browser logs its status as a network error, which is no fault.
	expected404 string
}

func (b *testBrowser) newTab(t *testing.T) *tab {
	t.Helper()
	tb := &tab{t: t, b: b}
	// WithListener is the ordered event listener (chromedp v0.23's
	// replacement for ListenTarget), in place before the tab's first
	// command, so it sees the events of every page the tab loads. chromedp
	// enables the Runtime and Log domains when it attaches the tab.
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(tb.listen))
	t.Cleanup(func() {
		cancel()
		tb.checkConsole("at the end of the test")
	})
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return tb
}

// listen runs in the tab's event loop: it must return fast and send no
// command.
func (tb *tab) listen(ev any) {
	var m consoleMessage
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
		default:
			return
		}
		var args []string
		for _, a := range ev.Args {
			if a.Value != nil {
				args = append(args, strings.Trim(string(a.Value), `"`))
			} else {
				args = append(args, a.Description)
			}
		}
		m = consoleMessage{source: "console", level: string(ev.Type), text: strings.Join(args, " ")}
		if st := ev.StackTrace; st != nil && len(st.CallFrames) > 0 {
			m.url = fmt.Sprintf("%s:%d", st.CallFrames[0].URL, st.CallFrames[0].LineNumber+1)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		m = consoleMessage{source: "exception", level: "error", text: text, url: fmt.Sprintf("%s:%d", d.URL, d.LineNumber+1)}
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e.Level != cdplog.EntryLevelError && e.Level != cdplog.EntryLevelWarning {
			return
		}
		m = consoleMessage{source: string(e.Source), level: string(e.Level), text: e.Text, url: e.URL}
	default:
		return
	}
	tb.mu.Lock()
	tb.msgs = append(tb.msgs, m)
	tb.mu.Unlock()
}

// takeConsole returns the messages collected so far and forgets them.
func (tb *tab) takeConsole() []consoleMessage {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	msgs := tb.msgs
	tb.msgs = nil
	return msgs
}

// checkConsole fails the test for every error or warning since the last
// check.
func (tb *tab) checkConsole(when string) {
	tb.t.Helper()
	for _, m := range tb.takeConsole() {
		if m.source == string(cdplog.EntrySourceNetwork) && strings.Contains(m.text, "404") {
			if tb.expected404 != "" && m.url == tb.expected404 {
				continue
			}
			// Chromium asks for /favicon.ico after the load event, so its
			// 404 lands in whichever check comes next, or in none; the
			// "favicon" subtest checks it deterministically instead.
			if u, err := url.Parse(m.url); err == nil && u.Path == "/favicon.ico" {
				continue
			}
		}
		tb.t.Errorf("browser console %s: %s", when, m)
	}
}

// load navigates to path on the test server, requires the status, and
// fails the test on any console error or warning the page reports while it
// loads and runs its scripts.
func (tb *tab) load(path string, wantStatus int) {
	tb.t.Helper()
	u := tb.b.base + path
	tb.expected404 = ""
	if wantStatus == http.StatusNotFound {
		tb.expected404 = strings.SplitN(u, "#", 2)[0]
	}
	resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(u))
	if err != nil {
		tb.t.Fatalf("load %s: %v", path, err)
	}
	if resp == nil || int(resp.Status) != wantStatus {
		status := -1
		if resp != nil {
			status = int(resp.Status)
		}
		tb.t.Fatalf("load %s: status %d, want %d", path, status, wantStatus)
	}
	// site.js runs deferred, before the load event NavigateResponse waits
	// for; a round trip to the page lets late console events arrive.
	tb.eval(`document.readyState`)
	tb.checkConsole("on " + path)
}

// evalIn evaluates expr in the tab's page, awaits it when it is a promise,
// and decodes the result into T.
func evalIn[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// eval returns String(expr) evaluated in the page. String() runs before
// any await, so a promise must go through evalIn.
func (tb *tab) eval(expr string) string {
	tb.t.Helper()
	return evalIn[string](tb, `String(`+expr+`)`)
}

// pollText waits until expr (a string expression) is non-empty and
// returns it.
func (tb *tab) pollText(expr string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Poll[string](expr, chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil {
		tb.t.Fatalf("wait for %s: %v", expr, err)
	}
	return v
}

func (tb *tab) click(sel string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		tb.t.Fatalf("click %s: %v", sel, err)
	}
}

var browserLangs = []string{"en", "ja"}

// shippedLangs returns the code of every language the site ships (its
// locales directory), for the tests that must hold in each: a language
// added later is checked without a change here.
func shippedLangs(t *testing.T) []string {
	t.Helper()
	set, err := locale.Load(os.DirFS("locales"))
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range set.Langs() {
		codes = append(codes, l.Code)
	}
	return codes
}

// pageFacts is what a reader sees first on a page.
type pageFacts struct {
	Lang     string            `json:"lang"`
	H1       string            `json:"h1"`
	Headings map[string]string `json:"headings"` // id -> the heading's own text, without the # link or copy button
}

const pageFactsJS = `(() => {
  const own = el => el ? Array.from(el.childNodes)
    .filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim() : "(missing)";
  const h1 = document.querySelector("h1");
  return {
    lang: document.documentElement.lang,
    h1: h1 ? h1.textContent.trim() : "(missing)",
    headings: Object.fromEntries(%s.map(id => [id, own(document.getElementById(id))])),
  };
})()`

func TestBrowserPages(t *testing.T) {
	b := startBrowser(t, browserEnv(t, false))
	type headings map[string]string // id -> text
	pages := []struct {
		name     string
		path     string
		inH1     []string
		headings map[string]headings // lang -> id -> text
	}{
		{name: "code", path: "/codes/421", inH1: []string{"421"}, headings: map[string]headings{
			"en": {"description": "Description", "when": "When you see this code", "fix": "How to fix"},
			"ja": {"description": "説明", "when": "このコードが表示される場合", "fix": "解決方法"},
		}},
		{name: "compare", path: "/compare/421-vs-556", inH1: []string{"421", "556"}, headings: map[string]headings{
			"en": {"differences": "Key differences", "which": "When to use which"},
			"ja": {"differences": "主な違い", "which": "どちらをいつ使うか"},
		}},
	}
	for _, p := range pages {
		for _, lang := range browserLangs {
			t.Run(p.name+"/"+lang, func(t *testing.T) {
				tb := b.newTab(t)
				tb.load(p.path+"?lang="+lang, http.StatusOK)
				var ids []string
				for id := range p.headings[lang] {
					ids = append(ids, fmt.Sprintf("%q", id))
				}
				got := evalIn[pageFacts](tb, fmt.Sprintf(pageFactsJS, "["+strings.Join(ids, ",")+"]"))
				if got.Lang != lang {
					t.Errorf("<html lang> = %q, want %q", got.Lang, lang)
				}
				for _, s := range p.inH1 {
					if !strings.Contains(got.H1, s) {
						t.Errorf("h1 %q does not contain %q", got.H1, s)
					}
				}
				for id, want := range p.headings[lang] {
					if got.Headings[id] != want {
						t.Errorf("#%s heading = %q, want %q", id, got.Headings[id], want)
					}
				}
			})
		}
	}

	// Every browser asks for the page's icon, /favicon.ico when the page
	// names none, and logs a console error when that is a 404.
	t.Run("favicon", func(t *testing.T) {
		tb := b.newTab(t)
		tb.load("/?lang=en", http.StatusOK)
		icon := tb.eval(`(document.querySelector('link[rel~="icon"]') || {href: location.origin + "/favicon.ico"}).href`)
		if strings.HasPrefix(icon, "data:") {
			return
		}
		resp, err := http.Get(icon)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the page's icon %s: status %d, want 200 (browsers log a console error for it; serve an icon, or name one with <link rel=\"icon\">)", strings.TrimPrefix(icon, b.base), resp.StatusCode)
		}
	})

	// The console check above must be able to fail: a page error and a
	// CSP violation (an inline script, which the site's policy forbids)
	// both have to reach the collector.
	t.Run("console check sees errors and CSP violations", func(t *testing.T) {
		tb := b.newTab(t)
		tb.load("/codes/421?lang=en", http.StatusOK)
		tb.eval(`console.error("probe-error")`)
		tb.eval(`(() => { const s = document.createElement("script"); s.textContent = "window.inlineRan = true"; document.head.appendChild(s); return ""; })()`)
		if ran := tb.eval(`window.inlineRan === true`); ran != "false" {
			t.Errorf("an inline script ran despite the Content-Security-Policy")
		}
		var sawError, sawCSP bool
		deadline := time.Now().Add(3 * time.Second)
		var msgs []consoleMessage
		for time.Now().Before(deadline) && !(sawError && sawCSP) {
			tb.eval(`1`)
			msgs = append(msgs, tb.takeConsole()...)
			for _, m := range msgs {
				sawError = sawError || (m.source == "console" && strings.Contains(m.text, "probe-error"))
				sawCSP = sawCSP || strings.Contains(m.text, "Content Security Policy")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !sawError || !sawCSP {
			t.Errorf("console collector saw console.error: %v, CSP violation: %v; messages: %v", sawError, sawCSP, msgs)
		}
	})
}

func TestBrowserLanguageSwitch(t *testing.T) {
	b := startBrowser(t, browserEnv(t, false))
	t.Run("keeps anchor and sets cookie", func(t *testing.T) {
		tb := b.newTab(t)
		tb.load("/codes/421?lang=en#fix", http.StatusOK)
		if c := langCookie(t, tb); c != "" {
			t.Errorf("a ?lang=en link set the lang cookie to %q; only the switcher may", c)
		}
		// The menu opens; the click handler adds #fix to the switcher
		// link; the server answers /codes/421?choose=1&lang=ja with 303 to
		// /codes/421?lang=ja and the browser keeps the fragment across the
		// redirect.
		if _, err := chromedp.Run(tb.ctx, chromedp.Click(chromedp.CSS(`nav.langs summary`), chromedp.NodeVisible)); err != nil {
			t.Fatalf("open the language menu: %v", err)
		}
		resp, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(`nav.langs a[hreflang="ja"]`), chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("click the Japanese link: %v", err)
		}
		if resp.Status != http.StatusOK {
			t.Errorf("after the switch: status %d, want 200", resp.Status)
		}
		tb.checkConsole("after the language switch")
		if got, want := tb.eval(`location.href`), b.base+"/codes/421?lang=ja#fix"; got != want {
			t.Errorf("URL after the switch = %s, want %s", got, want)
		}
		if got := tb.eval(`document.documentElement.lang`); got != "ja" {
			t.Errorf("<html lang> after the switch = %q, want ja", got)
		}
		if got := langCookie(t, tb); got != "ja" {
			t.Errorf("lang cookie after the switch = %q, want ja", got)
		}
	})
	// By keyboard: the menu's summary takes the focus, Enter opens it,
	// Tab reaches the first other language, Enter follows it.
	t.Run("by keyboard", func(t *testing.T) {
		tb := b.newTab(t)
		tb.load("/codes/421?lang=en#when", http.StatusOK)
		if _, err := chromedp.Run(tb.ctx, chromedp.Focus(chromedp.CSS(`nav.langs summary`))); err != nil {
			t.Fatalf("focus the menu: %v", err)
		}
		if _, err := chromedp.Run(tb.ctx, chromedp.KeyEvent("\r")); err != nil {
			t.Fatalf("open the menu by keyboard: %v", err)
		}
		if open := tb.eval(`document.querySelector("nav.langs details").open`); open != "true" {
			t.Fatalf("Enter on the summary did not open the menu")
		}
		if _, err := chromedp.Run(tb.ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		target := tb.eval(`document.activeElement.getAttribute("hreflang")`)
		if target == "" || target == "en" {
			t.Fatalf("Tab from the summary focused %q, want the first other language", tb.eval(`document.activeElement.outerHTML`))
		}
		resp, err := chromedp.RunResponse(tb.ctx, chromedp.KeyEvent("\r"))
		if err != nil || resp.Status != http.StatusOK {
			t.Fatalf("follow the link by keyboard: %v", err)
		}
		if got, want := tb.eval(`location.href`), b.base+"/codes/421?lang="+target+"#when"; got != want {
			t.Errorf("URL after the keyboard switch = %s, want %s", got, want)
		}
	})
}

// grantClipboard lets the test origin read and write the clipboard without
// a prompt. Browser.grantPermissions is gone from the protocol;
// Browser.setPermission with these descriptors grants clipboardReadWrite
// and clipboardSanitizedWrite.
func (tb *tab) grantClipboard() {
	tb.t.Helper()
	// The Clipboard API rejects calls from an unfocused document; a tab
	// that is not in front must still count as focused.
	if _, err := chromedp.Call(tb.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		tb.t.Fatalf("focus emulation: %v", err)
	}
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(tb.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name},
			Setting:    browser.PermissionSettingGranted,
			Origin:     tb.b.base,
		})
		if err != nil {
			tb.t.Fatalf("grant %s: %v", name, err)
		}
	}
}

// langCookie returns the value of the site's lang cookie, "" when unset.
// The cookie is HttpOnly, so it is read through the protocol, not
// document.cookie.
func langCookie(t *testing.T, tb *tab) string {
	t.Helper()
	res, err := chromedp.Call(tb.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.b.base + "/"}})
	if err != nil {
		t.Fatalf("get cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == "lang" {
			return c.Value
		}
	}
	return ""
}

func TestBrowserCopyLink(t *testing.T) {
	b := startBrowser(t, browserEnv(t, false))
	const button = `h2#fix button.copy-link`

	t.Run("clipboard API/ja", func(t *testing.T) {
		tb := b.newTab(t)
		tb.grantClipboard()
		tb.load("/codes/421?lang=ja", http.StatusOK)
		canonical := tb.eval(`document.querySelector('link[rel="canonical"]').href`)
		tb.click(button)
		status := tb.pollText(`document.getElementById("copy-status").textContent`)
		if status != "リンクをコピーしました" {
			t.Errorf("#copy-status = %q, want リンクをコピーしました", status)
		}
		copied := evalIn[string](tb, `navigator.clipboard.readText()`)
		// The page copies its canonical URL (the server's base URL, which
		// newTestServer sets), so the link keeps its language wherever it
		// is pasted.
		if copied != canonical+"#fix" {
			t.Errorf("clipboard = %q, want the canonical URL + #fix, %q", copied, canonical+"#fix")
		}
		if u, err := url.Parse(copied); err != nil || u.Path != "/codes/421" || u.RawQuery != "lang=ja" || u.Fragment != "fix" {
			t.Errorf("clipboard = %q, want a link to /codes/421?lang=ja#fix", copied)
		}
		tb.checkConsole("after copying")
	})

	t.Run("execCommand fallback/en", func(t *testing.T) {
		tb := b.newTab(t)
		tb.grantClipboard()
		tb.load("/codes/421?lang=en", http.StatusOK)
		canonical := tb.eval(`document.querySelector('link[rel="canonical"]').href`)
		// Without navigator.clipboard the page falls back to a textarea and
		// document.execCommand("copy"), which headless Chromium may refuse:
		// either way the reader must hear what happened.
		tb.eval(`Object.defineProperty(navigator, "clipboard", {value: undefined, configurable: true}), navigator.clipboard`)
		tb.click(button)
		status := tb.pollText(`document.getElementById("copy-status").textContent`)
		switch {
		case status == "Link copied":
			// The page hid navigator.clipboard only from itself; the
			// prototype's getter still reaches the clipboard to check it.
			copied := evalIn[string](tb, `Object.getOwnPropertyDescriptor(Navigator.prototype, "clipboard").get.call(navigator).readText()`)
			if copied != canonical+"#fix" {
				t.Errorf("announced %q, but the clipboard holds %q, want %q", status, copied, canonical+"#fix")
			}
		case strings.HasPrefix(status, "Could not copy"):
			// The failure message carries the link, for the reader to copy by hand.
			if !strings.HasSuffix(status, canonical+"#fix") {
				t.Errorf("#copy-status = %q, want it to end with the link %s", status, canonical+"#fix")
			}
		default:
			t.Errorf(`#copy-status = %q, want "Link copied" or "Could not copy..."`, status)
		}
		t.Logf("fallback announced %q", status)
		if n := tb.eval(`document.querySelectorAll("textarea").length`); n != "0" {
			t.Errorf("the fallback left %s textarea(s) in the page", n)
		}
		tb.checkConsole("after copying")
	})
}

// axeViolation is the part of an axe-core result a fix needs.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
		Related []string `json:"related"` // other elements involved, such as a duplicate landmark
	} `json:"nodes"`
}

// axeRunJS runs axe on the whole document and keeps only what a report
// needs, so the result stays small.
const axeRunJS = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({
    target: n.target.map(String), html: n.html, summary: n.failureSummary || "",
    related: [...n.any, ...n.all, ...n.none].flatMap(c => c.relatedNodes || []).map(r => r.target.map(String).join(" ")),
  })),
})))`

// maxAxeNodes is how many elements a report lists for one rule.
const maxAxeNodes = 5

func formatAxe(path string, vs []axeViolation) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "axe-core: %d violation(s) on %s:", len(vs), path)
	for _, v := range vs {
		fmt.Fprintf(&sb, "\n  - %s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == maxAxeNodes {
				fmt.Fprintf(&sb, "\n    ... and %d more element(s)", len(v.Nodes)-maxAxeNodes)
				break
			}
			html := strings.Join(strings.Fields(n.HTML), " ")
			if r := []rune(html); len(r) > 160 {
				html = string(r[:160]) + "…"
			}
			fmt.Fprintf(&sb, "\n    * %s  %s", strings.Join(n.Target, " "), html)
			if n.Summary != "" {
				fmt.Fprintf(&sb, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
			if len(n.Related) > 0 {
				fmt.Fprintf(&sb, "\n      related: %s", strings.Join(n.Related, ", "))
			}
		}
	}
	return sb.String()
}

func TestBrowserAxe(t *testing.T) {
	p := browserEnv(t, true)
	src, err := os.ReadFile(p.axe)
	if err != nil {
		t.Fatal(err)
	}
	axeJS := string(src)
	b := startBrowser(t, p)

	// run loads path, injects axe-core and requires zero violations.
	run := func(tb *tab, path string, status int) {
		tb.t.Helper()
		tb.load(path, status)
		// Runtime.evaluate is not subject to the page's CSP, so axe can be
		// injected into a page that forbids inline and foreign scripts.
		if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](axeJS)); err != nil {
			tb.t.Fatalf("inject axe-core: %v", err)
		}
		vs := evalIn[[]axeViolation](tb, axeRunJS)
		if len(vs) > 0 {
			tb.t.Error(formatAxe(path, vs))
		}
		tb.checkConsole("while axe ran on " + path)
	}

	pages := []struct {
		name   string
		path   string
		status int
	}{
		{"home", "/", http.StatusOK},
		{"code", "/codes/421", http.StatusOK},
		{"compare", "/compare/421-vs-556", http.StatusOK},
		{"search", "/search?q=mailbox", http.StatusOK},
		{"404", "/codes/999", http.StatusNotFound},
		{"decode", "/decode?text=" + url.QueryEscape(postfixBounce), http.StatusOK},
		{"combined", "/compare/550-vs-5.7.27", http.StatusOK},
	}
	for _, pg := range pages {
		for _, lang := range shippedLangs(t) {
			t.Run(pg.name+"/"+lang, func(t *testing.T) {
				sep := "?"
				if strings.Contains(pg.path, "?") {
					sep = "&"
				}
				run(b.newTab(t), pg.path+sep+"lang="+lang, pg.status)
			})
		}
	}

	t.Run("code/en/dark", func(t *testing.T) {
		tb := b.newTab(t)
		_, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		if err != nil {
			t.Fatalf("emulate dark mode: %v", err)
		}
		run(tb, "/codes/421?lang=en", http.StatusOK)
		if dark := tb.eval(`matchMedia("(prefers-color-scheme: dark)").matches`); dark != "true" {
			t.Errorf("prefers-color-scheme: dark is not in effect; the dark run checked the light theme")
		}
	})
}

// postfixBounce is a Postfix log line of a bounce, as readers paste it.
const postfixBounce = `Oct 14 09:12:03 mail postfix/smtp[2841]: 3F1A2C0D21: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.7] said: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`

// Line breaking as each script needs it, as the browser computes it on a
// code page's prose: Korean breaks between words (keep-all), never inside
// one; Japanese and Chinese follow the strict line-breaking rules; the
// Latin and Cyrillic languages hyphenate; English does neither.
func TestBrowserLineBreaking(t *testing.T) {
	b := startBrowser(t, browserEnv(t, false))
	tb := b.newTab(t)
	const style = `(() => { const s = getComputedStyle(document.querySelector("#description + .prose p, .prose p")); return [s.wordBreak, s.lineBreak, s.hyphens].join(" "); })()`
	for lang, want := range map[string]string{
		"ko":      "keep-all strict manual",
		"ja":      "normal strict manual",
		"zh-Hant": "normal strict manual",
		"zh-Hans": "normal strict manual",
		"ru":      "normal auto auto",
		"pt-BR":   "normal auto auto",
		"de":      "normal auto auto",
		"en":      "normal auto manual",
	} {
		tb.load("/codes/550?lang="+lang, http.StatusOK)
		if got := tb.eval(style); got != want {
			t.Errorf("%s: word-break, line-break, hyphens = %q, want %q", lang, got, want)
		}
	}
}
