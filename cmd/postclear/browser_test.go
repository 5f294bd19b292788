package main

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// requireBrowser returns the system Chromium (Debian's chromium package,
// or POSTCLEAR_CHROMIUM), skipping the test with a log line when there is
// none or a page's third-party files were not fetched (missing lists
// them), unless POSTCLEAR_REQUIRE_BROWSER (set by make test) makes that a
// failure.
func requireBrowser(t *testing.T, missing []string, fetch string) string {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("POSTCLEAR_REQUIRE_BROWSER") != "" {
		fail = t.Fatalf
	}
	if len(missing) > 0 {
		fail("the page's files are not in this build (%v): run %s (POSTCLEAR_REQUIRE_BROWSER=1 makes this a failure)", missing, fetch)
	}
	path := os.Getenv("POSTCLEAR_CHROMIUM")
	if path == "" {
		var err error
		if path, err = exec.LookPath("chromium"); err != nil {
			fail("no chromium to run the browser test: apt-get install chromium, or set POSTCLEAR_CHROMIUM (POSTCLEAR_REQUIRE_BROWSER=1 makes this a failure)")
		}
	}
	return path
}

// browser is a headless Chromium with a fresh profile, driving one tab. It
// records every request the tab makes (WebSockets included) and every
// error its pages throw or log.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	requests []string
	problems []string
}

// newBrowser starts Chromium with a viewport of width × height for at most
// limit. expected says which of the errors Chromium logs the test expects
// (a request the server refuses, say); the others are problems.
func newBrowser(t *testing.T, chromium string, width, height int64, limit time.Duration, expected func(text string) bool) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Anything not on loopback would go through a proxy that is not
		// there: a request leaving the machine fails, and is seen below.
		chromedp.Flag("proxy-server", "http://127.0.0.1:9"),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancel)
	bctx, cancel = context.WithTimeout(bctx, limit)
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: bctx}

	// Listen must be set up before the first navigation, so the context
	// is attached first.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	err := chromedp.Listen(bctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := ev.Request.URL
			if strings.HasPrefix(u, "data:") {
				u = "data:…" // an inlined font or icon
			}
			b.requests = append(b.requests, u)
		case *network.EventWebSocketCreated:
			b.requests = append(b.requests, ev.URL)
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+ev.ExceptionDetails.Text+" "+exceptionText(ev.ExceptionDetails))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.problems = append(b.problems, "console.error: "+strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError && (expected == nil || !expected(ev.Entry.Text)) {
				b.problems = append(b.problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception == nil {
		return ""
	}
	return d.Exception.Description
}

// step runs actions, failing the test with what the page shows when they
// fail: that says more than a timeout.
func (b *browser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText`))
		b.mu.Lock()
		defer b.mu.Unlock()
		b.t.Fatalf("%s: %v\nrequests: %q\nproblems: %q\npage text:\n%.3000s", what, err, b.requests, b.problems, text)
	}
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %.200s: %v", js, err)
	}
	return v
}

// requestCount is the number of requests made so far.
func (b *browser) requestCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.requests)
}

// requestsSince returns the requests made after the first n.
func (b *browser) requestsSince(n int) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests[n:]...)
}

// checkClean fails the test for every request that went anywhere but host
// (or a data: or about: URL) and for every problem the pages had.
func (b *browser) checkClean(host string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		b.t.Error("no request was recorded")
	}
	for _, r := range b.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "about" && u.Host != host) {
			b.t.Errorf("the page requested %s, which is not this server", r)
		}
	}
	for _, p := range b.problems {
		b.t.Errorf("in the page: %s", p)
	}
}

// docsPath is where a screenshot goes: the test's temporary directory, or
// docs/ with POSTCLEAR_UPDATE_DOCS=1.
func docsPath(t *testing.T, name string) string {
	if os.Getenv("POSTCLEAR_UPDATE_DOCS") != "" {
		return "../../docs/" + name
	}
	return t.TempDir() + "/" + name
}
