package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"ripple/internal/refdata"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"ripple/internal/web/webtest"
)

// browserPath finds Debian's chromium; without it the test skips, unless
// RIPPLE_REQUIRE_BROWSER=1 says it must run.
func browserPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("RIPPLE_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is not installed (apt-get install chromium) and RIPPLE_REQUIRE_BROWSER=1")
	}
	t.Skip("chromium is not installed; apt-get install chromium to run the browser test")
	return ""
}

// screenshotDir is test-output/screenshots at the repository root.
func screenshotDir(t *testing.T) string {
	root, err := refdata.Root()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "test-output", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBrowser drives headless Chromium through the app as people use it.
func TestBrowser(t *testing.T) {
	exe := browserPath(t)
	f := webtest.New(t)
	f.SeedVolume(f.A.ID, 3000, 30)
	f.SeedVolume(f.B.ID, 800, 30)
	shots := screenshotDir(t)
	downloads := t.TempDir()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	// Start the browser on a context without a deadline (the deadline would
	// end the browser), then bound the steps so that a hung browser fails the
	// test instead of hanging it; no step's speed is asserted.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	// Collect console errors, exceptions and browser-log errors as they come.
	var mu sync.Mutex
	var consoleErrors []string
	expected := map[string]bool{} // URLs whose failed load is the point of a step
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
				continue
			}
			mu.Lock()
			if !expected[m.URL] {
				consoleErrors = append(consoleErrors, fmt.Sprintf("%s (%s %s)", m, m.Source, m.URL))
			}
			mu.Unlock()
		}
	}()
	downloaded := make(chan string, 1)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	go func() {
		for ev, err := range progress {
			if err != nil {
				return
			}
			if ev.State == browser.DownloadProgressStateCompleted {
				downloaded <- ev.GUID
				return
			}
		}
	}()

	base := f.Server.URL
	a, b := "/w/"+f.A.ID, "/w/"+f.B.ID
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	get := func(step string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(email string) {
		t.Helper()
		do("sign in as "+email,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(css(`input[name=email]`)),
			chromedp.SendKeys(css(`input[name=email]`), email),
			chromedp.SendKeys(css(`input[name=password]`), webtest.Password),
			chromedp.Click(css(`.login button[type=submit]`)),
			chromedp.WaitVisible(css(`#stat-events`)))
	}

	do("download behaviour", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptr(true)})
		return err
	}))

	// Sign in as the agency user, who owns both clients' workspaces.
	signIn(f.Users["agency"].Email)
	if title := get("title", chromedp.Title()); !strings.Contains(title, "Overview") {
		t.Fatalf("after sign-in the title is %q, want the Overview", title)
	}
	do("overview", chromedp.Navigate(base+a+"/overview?from=2025-03-02&to=2025-03-31"), chromedp.WaitVisible(css(`svg.chart`)))
	events := get("events", chromedp.Text(css(`#stat-events`)))
	shot("overview")

	// Change a filter: the URL carries it, the numbers follow it, and the
	// navigation keeps it.
	do("filter by channel",
		chromedp.SetValue(css(`#channel`), "facebook/paid"),
		chromedp.Click(css(`form.filter button[type=submit]`)),
		chromedp.WaitReady(css(`#channel option[value="facebook/paid"][selected]`)), chromedp.WaitVisible(css(`#stat-events`)))
	filtered := get("filtered events", chromedp.Text(css(`#stat-events`)))
	location := get("location", chromedp.Location())
	shot("overview-filtered")
	if !strings.Contains(location, "channel=facebook%2Fpaid") || filtered == events {
		t.Errorf("after filtering: location %q, events %s (all channels %s)", location, filtered, events)
	}
	do("follow the navigation", chromedp.Click(css(`nav.areas a[href*="/journey"]`)), chromedp.WaitVisible(css(`.notbuilt`)))
	if location = get("location", chromedp.Location()); !strings.Contains(location, "/journey?") || !strings.Contains(location, "channel=facebook%2Fpaid") {
		t.Errorf("the navigation dropped the filter: %s", location)
	}

	// Download the chart's numbers.
	do("download CSV", chromedp.Navigate(base+a+"/overview?from=2025-03-02&to=2025-03-31"),
		chromedp.WaitVisible(css(`#events-csv`)), chromedp.Click(css(`#events-csv`)))
	select {
	case guid := <-downloaded:
		body, err := os.ReadFile(filepath.Join(downloads, guid))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(body), "day,channel_key,channel,events\n") || strings.Count(string(body), "\n") < 30 {
			t.Errorf("downloaded CSV: %.200q", body)
		}
	case <-ctx.Done():
		t.Fatal("the CSV download did not complete")
	}

	// Open every page of the shell.
	for _, p := range []string{"overview", "journey", "listening", "inbox", "plan", "value", "advocacy", "audiences",
		"settings/workspace", "settings/keys", "settings/users", "settings/channels"} {
		do("open "+p, chromedp.Navigate(base+a+"/"+p), chromedp.WaitVisible(css(`main h1`)))
		h1 := get("heading of "+p, chromedp.Text(css(`main h1`)))
		shot(strings.ReplaceAll(p, "/", "-"))
		if h1 == "" || strings.Contains(h1, "403") || strings.Contains(h1, "404") {
			t.Errorf("%s: heading %q", p, h1)
		}
	}
	do("tokens page", chromedp.Navigate(base+"/account/tokens"), chromedp.WaitVisible(css(`main h1`)))

	// Create a write key: the secret shows once.
	do("create a key", chromedp.Navigate(base+a+"/settings/keys"),
		chromedp.SendKeys(css(`main form.inline input[name=name]`), "shop"),
		chromedp.Click(css(`main form.inline button[type=submit]`)),
		chromedp.WaitVisible(css(`#new-secret`)))
	if secret := get("secret", chromedp.Text(css(`#new-secret`))); !strings.HasPrefix(secret, "rk_") {
		t.Errorf("new key secret %q", secret)
	}
	shot("settings-keys-created")

	// Switch to the other client's workspace with the switcher.
	do("switch workspace", chromedp.Navigate(base+a+"/overview?from=2025-03-02&to=2025-03-31"),
		chromedp.WaitVisible(css(`#ws-switch`)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			// The change fires after this script returns: the page then
			// navigates, which would cut the evaluation short.
			_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector('#ws-switch'); s.value = %q; setTimeout(() => s.dispatchEvent(new Event('change')), 0); return true })()`, f.B.ID))(ctx, t)
			return err
		}),
		chromedp.WaitReady(css(fmt.Sprintf(`#ws-switch option[value=%q][selected]`, f.B.ID))),
		chromedp.WaitVisible(css(`#stat-events`)))
	shot("overview-other-workspace")
	if location = get("location", chromedp.Location()); !strings.Contains(location, b+"/overview") || !strings.Contains(location, "from=2025-03-02") {
		t.Errorf("after switching: %s", location)
	}

	// Sign out and in as a viewer, who cannot open the settings.
	forbidden := base + a + "/settings/keys"
	mu.Lock()
	expected[forbidden] = true
	mu.Unlock()
	do("sign out", chromedp.Click(css(`.me form[action="/logout"] button`)), chromedp.WaitVisible(css(`input[name=email]`)))
	signIn(f.Users["viewer"].Email)
	do("viewer opens the keys", chromedp.Navigate(forbidden), chromedp.WaitVisible(css(`main h1`)))
	heading := get("heading", chromedp.Text(css(`main h1`)))
	shot("viewer-forbidden")
	if !strings.Contains(heading, "403") {
		t.Errorf("viewer on the keys page sees %q, want 403", heading)
	}
	do("viewer's overview", chromedp.Navigate(base+a+"/overview"), chromedp.WaitVisible(css(`nav.areas`)))
	if nav := get("navigation", chromedp.Text(css(`nav.areas`))); strings.Contains(nav, "Settings") || strings.Contains(nav, "Inbox") {
		t.Errorf("viewer's navigation: %q", nav)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, e := range consoleErrors {
		t.Errorf("browser console: %s", e)
	}
}

func ptr[T any](v T) *T { return &v }
