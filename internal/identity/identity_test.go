package identity_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/identity"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

var day0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// rig is a resolver over a real store in a temporary directory, with one
// workspace and an injected clock.
type rig struct {
	t     *testing.T
	dir   string
	st    *store.Store
	r     *identity.Resolver
	ws    string
	rules identity.Rules
	n     int
	stats identity.Stats
}

func newRig(t *testing.T) *rig { return newRigWith(t, identity.DefaultRules()) }

func newRigWith(t *testing.T, rules identity.Rules) *rig {
	t.Helper()
	x := &rig{t: t, dir: t.TempDir(), rules: rules}
	x.open()
	ws := createWorkspace(t, x.st, "Shop")
	x.ws = ws.ID
	return x
}

// open opens the store and a fresh resolver over it, as a restart does.
func (x *rig) open() {
	x.t.Helper()
	st, err := store.Open(context.Background(), x.dir)
	if err != nil {
		x.t.Fatal(err)
	}
	x.t.Cleanup(func() { st.Close() })
	r, err := identity.New(st, x.rules, func() time.Time { return day0 })
	if err != nil {
		x.t.Fatal(err)
	}
	x.st, x.r = st, r
}

func (x *rig) restart() {
	x.t.Helper()
	if err := x.st.Close(); err != nil {
		x.t.Fatal(err)
	}
	x.open()
}

// message parses one Segment message of the rig's workspace, giving it the
// next message id and a time a minute after the last one.
func (x *rig) message(ws, body string) event.Message {
	x.t.Helper()
	x.n++
	line := fmt.Sprintf(`{"messageId":"m%d","timestamp":%q,%s`, x.n, day0.Add(time.Duration(x.n)*time.Minute).Format(time.RFC3339), strings.TrimPrefix(body, "{"))
	m, err := event.Parse([]byte(line), -1, day0, event.Defaults{})
	if err != nil {
		x.t.Fatalf("parse %s: %v", line, err)
	}
	if err := event.Enrich(&m, -1); err != nil {
		x.t.Fatal(err)
	}
	m.Workspace = ws
	return m
}

// send resolves the messages as one batch, stores them and returns each
// one's profile at ingest.
func (x *rig) send(bodies ...string) []int64 {
	x.t.Helper()
	msgs := make([]event.Message, len(bodies))
	for i, b := range bodies {
		msgs[i] = x.message(x.ws, b)
	}
	return x.resolve(msgs)
}

func (x *rig) resolve(msgs []event.Message) []int64 {
	x.t.Helper()
	ctx := context.Background()
	s, err := x.r.Resolve(ctx, msgs)
	if err != nil {
		x.t.Fatalf("Resolve: %v", err)
	}
	x.stats.Add(s)
	if _, err := x.st.AppendEvents(ctx, msgs); err != nil {
		x.t.Fatal(err)
	}
	out := make([]int64, len(msgs))
	for i := range msgs {
		out[i] = msgs[i].Profile
	}
	return out
}

// one sends one message and returns its profile.
func (x *rig) one(body string) int64 { return x.send(body)[0] }

// now is the current profile of every stored event, by message id.
func (x *rig) now() map[string]int64 {
	x.t.Helper()
	out := map[string]int64{}
	if err := x.st.EventProfiles(context.Background(), x.ws, func(id string, p int64) error {
		out[id] = p
		return nil
	}); err != nil {
		x.t.Fatal(err)
	}
	return out
}

func (x *rig) identifiers(p int64) []string {
	x.t.Helper()
	ids, err := x.st.ProfileIdentifiers(context.Background(), x.ws, p)
	if err != nil {
		x.t.Fatal(err)
	}
	var out []string
	for _, id := range ids {
		out = append(out, id.String())
	}
	slices.Sort(out)
	return out
}

func (x *rig) live(p int64) int64 {
	x.t.Helper()
	live, err := x.st.ProfileOf(context.Background(), x.ws, p)
	if err != nil {
		x.t.Fatal(err)
	}
	return live
}

