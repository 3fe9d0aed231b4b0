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

	// The new behaviour: a mistyped date is fixed on the error page's own
	// filter bar; an empty range links to the days that hold events; the
	// workspace's zone and currency are set in its settings; an unknown URL
	// gets the styled 404.
	mistyped := base + a + "/overview?from=2025-13-01"
	mu.Lock()
	expected[mistyped] = true
	mu.Unlock()
	do("mistype a date", chromedp.Navigate(mistyped), chromedp.WaitVisible(css(`form.filter`)))
	if heading := get("error heading", chromedp.Text(css(`main h1`))); !strings.Contains(heading, "400") {
		t.Errorf("a mistyped date shows %q, want a 400 page", heading)
	}
	shot("error-bad-date")
	do("fix it on the filter bar",
		chromedp.SetValue(css(`form.filter input[name=from]`), "2025-03-02"),
		chromedp.SetValue(css(`form.filter input[name=to]`), "2025-03-31"),
		chromedp.Click(css(`form.filter button[type=submit]`)),
		chromedp.WaitVisible(css(`#stat-events`)))
	if fixed := get("events after the fix", chromedp.Text(css(`#stat-events`))); fixed != events {
		t.Errorf("after fixing the date: %s events, want %s", fixed, events)
	}
	do("an empty range", chromedp.Navigate(base+a+"/overview?from=2024-01-01&to=2024-01-30"), chromedp.WaitVisible(css(`#empty-range`)))
	shot("overview-empty-range")
	do("follow its link", chromedp.Click(css(`#later-range`)), chromedp.WaitVisible(css(`#stat-events`)))
	if n := get("events in the linked range", chromedp.Text(css(`#stat-events`))); n == "0" {
		t.Error("the empty range's link leads to no events")
	}
	do("set zone and currency", chromedp.Navigate(base+a+"/settings/workspace"), chromedp.WaitVisible(css(`#time-zone`)),
		chromedp.SetValue(css(`#time-zone`), "America/New_York"), chromedp.SetValue(css(`#currency`), "eur"),
		chromedp.Click(css(`main form button[type=submit]`)), chromedp.WaitVisible(css(`.notice`)))
	if cur := get("saved currency", chromedp.Value(css(`#currency`))); cur != "EUR" {
		t.Errorf("saved currency %q, want EUR", cur)
	}
	do("overview in EUR", chromedp.Navigate(base+a+"/overview?from=2025-03-02&to=2025-03-31"), chromedp.WaitVisible(css(`#stat-revenue`)))
	if label := get("revenue label", chromedp.Text(css(`.headline abbr`))); label != "EUR" {
		t.Errorf("revenue is labelled %q, want EUR", label)
	}
	unknown := base + "/no/such/page"
	mu.Lock()
	expected[unknown] = true
	mu.Unlock()
	do("unknown URL", chromedp.Navigate(unknown), chromedp.WaitVisible(css(`main h1`)))
	if heading := get("404 heading", chromedp.Text(css(`main h1`))); !strings.Contains(heading, "404") {
		t.Errorf("an unknown URL shows %q, want the 404 page", heading)
	}
	shot("not-found")

	// At a phone's width (390 px) the Overview and the settings fit: no
	// horizontal scrolling, no element past the viewport's edge (the wide
	// table of numbers scrolls inside its own box), stage labels readable.
	// The window is 390 px wide rather than an emulated phone, whose
	// innerWidth would grow to fit whatever overflows.
	do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	for _, p := range []string{a + "/overview?from=2025-03-02&to=2025-03-31", a + "/settings/workspace", a + "/settings/keys",
		a + "/settings/users", a + "/settings/channels", "/account/tokens"} {
		do("open "+p+" on a phone", chromedp.Navigate(base+p), chromedp.WaitVisible(css(`main h1`)))
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](overflowJS))
		if err != nil {
			t.Fatalf("overflow check on %s: %v", p, err)
		}
		name, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(p, a), "/"), "/", "-"), "?")
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot of %s: %v", p, err)
		}
		if err := os.WriteFile(filepath.Join(shots, "phone-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, o := range overflow {
			t.Errorf("%s at 390 px: %s", p, o)
		}
	}
	do("phone: the funnel's labels", chromedp.Navigate(base+a+"/overview?from=2025-03-02&to=2025-03-31"), chromedp.WaitVisible(css(`#funnel-chart`)))
	if small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallTextJS(`#funnel-chart text`, 12))); err != nil || len(small) > 0 {
		t.Errorf("stage labels smaller than 12 px at 390 px: %v %v", small, err)
	}
	do("desktop width", chromedp.EmulateViewport(1280, 1000))

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

// overflowJS lists what sticks out of the viewport sideways: the page
// scrolling sideways at all, and every visible element whose box is wider
// than the viewport or passes its edge, unless a box of its own that
// scrolls (or clips) holds it. Every <details> is opened first, so the
// tables behind them count.
const overflowJS = `(() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const se = document.scrollingElement, out = [];
  if (se.scrollWidth > innerWidth) out.push('the page is ' + se.scrollWidth + ' px wide, the window ' + innerWidth);
  const vw = document.documentElement.clientWidth; // the viewport without its scroll bar
  const held = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.width > vw + 0.5 || r.right > vw + 0.5 || r.left < -0.5) && !held(el)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).split(' ').join('.') : '') +
        ' spans ' + Math.round(r.left) + ' to ' + Math.round(r.right) + ' px');
    }
  }
  return out.slice(0, 20);
})()`

// smallTextJS lists the texts matched by selector that render smaller than
// px CSS pixels.
func smallTextJS(selector string, px float64) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).filter(e => e.getBoundingClientRect().height > 0 &&
  parseFloat(getComputedStyle(e).fontSize) * (e.ownerSVGElement ? e.ownerSVGElement.getScreenCTM().a : 1) < %g).map(e => e.textContent)`, selector, px)
}
