package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ripple/internal/event"
)

// small is a configuration that runs in well under a second.
func small(seed uint64, business string) Config {
	return Config{Seed: seed, People: 2500, Days: 60, Business: business}
}

// generate runs cfg and returns the NDJSON and the truth directory's files.
func generate(t *testing.T, cfg Config) ([]byte, *Truth, map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	tr, err := Run(context.Background(), cfg, func(m *event.Message) error { return WriteNDJSON(bw, m) })
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := tr.WriteDir(dir); err != nil {
		t.Fatalf("WriteDir: %v", err)
	}
	files := map[string][]byte{}
	for _, name := range []string{"channels.csv", "people.csv", "messages.csv", "referrals.csv", "mentions.csv", "spend.csv", "summary.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("truth file: %v", err)
		}
		files[name] = b
	}
	return buf.Bytes(), tr, files
}

func TestDeterministic(t *testing.T) {
	for _, biz := range []string{"product", "service"} {
		t.Run(biz, func(t *testing.T) {
			ev1, _, truth1 := generate(t, small(7, biz))
			ev2, _, truth2 := generate(t, small(7, biz))
			if !bytes.Equal(ev1, ev2) {
				t.Errorf("same seed: events differ (%d vs %d bytes)", len(ev1), len(ev2))
			}
			for name, b := range truth1 {
				if !bytes.Equal(b, truth2[name]) {
					t.Errorf("same seed: %s differs", name)
				}
			}
			ev3, _, truth3 := generate(t, small(8, biz))
			if bytes.Equal(ev1, ev3) {
				t.Error("seeds 7 and 8: events are identical, want different")
			}
			if bytes.Equal(truth1["people.csv"], truth3["people.csv"]) {
				t.Error("seeds 7 and 8: people.csv is identical, want different")
			}
		})
	}
}

// The dry run (no events) is the causal model the counterfactuals use: it
// must reach exactly the outcome of the run that builds events.
func TestDryRunMatchesEventRun(t *testing.T) {
	cfg := small(3, "product")
	cfg.SkipIncrementality = true
	dry, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, wet, _ := generate(t, cfg)
	have, want := dry.Counts, wet.Counts
	have.Events, have.Mentions, have.NeedsReply = want.Events, want.Mentions, want.NeedsReply
	hb, _ := json.Marshal(have)
	wb, _ := json.Marshal(want)
	if !bytes.Equal(hb, wb) {
		t.Errorf("dry counts %s, want %s", hb, wb)
	}
	for i := range dry.People {
		if dry.People[i] != wet.People[i] {
			t.Fatalf("person %d: dry %+v, want %+v", i, dry.People[i], wet.People[i])
		}
	}
}

func TestIncrementality(t *testing.T) {
	cfg := small(11, "product")
	tr, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	byKey := map[string]ChannelTruth{}
	for _, c := range tr.Channels {
		byKey[c.Key] = c
		sum += c.IncrementalConversions
		// Removing a cause can rarely shuffle who converts: allow a little noise.
		if c.IncrementalConversions < -tr.Counts.Customers/50 {
			t.Errorf("%s: incremental conversions %d, want about zero or more", c.Key, c.IncrementalConversions)
		}
	}
	if sum <= 0 || sum > 3*tr.Counts.Customers {
		t.Errorf("incremental conversions sum to %d for %d customers, want positive and plausible", sum, tr.Counts.Customers)
	}
	for _, key := range []string{"facebook/paid", "instagram/paid", "search/paid", "email/owned"} {
		if c := byKey[key]; c.IncrementalConversions <= 0 || c.IncrementalRevenue <= 0 {
			t.Errorf("%s: incremental conversions %d, revenue %v, want both positive", key, c.IncrementalConversions, c.IncrementalRevenue)
		}
	}
	if f, x := byKey["facebook/paid"], byKey["x/paid"]; x.IncrementalConversions*2 >= f.IncrementalConversions {
		t.Errorf("x/paid (no effect on any transition) incremental %d, facebook/paid %d, want x well below", x.IncrementalConversions, f.IncrementalConversions)
	}

	// Switching a channel off inside Run must be the same as simulating a
	// business that never had it.
	for _, key := range []string{"facebook/paid", "referral/earned"} {
		without := cfg
		without.SkipIncrementality = true
		without.Channels = nil
		for _, c := range DefaultChannels(cfg.Business, cfg.Days) {
			if c.Key != key {
				without.Channels = append(without.Channels, c)
			}
		}
		off, err := Run(context.Background(), without, nil)
		if err != nil {
			t.Fatal(err)
		}
		if have, want := off.Counts.Customers, tr.Counts.Customers-byKey[key].IncrementalConversions; have != want {
			t.Errorf("without %s: %d customers, want %d (truth says %d incremental)", key, have, want, byKey[key].IncrementalConversions)
		}
	}
}