func TestAnonymousBrowsingThenSignUp(t *testing.T) {
	x := newRig(t)
	p := x.send(
		`{"type":"page","anonymousId":"a1"}`,
		`{"type":"track","event":"Product Viewed","anonymousId":"a1"}`,
		`{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":" Ana@Example.com ","phone":"+1 (555) 010-2040"}}`,
		`{"type":"track","event":"Order Completed","userId":"u1","properties":{"revenue":10}}`,
	)
	if p[0] == 0 || slices.ContainsFunc(p, func(q int64) bool { return q != p[0] }) {
		t.Fatalf("profiles %v, want one for all four messages", p)
	}
	have := x.identifiers(p[0])
	want := []string{"anonymous_id:a1", "email:ana@example.com", "phone:+15550102040", "user_id:u1"}
	if !slices.Equal(have, want) {
		t.Errorf("identifiers %v, want %v", have, want)
	}
	if x.stats.Created != 1 || x.stats.Merged != 0 {
		t.Errorf("stats %+v, want one profile created and no merge", x.stats)
	}
}

func TestSecondDeviceMergesIntoTheAccount(t *testing.T) {
	x := newRig(t)
	account := x.one(`{"type":"identify","userId":"u1","anonymousId":"laptop"}`)
	phone := x.send(`{"type":"page","anonymousId":"phone"}`, `{"type":"track","event":"Product Viewed","anonymousId":"phone"}`)
	if phone[0] == account || phone[1] != phone[0] {
		t.Fatalf("phone browsing: profiles %v, account %d: want one new profile", phone, account)
	}
	signIn := x.one(`{"type":"identify","userId":"u1","anonymousId":"phone"}`)
	if signIn != account {
		t.Fatalf("sign-in on the phone: profile %d, want the account's %d", signIn, account)
	}
	// Events keep the profile of their ingest; the override finds the live one.
	for id, p := range x.now() {
		if p != account {
			t.Errorf("event %s: current profile %d, want %d", id, p, account)
		}
	}
	if live := x.live(phone[0]); live != account {
		t.Errorf("ProfileOf(%d) = %d, want %d", phone[0], live, account)
	}
	merges, err := x.st.ProfileMerges(context.Background(), x.ws, account)
	if err != nil {
		t.Fatal(err)
	}
	if len(merges) != 1 {
		t.Fatalf("merge log %+v, want one entry", merges)
	}
	m := merges[0]
	if m.From != phone[0] || m.Into != account || m.MessageID != "m4" || m.Via.String() != "anonymous_id:phone" || !m.Time.Equal(day0.Add(4*time.Minute)) {
		t.Errorf("merge %+v, want profile %d into %d by m4 through anonymous_id:phone at %v", m, phone[0], account, day0.Add(4*time.Minute))
	}
	want := []string{"anonymous_id:laptop", "anonymous_id:phone", "user_id:u1"}
	if have := x.identifiers(account); !slices.Equal(have, want) {
		t.Errorf("identifiers %v, want %v", have, want)
	}
}

