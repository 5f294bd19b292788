package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/postclear/postclear/graph/graphiql"
	"github.com/postclear/postclear/internal/auth"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/warehouse"
)

// pressEnter presses Enter as a key without text: CodeMirror's completion
// list takes it, and no newline is typed after the completion.
func pressEnter() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestGraphiQLInBrowser drives GraphiQL in headless Chromium against a
// server with authentication on: the bearer token goes into the headers
// pane, a query is typed and completed from the schema, run, and its
// answer read. Every request the page makes must go to the server itself.
// The screenshot lands in the test's log directory, and in docs/ with
// POSTCLEAR_UPDATE_DOCS=1.
func TestGraphiQLInBrowser(t *testing.T) {
	chromium := requireBrowser(t, graphiql.Missing(), "scripts/fetch-graphiql.sh")
	s, mint := authServer(t, "e2e_graphiql")
	ctx := context.Background()
	store := warehouse.NewStore(s.engine, s.Config.layout())
	stats, err := seed.Seed(ctx, store, demo.Config{Items: 500, Seed: 1}, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	token := mint(auth.Principal{Subject: "analyst", Role: auth.RoleAnalyst})
	base := "http://" + s.Addr()

	// GraphiQL fetches the schema as soon as it opens, before the token is
	// in the headers pane: that one is refused.
	b := newBrowser(t, chromium, 1400, 860, 90*time.Second, func(text string) bool { return strings.Contains(text, "status of 401") })
	bctx, step := b.ctx, b.step

	const (
		queryEditor   = ".graphiql-query-editor .CodeMirror"
		headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
		response      = ".graphiql-response .CodeMirror"
	)
	// cm is JavaScript run on the CodeMirror editor matched by selector.
	cm := func(selector, js string) string {
		return fmt.Sprintf(`(() => { const cm = document.querySelector(%q).CodeMirror; return %s; })()`, selector, js)
	}
	step("open GraphiQL",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(queryEditor)))
	// The examples open as tabs, titled by their operation names.
	tabs, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.graphiql-tab')].map(t => t.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	// In a new tab, the token goes into the headers pane (GraphiQL takes
	// an edit after half a second) and the schema is fetched again, with
	// it; then the start of a query is typed.
	step("set the Authorization header",
		chromedp.Click(chromedp.CSS(`button[aria-label="New tab"]`)),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Headers"]`)),
		chromedp.WaitVisible(chromedp.CSS(headersEditor)),
		chromedp.Evaluate[chromedp.Void](cm(headersEditor, `cm.setValue(JSON.stringify({Authorization: "Bearer `+token+`"}, null, 2))`)),
		chromedp.Sleep(time.Second),
		chromedp.Click(chromedp.CSS(`button[aria-label="Re-fetch GraphQL schema"]`)),
		chromedp.Sleep(2*time.Second))
	step("type a query",
		chromedp.Evaluate[chromedp.Void](cm(queryEditor, `(cm.setValue(""), cm.focus(), true)`)),
		chromedp.SendKeys(chromedp.CSS(queryEditor+" textarea"), "{ dataSt"),
		chromedp.WaitVisible(chromedp.CSS(".CodeMirror-hints")))
	hints, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".CodeMirror-hints")))
	if err != nil {
		t.Fatal(err)
	}
	step("complete and finish the query",
		pressEnter(),
		chromedp.SendKeys(chromedp.CSS(queryEditor+" textarea"), " { events items "))
	typed, err := chromedp.Run(bctx, chromedp.Evaluate[string](cm(queryEditor, `cm.getValue()`)))
	if err != nil {
		t.Fatal(err)
	}
	step("run it",
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
		chromedp.Poll[chromedp.Void](`(() => { const e = document.querySelector(`+"`"+response+"`"+`); return e && e.CodeMirror.getValue().includes('"data"'); })()`, chromedp.WithPollingTimeout(20*time.Second)))
	answer, err := chromedp.Run(bctx, chromedp.Evaluate[string](cm(response, `cm.getValue()`)))
	if err != nil {
		t.Fatal(err)
	}
	// The explorer plugin lists the schema's root fields.
	step("open the explorer",
		chromedp.Click(chromedp.CSS(`button[aria-label="Show GraphiQL Explorer"]`)),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-explorer-root")))
	explorer, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".graphiql-explorer-root")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(explorer, "clearanceTimes") {
		t.Errorf("the explorer shows %.200q, without clearanceTimes", explorer)
	}
	shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tabs %q; hints %q; typed %q", tabs, hints, typed)

	for _, want := range []string{"DataStatus", "ClearanceByMonthAndOrigin", "SeizuresByMonth"} {
		if !strings.Contains(strings.Join(tabs, "|"), want) {
			t.Errorf("tabs %q: no example %s", tabs, want)
		}
	}
	if !strings.Contains(hints, "dataStatus") {
		t.Errorf("completion list %q lacks dataStatus", hints)
	}
	if !regexp.MustCompile(`^\{ dataStatus \{ events items \}\s*\}$`).MatchString(typed) {
		t.Errorf("editor holds %q after typing and completing", typed)
	}
	want := fmt.Sprintf(`"items": %d`, stats.Items)
	if !strings.Contains(answer, want) || strings.Contains(answer, `"errors"`) {
		t.Errorf("answer %s; want %s and no errors", answer, want)
	}

	b.checkClean(s.Addr())

	out := docsPath(t, "graphiql.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d requests, all to %s)", out, b.requestCount(), s.Addr())
}