func TestReferralForest(t *testing.T) {
	tr, err := Run(context.Background(), small(5, "service"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Referrals) == 0 {
		t.Fatal("no word-of-mouth referrals, want some")
	}
	parent := map[int]int{}
	for _, r := range tr.Referrals {
		if _, dup := parent[r.Child]; dup {
			t.Fatalf("person %d has two referrers", r.Child)
		}
		parent[r.Child] = r.Parent
		p := tr.People[r.Parent]
		if adv := p.StageDays[rAdvocate-1]; adv < 0 || adv >= r.Day {
			t.Errorf("referral %+v: parent became advocate on day %d, want before the referral", r, adv)
		}
		if tr.People[r.Child].Referrer != r.Parent {
			t.Errorf("referral %+v: people truth says referrer %d", r, tr.People[r.Child].Referrer)
		}
	}
	for child := range parent {
		seen := map[int]bool{}
		for p, ok := child, true; ok; p, ok = parent[p] {
			if seen[p] {
				t.Fatalf("referral cycle through person %d", p)
			}
			seen[p] = true
		}
	}
}

func TestStagesMonotone(t *testing.T) {
	tr, err := Run(context.Background(), small(9, "product"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tr.People {
		reached := 0
		for i, d := range p.StageDays {
			if d < 0 {
				break
			}
			if i > 0 && d < p.StageDays[i-1] {
				t.Fatalf("person %d: stage days %v go backwards", p.ID, p.StageDays)
			}
			reached = i + 1
		}
		for _, d := range p.StageDays[reached:] {
			if d >= 0 {
				t.Fatalf("person %d: stage days %v skip a stage", p.ID, p.StageDays)
			}
		}
		if have, want := p.Stage.Rank(), reached; have != want {
			t.Fatalf("person %d: stage %q, want rank %d from %v", p.ID, p.Stage, want, p.StageDays)
		}
		if (p.Orders > 0) != (reached >= rPurchase) {
			t.Fatalf("person %d: %d orders at stage %q", p.ID, p.Orders, p.Stage)
		}
	}
}

// Every message must go through the real parse and enrich path, and what
// the data says about a person's stage must agree with the truth.
func TestEventsParseAndAgreeWithTruth(t *testing.T) {
	for _, biz := range []string{"product", "service"} {
		t.Run(biz, func(t *testing.T) {
			cfg := small(21, biz)
			cfg.SkipIncrementality = true
			nd, tr, _ := generate(t, cfg)
			stageAt := func(p, day int) int {
				r := 0
				for i, d := range tr.People[p].StageDays {
					if d >= 0 && d <= day {
						r = i + 1
					}
				}
				return r
			}
			derived := make([]int, len(tr.People))
			texts := map[string]string{}
			names := map[string]int{}
			sc := bufio.NewScanner(bytes.NewReader(nd))
			sc.Buffer(nil, 1<<20)
			n := 0
			for sc.Scan() {
				m, err := event.Parse(sc.Bytes(), n, time.Now(), event.Defaults{})
				if err != nil {
					t.Fatalf("line %d: %v\n%s", n+1, err, sc.Bytes())
				}
				if err := event.Enrich(&m, n); err != nil {
					t.Fatalf("line %d: enrich: %v\n%s", n+1, err, sc.Bytes())
				}
				n++
				names[m.Event]++
				p, ok := tr.PersonOf(m.MessageID)
				if !ok {
					t.Fatalf("line %d: message %q is nobody's in the truth", n, m.MessageID)
				}
				if err := idsOf(&tr.People[p], &m); err != nil {
					t.Fatalf("line %d: %v\n%s", n, err, sc.Bytes())
				}
				day := int(m.Timestamp.Sub(tr.Config.Start) / (24 * time.Hour))
				if r := m.Stage.Rank(); r > stageAt(p, day) {
					t.Fatalf("line %d: %s %q shows stage %s, but person %d is at rank %d on day %d", n, m.Type, m.Event, m.Stage, p, stageAt(p, day), day)
				} else if r > derived[p] {
					derived[p] = r
				}
				if m.Text != "" {
					texts[m.MessageID] = m.Text
				}
			}
			if int64(n) != tr.Counts.Events {
				t.Errorf("%d lines, truth counts %d events", n, tr.Counts.Events)
			}
			for _, p := range tr.People {
				if r := p.Stage.Rank(); r >= rFind && derived[p.ID] != r {
					t.Fatalf("person %d: events show rank %d, truth stage %q", p.ID, derived[p.ID], p.Stage)
				}
			}
			for _, name := range []string{"Ad Impression", "Products Searched", "Product Viewed", "Order Completed", "Referral Accepted", "Mention Posted", "Message Received", "Review Posted"} {
				if biz == "service" && name == "Order Completed" {
					name = "Subscription Started"
				}
				if names[name] == 0 {
					t.Errorf("no %q events", name)
				}
			}
			labels := map[string]int{}
			for _, m := range tr.Mentions {
				labels[m.Label]++
				if texts[m.MessageID] != m.Text {
					t.Fatalf("mention %s: event text %q, truth %q", m.MessageID, texts[m.MessageID], m.Text)
				}
				if m.Label == Negative && !m.NeedsReply {
					t.Errorf("mention %s is negative but does not need a reply", m.MessageID)
				}
			}
			for _, l := range []string{Positive, Neutral, Negative} {
				if labels[l] == 0 {
					t.Errorf("no %s mentions", l)
				}
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no people", Config{Days: 10}, "People"},
		{"too many days", Config{People: 10, Days: 5000}, "Days"},
		{"business", Config{People: 10, Business: "shop"}, "Business"},
		{"reach", Config{People: 10, Channels: []ChannelSpec{{Key: "a", Reach: 2}}}, "Reach"},
		{"duplicate", Config{People: 10, Channels: []ChannelSpec{{Key: "a"}, {Key: "a"}}}, "twice"},
		{"effect", Config{People: 10, Channels: []ChannelSpec{{Key: "a", Effect: [nTransitions]float64{0, -1}}}}, "Effect[1]"},
	}
	for _, tt := range tests {
		_, err := Run(context.Background(), tt.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %q", tt.name, err, tt.want)
		}
	}
}

func TestRunStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Run(ctx, small(1, "product"), func(*event.Message) error {
		if n++; n == 100 {
			cancel()
		}
		return nil
	})
	if err == nil {
		t.Fatal("Run after cancel: no error")
	}
}

func TestWriteDir(t *testing.T) {
	_, tr, files := generate(t, small(2, "product"))
	tests := []struct {
		file   string
		header string
		rows   int
	}{
		{"channels.csv", "channel,platform,ownership,", len(tr.Channels)},
		{"people.csv", "person_id,anonymous_id,user_id,stage,first_channel,referrer_id,", len(tr.People)},
		{"messages.csv", "message_id,person_id", int(tr.Counts.Events)},
		{"referrals.csv", "parent_id,child_id,day,channel", len(tr.Referrals)},
		{"mentions.csv", "message_id,person_id,label,score,", len(tr.Mentions)},
		{"spend.csv", "day,date,channel,amount", len(tr.Spend)},
	}
	for _, tt := range tests {
		lines := strings.Split(strings.TrimSuffix(string(files[tt.file]), "\n"), "\n")
		if !strings.HasPrefix(lines[0], tt.header) {
			t.Errorf("%s: header %q, want prefix %q", tt.file, lines[0], tt.header)
		}
		if have := len(lines) - 1; have != tt.rows {
			t.Errorf("%s: %d rows, want %d", tt.file, have, tt.rows)
		}
	}
	var s struct {
		Seed   uint64
		Counts Counts
	}
	if err := json.Unmarshal(files["summary.json"], &s); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if s.Seed != 2 || s.Counts.Events != tr.Counts.Events {
		t.Errorf("summary.json: seed %d, events %d, want 2 and %d", s.Seed, s.Counts.Events, tr.Counts.Events)
	}
}

func TestAppendNDJSONEscapes(t *testing.T) {
	m := &event.Message{
		Type: event.Track, MessageID: "x-1", AnonymousID: "a\"b", Event: "Mention Posted",
		Properties: json.RawMessage(`{"text":"ok"}`),
		Timestamp:  time.Date(2025, 3, 4, 5, 6, 7, 891e6, time.UTC),
	}
	line := AppendNDJSON(nil, m)
	want := `{"type":"track","messageId":"x-1","anonymousId":"a\"b","event":"Mention Posted","properties":{"text":"ok"},"timestamp":"2025-03-04T05:06:07.891Z"}` + "\n"
	if string(line) != want {
		t.Errorf("line\n%s want\n%s", line, want)
	}
	for _, s := range []string{"tab\there", "new\nline", "bad \xff byte", "emoji 😍", `back\slash`, "\x01"} {
		var back string
		if err := json.Unmarshal(appendString(nil, s), &back); err != nil {
			t.Errorf("appendString(%q): %v", s, err)
		} else if back != strings.ToValidUTF8(s, "\uFFFD") {
			t.Errorf("appendString(%q) reads back as %q", s, back)
		}
	}
}

func TestGraphHeavyTail(t *testing.T) {
	g := newGraph(1, 20000)
	most, total := 0, len(g.follow)
	for p := 0; p < 20000; p++ {
		most = max(most, len(g.followers(p)))
	}
	if mean := float64(total) / 20000; float64(most) < 20*mean {
		t.Errorf("most followers %d, mean %.1f: want a heavy tail (max at least 20x the mean)", most, mean)
	}
}

// idsOf checks that m's ids are person p's: a device of theirs (or the
// all-zeros id of a broken app), their handle on a platform, their user id
// or a placeholder a broken client sends.
func idsOf(p *PersonTruth, m *event.Message) error {
	if a := m.AnonymousID; a != "" && a != zeroID && !slices.Contains(p.Devices(), a) &&
		!(strings.Contains(a, ":@") && slices.Contains(p.Handles(), a)) {
		return fmt.Errorf("anonymousId %q is none of person %d's devices %q or handles", a, p.ID, p.Devices())
	}
	if u := m.UserID; u != "" && u != p.UserID && !slices.Contains(junkUserIDs, u) {
		return fmt.Errorf("userId %q, truth says %q", u, p.UserID)
	}
	if m.AnonymousID == "" && m.UserID == "" {
		return errors.New("no id at all")
	}
	return nil
}

// A resolver that knew every message's person would find exactly the
// truth's touches: each person's first channel and furthest stage, so the
// truth's stage counts per first channel are what the messages support.
func TestTouchesArePerfectResolution(t *testing.T) {
	cfg := small(4, "product")
	cfg.SkipIncrementality = true
	nd, tr, files := generate(t, cfg)
	type first struct {
		ts      time.Time
		id, key string
	}
	firsts := map[int]first{}
	rank := make([]int, len(tr.People))
	sc := bufio.NewScanner(bytes.NewReader(nd))
	sc.Buffer(nil, 1<<20)
	for n := 0; sc.Scan(); n++ {
		m, err := event.Parse(sc.Bytes(), n, time.Now(), event.Defaults{})
		if err == nil {
			err = event.Enrich(&m, n)
		}
		if err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		p, ok := tr.PersonOf(m.MessageID)
		if !ok {
			t.Fatalf("line %d: no person for %s", n+1, m.MessageID)
		}
		if f, seen := firsts[p]; !seen || m.Timestamp.Before(f.ts) || m.Timestamp.Equal(f.ts) && m.MessageID < f.id {
			firsts[p] = first{m.Timestamp, m.MessageID, m.Channel.Key()}
		}
		rank[p] = max(rank[p], m.Stage.Rank())
	}
	type cell struct {
		channel string
		stage   int
	}
	have, want := map[cell]int{}, map[cell]int{}
	for p, touch := range tr.Touches {
		if f := firsts[p]; touch.FirstChannel != f.key || touch.Stage.Rank() != rank[p] {
			t.Fatalf("person %d: truth touches %+v, messages show first channel %q and stage rank %d", p, touch, f.key, rank[p])
		}
		for r := 1; r <= rank[p]; r++ {
			have[cell{firsts[p].key, r}]++
		}
	}
	// The same counts from people.csv, as a later test reads them.
	rows, err := csv.NewReader(bytes.NewReader(files["people.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		stage := event.Stage(r[col["touch_stage"]]).Rank()
		for s := 1; s <= stage; s++ {
			want[cell{r[col["first_touch"]], s}]++
		}
	}
	if !maps.Equal(have, want) {
		t.Errorf("stage counts per first channel from the messages %v, from people.csv %v", have, want)
	}
	if len(have) < 20 {
		t.Errorf("only %d (channel, stage) cells: want a real spread", len(have))
	}
}