// A profile merged away whose survivor is merged again points at the last
// survivor, before and after a restart.
func TestMergeChainsStayOneStep(t *testing.T) {
	x := newRig(t)
	p1 := x.one(`{"type":"track","event":"Ad Impression","anonymousId":"a1"}`)
	p2 := x.one(`{"type":"track","event":"Ad Impression","anonymousId":"a2"}`)
	p3 := x.one(`{"type":"track","event":"Ad Impression","anonymousId":"a3"}`)
	x.one(`{"type":"identify","anonymousId":"a2","traits":{"email":"e@x.example"}}`)
	if p := x.one(`{"type":"identify","anonymousId":"a1","traits":{"email":"e@x.example"}}`); p != p2 {
		t.Fatalf("a1 with a2's email: profile %d, want %d (the one holding an email survives)", p, p2)
	}
	x.one(`{"type":"identify","userId":"u1","anonymousId":"a3"}`)
	if p := x.one(`{"type":"identify","userId":"u1","traits":{"email":"e@x.example"}}`); p != p3 {
		t.Fatalf("u1 with the email: profile %d, want %d (the one holding a user id survives)", p, p3)
	}
	check := func(when string) {
		for id, p := range x.now() {
			if p != p3 {
				t.Errorf("%s: event %s in profile %d, want %d", when, id, p, p3)
			}
		}
		for _, p := range []int64{p1, p2, p3} {
			if live := x.live(p); live != p3 {
				t.Errorf("%s: ProfileOf(%d) = %d, want %d", when, p, live, p3)
			}
		}
	}
	check("before restart")
	x.restart()
	check("after restart")
	if p := x.one(`{"type":"track","event":"Ad Impression","anonymousId":"a1"}`); p != p3 {
		t.Errorf("after restart, a1 resolves to %d, want %d", p, p3)
	}
	if p := x.one(`{"type":"track","event":"Ad Impression","anonymousId":"new"}`); p <= p3 {
		t.Errorf("after restart, a new device gets profile %d, want a fresh id above %d", p, p3)
	}
	merges, err := x.st.ProfileMerges(context.Background(), x.ws, p3)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for _, m := range merges {
		log = append(log, fmt.Sprintf("%d>%d by %s via %s", m.From, m.Into, m.MessageID, m.Via))
	}
	want := []string{
		fmt.Sprintf("%d>%d by m5 via anonymous_id:a1", p1, p2),
		fmt.Sprintf("%d>%d by m7 via email:e@x.example", p2, p3),
	}
	if !slices.Equal(log, want) {
		t.Errorf("merge history %q, want %q", log, want)
	}
}

func TestSharedDeviceKeepsTwoUsersApart(t *testing.T) {
	x := newRig(t)
	ana := x.one(`{"type":"identify","userId":"ana","anonymousId":"tablet"}`)
	ben := x.one(`{"type":"identify","userId":"ben","anonymousId":"tablet"}`)
	if ben == ana || ben == 0 {
		t.Fatalf("ben signs in on ana's tablet: profile %d, ana's %d: want a profile of his own", ben, ana)
	}
	if x.stats.Refused != 1 {
		t.Errorf("refused %d, want 1 (the tablet's id kept from ben)", x.stats.Refused)
	}
	if p := x.one(`{"type":"page","anonymousId":"tablet"}`); p != ana {
		t.Errorf("anonymous browsing on the tablet: profile %d, want ana's %d, whose device it first was", p, ana)
	}
	if p := x.one(`{"type":"track","event":"Product Viewed","userId":"ben","anonymousId":"tablet"}`); p != ben {
		t.Errorf("ben signed in on the tablet: profile %d, want %d", p, ben)
	}
	if have := x.identifiers(ben); !slices.Equal(have, []string{"user_id:ben"}) {
		t.Errorf("ben's identifiers %v, want his user id alone", have)
	}
}

// No chain of shared identifiers joins two user ids: not an email, not an
// anonymous id reached through one, not an alias.
func TestNoChainJoinsTwoUserIDs(t *testing.T) {
	x := newRig(t)
	u1 := x.one(`{"type":"identify","userId":"u1","traits":{"email":"home@x.example"}}`)
	if p := x.one(`{"type":"identify","anonymousId":"kiosk","traits":{"email":"home@x.example"}}`); p != u1 {
		t.Fatalf("a device giving u1's email: profile %d, want u1's %d", p, u1)
	}
	u2 := x.one(`{"type":"identify","userId":"u2","anonymousId":"kiosk"}`)
	for _, body := range []string{
		`{"type":"identify","userId":"u2","traits":{"email":"home@x.example"}}`,
		`{"type":"alias","userId":"u2","previousId":"u1"}`,
		`{"type":"alias","userId":"u1","previousId":"u2"}`,
		`{"type":"identify","userId":"u2","anonymousId":"kiosk","traits":{"email":"HOME@x.example"}}`,
	} {
		p := x.one(body)
		if p == u1 && strings.Contains(body, `"userId":"u2"`) || p == u2 && strings.Contains(body, `"userId":"u1"`) {
			t.Errorf("%s: profile %d joins u1 (%d) and u2 (%d)", body, p, u1, u2)
		}
	}
	if u1 == u2 {
		t.Fatalf("u1 and u2 share profile %d", u1)
	}
	for _, p := range []int64{u1, u2} {
		n := 0
		for _, id := range x.identifiers(p) {
			if strings.HasPrefix(id, "user_id:") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("profile %d holds %d user ids: %v", p, n, x.identifiers(p))
		}
	}
	if x.stats.Merged != 0 {
		t.Errorf("%d merges, want none", x.stats.Merged)
	}
}

func TestAliasJoinsThePreviousAnonymousID(t *testing.T) {
	x := newRig(t)
	anon := x.one(`{"type":"page","anonymousId":"a9"}`)
	user := x.one(`{"type":"track","event":"Signed In","userId":"u9"}`)
	if p := x.one(`{"type":"alias","userId":"u9","previousId":"a9"}`); p != user {
		t.Fatalf("alias: profile %d, want the user's %d", p, user)
	}
	if live := x.live(anon); live != user {
		t.Errorf("the anonymous profile %d now lives in %d, want %d", anon, live, user)
	}
	if have, want := x.identifiers(user), []string{"anonymous_id:a9", "user_id:u9"}; !slices.Equal(have, want) {
		t.Errorf("identifiers %v, want %v (previousId read as the anonymous id)", have, want)
	}
}

func TestPlaceholdersNeverIdentify(t *testing.T) {
	x := newRigWith(t, func() identity.Rules { r := identity.DefaultRules(); r.Blocked = []string{"abc123"}; return r }())
	junk := []string{"null", "NULL", " undefined ", "anonymous", "guest", "0", "-1", "00000000-0000-0000-0000-000000000000",
		"none", "nil", "NaN", "[object Object]", `\"null\"`, "'undefined'", "000", "unknown", "abc123", " "}
	for i, j := range junk {
		// A placeholder user id beside a real anonymous id: the device decides.
		p := x.one(fmt.Sprintf(`{"type":"track","event":"Product Viewed","userId":"%s","anonymousId":"dev-%d"}`, j, i))
		q := x.one(fmt.Sprintf(`{"type":"page","anonymousId":"dev-%d"}`, i))
		if p == 0 || p != q {
			t.Errorf("userId %q with dev-%d: profiles %d and %d, want the device's", j, i, p, q)
		}
		// A placeholder alone: no profile, whoever sends it.
		if p := x.one(fmt.Sprintf(`{"type":"page","anonymousId":"%s"}`, j)); p != 0 {
			t.Errorf("anonymousId %q alone: profile %d, want none", j, p)
		}
		if p := x.one(fmt.Sprintf(`{"type":"identify","anonymousId":"d2-%d","traits":{"email":"%s","phone":"0000000"}}`, i, j)); len(x.identifiers(p)) != 1 {
			t.Errorf("email %q: identifiers %v, want the device alone", j, x.identifiers(p))
		}
	}
	if x.stats.Unresolved != len(junk) {
		t.Errorf("%d unresolved messages, want %d", x.stats.Unresolved, len(junk))
	}
	if x.stats.Merged != 0 {
		t.Errorf("%d merges through placeholders, want none", x.stats.Merged)
	}
}

func TestLimitsKeepNewIdentifiersOut(t *testing.T) {
	rules := identity.DefaultRules()
	rules.Limit[identity.AnonymousID] = 2
	x := newRigWith(t, rules)
	p := x.one(`{"type":"identify","userId":"u1","anonymousId":"a1"}`)
	x.one(`{"type":"identify","userId":"u1","anonymousId":"a2"}`)
	if q := x.one(`{"type":"identify","userId":"u1","anonymousId":"a3"}`); q != p {
		t.Fatalf("a third device: profile %d, want %d", q, p)
	}
	if x.stats.Dropped != 1 {
		t.Errorf("dropped %d, want 1: a3 is over the limit of 2", x.stats.Dropped)
	}
	a3 := x.one(`{"type":"page","anonymousId":"a3"}`)
	if a3 == p {
		t.Fatalf("a3 alone resolves to the full profile %d", p)
	}
	if q := x.one(`{"type":"identify","userId":"u1","anonymousId":"a3"}`); q != p || x.live(a3) != a3 {
		t.Errorf("u1 on a3 again: profile %d, a3's profile now %d: want %d and a3's own kept apart", q, x.live(a3), p)
	}
	if have, want := x.identifiers(p), []string{"anonymous_id:a1", "anonymous_id:a2", "user_id:u1"}; !slices.Equal(have, want) {
		t.Errorf("identifiers %v, want %v", have, want)
	}
}

// The priority decides which identifier gives way: by default the email,
// so a second account with the same email is a profile of its own; ranked
// above the user id, the email wins and the message joins the first account.
func TestPriorityDecidesWhatGivesWay(t *testing.T) {
	for _, c := range []struct {
		name     string
		priority []identity.Kind
		joins    bool
	}{
		{"default", identity.Kinds, false},
		{"email first", []identity.Kind{identity.Email, identity.UserID, identity.Phone, identity.Handle, identity.AnonymousID}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			rules := identity.DefaultRules()
			rules.Priority = c.priority
			x := newRigWith(t, rules)
			u1 := x.one(`{"type":"identify","userId":"u1","traits":{"email":"e@x.example"}}`)
			p := x.one(`{"type":"identify","userId":"u2","traits":{"email":"e@x.example"}}`)
			if (p == u1) != c.joins {
				t.Errorf("u2 with u1's email: profile %d, u1's %d; want joined %v", p, u1, c.joins)
			}
			if c.joins && len(x.identifiers(u1)) != 2 {
				t.Errorf("u1's identifiers %v: u2 must not be added", x.identifiers(u1))
			}
		})
	}
}

func TestHandlesJoinWhenLinked(t *testing.T) {
	x := newRig(t)
	mention := x.one(`{"type":"track","event":"Mention Posted","anonymousId":"instagram:@ana_1","properties":{"platform":"instagram","author_handle":"@Ana_1","text":"love it"}}`)
	comment := x.one(`{"type":"track","event":"Comment Posted","userId":"instagram:@ana_1","properties":{"platform":"instagram","text":"wide?"}}`)
	if mention == 0 || comment != mention {
		t.Fatalf("mention %d, comment %d: want one profile for instagram:@ana_1", mention, comment)
	}
	if have := x.identifiers(mention); !slices.Equal(have, []string{"handle:instagram:@ana_1"}) {
		t.Errorf("identifiers %v, want the handle alone (a handle-form userId is not a user id)", have)
	}
	other := x.one(`{"type":"track","event":"Mention Posted","anonymousId":"x:@ana_1","properties":{"platform":"twitter","author_handle":"ana_1"}}`)
	if other == mention {
		t.Errorf("x:@ana_1 joined instagram:@ana_1's profile: handles on two platforms are two identifiers")
	}
	account := x.one(`{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"instagram":"@ana_1"}}`)
	if account != mention {
		t.Errorf("identify linking the handle: profile %d, want the mentions' %d", account, mention)
	}
	if p := x.one(`{"type":"identify","userId":"u1","traits":{"twitter":"@ANA_1"}}`); p != account || x.live(other) != account {
		t.Errorf("linking x:@ana_1: profile %d, x's profile now %d, want both %d", p, x.live(other), account)
	}
}

func TestWorkspacesAreApart(t *testing.T) {
	x := newRig(t)
	other := createWorkspace(t, x.st, "Other")
	msgs := []event.Message{
		x.message(x.ws, `{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":"e@x.example"}}`),
		x.message(other.ID, `{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"email":"e@x.example"}}`),
		x.message(other.ID, `{"type":"identify","userId":"u2","anonymousId":"a2"}`),
		x.message(x.ws, `{"type":"track","event":"Product Viewed","anonymousId":"a2"}`),
	}
	p := x.resolve(msgs)
	if p[0] != 1 || p[1] != 1 || p[2] != 2 || p[3] != 2 {
		t.Errorf("profiles %v: want each workspace numbering its own from 1, a2 a new profile in the first", p)
	}
	for _, ws := range []string{x.ws, other.ID} {
		found, err := x.st.FindProfile(context.Background(), ws, identity.Identifier{Kind: identity.UserID, Value: "u2"})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int64{true: 0, false: 2}[ws == x.ws]; found != want {
			t.Errorf("workspace %s: FindProfile(u2) = %d, want %d", ws, found, want)
		}
	}
	ids, err := x.st.ProfileIdentifiers(context.Background(), x.ws, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0].String() != "anonymous_id:a2" {
		t.Errorf("first workspace's profile 2: %v, want its own anonymous id alone", ids)
	}
}

// failing is the real store with SaveIdentity failing while fail is set.
type failing struct {
	*store.Store
	mu   sync.Mutex
	fail bool
}

func (f *failing) SaveIdentity(ctx context.Context, c []identity.Changes) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("disk full")
	}
	return f.Store.SaveIdentity(ctx, c)
}

func TestFailedSaveLeavesNothingBehind(t *testing.T) {
	x := newRig(t)
	f := &failing{Store: x.st}
	r, err := identity.New(f, identity.DefaultRules(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := []event.Message{x.message(x.ws, `{"type":"identify","userId":"u1","anonymousId":"a1"}`)}
	if _, err := r.Resolve(ctx, first); err != nil {
		t.Fatal(err)
	}
	f.fail = true
	lost := []event.Message{
		x.message(x.ws, `{"type":"page","anonymousId":"a2"}`),
		x.message(x.ws, `{"type":"identify","userId":"u1","anonymousId":"a2"}`),
	}
	if _, err := r.Resolve(ctx, lost); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Resolve with a failing store: error %v, want the store's", err)
	}
	f.fail = false
	again := []event.Message{x.message(x.ws, `{"type":"page","anonymousId":"a3"}`), x.message(x.ws, `{"type":"page","anonymousId":"a2"}`)}
	if _, err := r.Resolve(ctx, again); err != nil {
		t.Fatal(err)
	}
	// Had the failed batch stayed in memory, a2 would be in u1's profile and a3
	// would get profile 3.
	if again[0].Profile != 2 || again[1].Profile != 3 {
		t.Errorf("after the failed batch: a3 in %d, a2 in %d; want 2 and 3, as if it never happened", again[0].Profile, again[1].Profile)
	}
}

// Batches of one workspace resolved from many goroutines at once still give
// each user id one profile, each holding it alone.
func TestConcurrentBatches(t *testing.T) {
	x := newRig(t)
	const workers, users = 4, 50
	batches := make([][]event.Message, workers)
	for w := range workers {
		for u := range users {
			batches[w] = append(batches[w],
				x.message(x.ws, fmt.Sprintf(`{"type":"page","anonymousId":"w%d-u%d"}`, w, u)),
				x.message(x.ws, fmt.Sprintf(`{"type":"identify","userId":"u%d","anonymousId":"w%d-u%d"}`, u, w, u)))
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := 0; i < len(batches[w]); i += 10 {
				if _, err := x.r.Resolve(context.Background(), batches[w][i:i+10]); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for u := range users {
		p, err := x.st.FindProfile(context.Background(), x.ws, identity.Identifier{Kind: identity.UserID, Value: fmt.Sprintf("u%d", u)})
		if err != nil {
			t.Fatal(err)
		}
		if ids := x.identifiers(p); len(ids) != workers+1 {
			t.Errorf("u%d: profile %d holds %v, want the user id and its %d devices", u, p, ids, workers)
		}
	}
}

func TestRulesValidate(t *testing.T) {
	for _, c := range []struct {
		change func(*identity.Rules)
		want   string
	}{
		{func(r *identity.Rules) { r.Limit[identity.UserID] = 2 }, "limit.user_id is 2"},
		{func(r *identity.Rules) { r.Limit[identity.Email] = 0 }, "limit.email is 0"},
		{func(r *identity.Rules) { r.Priority = r.Priority[:4] }, "priority lists 4 kinds"},
		{func(r *identity.Rules) { r.Priority[1] = identity.UserID }, "priority[1]: user_id is listed twice"},
		{func(r *identity.Rules) { r.Blocked = []string{" "} }, "blocked[0] is empty"},
	} {
		r := identity.DefaultRules()
		c.change(&r)
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one saying %q", err, c.want)
		}
		if _, err := identity.New(nil, r, time.Now); err == nil {
			t.Errorf("New accepted rules with %q", c.want)
		}
	}
	r := identity.DefaultRules()
	if err := r.Validate(); err != nil {
		t.Errorf("default rules: %v", err)
	}
}

// A Pending stores several batches' changes in one transaction at Commit;
// abandoned, it leaves the graph as the store has it.
func TestPendingCommitsTogetherOrNotAtAll(t *testing.T) {
	x := newRig(t)
	ctx := context.Background()
	p := x.r.Begin()
	first := []event.Message{x.message(x.ws, `{"type":"page","anonymousId":"a1"}`)}
	second := []event.Message{x.message(x.ws, `{"type":"identify","userId":"u1","anonymousId":"a1"}`), x.message(x.ws, `{"type":"page","anonymousId":"a2"}`)}
	for _, b := range [][]event.Message{first, second} {
		if _, err := p.Resolve(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if found, _ := x.st.FindProfile(ctx, x.ws, identity.Identifier{Kind: identity.UserID, Value: "u1"}); found != 0 {
		t.Fatalf("before Commit the store already has u1 in profile %d", found)
	}
	if err := p.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if found, _ := x.st.FindProfile(ctx, x.ws, identity.Identifier{Kind: identity.UserID, Value: "u1"}); found != first[0].Profile || found == 0 {
		t.Fatalf("after Commit u1 is in profile %d, want a1's %d", found, first[0].Profile)
	}
	if _, err := p.Resolve(ctx, first); err == nil {
		t.Error("a committed Pending resolved another batch")
	}

	q := x.r.Begin()
	lost := []event.Message{x.message(x.ws, `{"type":"identify","userId":"u1","anonymousId":"a2"}`), x.message(x.ws, `{"type":"page","anonymousId":"a3"}`)}
	if _, err := q.Resolve(ctx, lost); err != nil {
		t.Fatal(err)
	}
	q.Abort()
	if err := q.Commit(ctx); err == nil {
		t.Error("an abandoned Pending committed")
	}
	// As if the abandoned batch never was: a2 is still a profile of its own,
	// and the next new profile is the one a3 would have had.
	p2 := x.send(`{"type":"page","anonymousId":"a2"}`, `{"type":"page","anonymousId":"a4"}`)
	if p2[0] != second[1].Profile || p2[1] != lost[1].Profile {
		t.Errorf("after Abort: a2 in %d, a4 in %d; want %d and %d", p2[0], p2[1], second[1].Profile, lost[1].Profile)
	}
}

// A profile stored under looser rules keeps what it holds when the limits
// are tightened: its messages still find it, it only stops growing.
func TestTightenedLimitsKeepProfilesWhole(t *testing.T) {
	x := newRig(t)
	p := x.send(
		`{"type":"identify","userId":"u1","anonymousId":"a1"}`,
		`{"type":"identify","userId":"u1","anonymousId":"a2"}`,
		`{"type":"identify","userId":"u1","anonymousId":"a3"}`,
	)[0]
	x.rules.Limit[identity.AnonymousID] = 2
	x.restart()
	for _, body := range []string{`{"type":"page","anonymousId":"a3"}`, `{"type":"identify","userId":"u1","anonymousId":"a1"}`} {
		if q := x.one(body); q != p {
			t.Errorf("%s under the tighter limit: profile %d, want %d", body, q, p)
		}
	}
	if q := x.one(`{"type":"identify","userId":"u1","anonymousId":"a4"}`); q != p || len(x.identifiers(p)) != 4 {
		t.Errorf("a fourth device: profile %d holding %v, want %d without a4", q, x.identifiers(p), p)
	}
}

// createWorkspace makes a workspace through the settings domain, as the
// product does.
func createWorkspace(tb testing.TB, st *store.Store, name string) workspace.Workspace {
	tb.Helper()
	w, err := workspace.New(st, nil, nil, workspace.Hooks{}).Create(context.Background(), name, "product")
	if err != nil {
		tb.Fatalf("create workspace: %v", err)
	}
	return w
}
