package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ripple/internal/channel"
	"ripple/internal/event"
)

// Truth is what really happened in a simulation, to measure engines against.
type Truth struct {
	Seed     uint64
	Config   Config
	Channels []ChannelTruth
	People   []PersonTruth
	// Touches is, per person, what their messages show (empty without
	// events); MessagePeople is the true person of every message, indexed by
	// the message's number (its id is sim-SEED-NUMBER, numbered from 1).
	Touches       []Touch
	MessagePeople []int32
	Referrals     []Referral
	Mentions      []Mention
	Spend         []Spend
	Counts        Counts
}

// ChannelTruth is one channel's true contribution.
type ChannelTruth struct {
	Key       string
	Platform  string
	Ownership channel.Ownership
	Share     float64
	Reach     float64
	CPM       float64
	Effect    [nTransitions]float64
	Exposures int64
	Spend     float64
	// FirstTouch counts people whose first stimulus came from the channel;
	// Conversions counts customers it reached before their first purchase.
	FirstTouch  int64
	Conversions int64
	// IncrementalConversions and IncrementalRevenue are what disappears when
	// the channel is switched off and the same world is simulated again:
	// customers, and net revenue (orders less refunds).
	IncrementalConversions int64
	IncrementalRevenue     float64
}

// PersonTruth is one person's true journey. StageDays[i] is the day the
// person reached Stages[i], or -1; stages are reached in order.
type PersonTruth struct {
	ID           int
	AnonymousID  string
	UserID       string // empty if they never signed up or bought
	Stage        event.Stage
	StageDays    [rAdvocate]int
	FirstChannel string // channel key of the first stimulus, "direct" or ""
	Referrer     int    // who brought them by word of mouth, or -1
	Followers    int
	Orders       int
	Revenue      float64
	Churned      bool

	// Household is the person sharing a household device with them, or -1.
	Household int

	// How the person shows up in the data, which the methods below spell
	// out: made on demand, so a run of millions of people does not build
	// their strings.
	seed uint64
	pers persona
}

// Devices lists the anonymous ids of the person's devices: the primary one
// first, the household device last.
func (p *PersonTruth) Devices() []string { return devices(p.seed, p.ID, &p.pers) }

// Email is the address the person usually signs in with.
func (p *PersonTruth) Email() string { return emailOf(p.ID, &p.pers, false) }

// Phone is the person's phone number with its country code, digits only, or
// "" when the business does not have it.
func (p *PersonTruth) Phone() string {
	if p.pers.phone < 0 {
		return ""
	}
	return phoneOf(p.ID, 2) // the format with every digit and no punctuation
}

// HandleOn is the person's handle on a platform, as platform:@name.
func (p *PersonTruth) HandleOn(platform string) string {
	return platform + ":@" + handleOf(p.ID, platform, &p.pers)
}

// Handles lists the person's handles on every platform advocates post on.
func (p *PersonTruth) Handles() []string {
	out := make([]string, len(postPlatforms))
	for i, pl := range postPlatforms {
		out[i] = p.HandleOn(pl)
	}
	return out
}

// Touch is what one person's messages show, as a resolver that knew every
// message's person would find it: the channel of their first message (""
// when they left none) and the furthest stage a message moved them into.
type Touch struct {
	FirstChannel string
	Stage        event.Stage
}

// PersonOf is the true person of the message with the given id, or false
// when the id is not one of this run's.
func (t *Truth) PersonOf(messageID string) (int, bool) {
	pfx := "sim-" + strconv.FormatUint(t.Seed, 10) + "-"
	if !strings.HasPrefix(messageID, pfx) {
		return 0, false
	}
	n, err := strconv.Atoi(messageID[len(pfx):])
	if err != nil || n < 1 || n > len(t.MessagePeople) {
		return 0, false
	}
	return int(t.MessagePeople[n-1]), true
}

// Referral is an edge of the referral tree: an advocate's post brought the
// child in. Parents always joined before their children, so it is a forest.
type Referral struct {
	Parent, Child int
	Day           int
	Platform      string
}

// Mention is a text someone posted, with the sentiment its writer meant.
type Mention struct {
	MessageID  string
	Person     int
	Day        int
	Event      string
	Platform   string
	Label      string // positive, neutral or negative
	Score      float64
	NeedsReply bool
	Text       string
}

// Spend is what one channel cost on one day.
type Spend struct {
	Day     int
	Channel string
	Amount  float64
}

// Counts summarise a run.
type Counts struct {
	Events       int64
	People       int64
	Follows      int64
	Customers    int64
	Orders       int64
	Refunds      int64
	Advocates    int64
	Posts        int64
	Referrals    int64
	Mentions     int64
	NeedsReply   int64
	Churned      int64
	GrossRevenue float64
	Refunded     float64
	Revenue      float64 // gross less refunds
	Spend        float64
	ByStage      map[string]int64 // people by their true (furthest) stage
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func (w *world) truth(cfg Config, g *graph) *Truth {
	t := &Truth{Seed: cfg.Seed, Config: cfg, Referrals: w.referrals}
	C := len(w.ch)
	for c, s := range w.ch {
		ct := ChannelTruth{
			Key: s.Key, Platform: s.Platform, Ownership: s.Ownership, Share: s.Share, Reach: s.Reach, CPM: s.CPM,
			Effect: s.Effect, Exposures: w.exposures[c], FirstTouch: w.firstCh[c], Conversions: w.touched[c],
		}
		for d := 0; d < w.days; d++ {
			ct.Spend += w.spend[d*C+c]
		}
		ct.Spend = round2(ct.Spend)
		t.Channels = append(t.Channels, ct)
	}
	for d := 0; d < w.days; d++ {
		for c := range w.ch {
			if a := w.spend[d*C+c]; a > 0 {
				t.Spend = append(t.Spend, Spend{Day: d, Channel: w.ch[c].Key, Amount: round2(a)})
				t.Counts.Spend += round2(a)
			}
		}
	}
	t.Counts.Spend = round2(t.Counts.Spend)
	t.Counts.ByStage = map[string]int64{"none": 0}
	for _, s := range event.Stages {
		t.Counts.ByStage[string(s)] = 0
	}
	t.People = make([]PersonTruth, len(w.people))
	for p := range w.people {
		ps := &w.people[p]
		pt := PersonTruth{
			ID: p, AnonymousID: AnonymousID(w.seed, p), Referrer: int(ps.referrer),
			Followers: len(g.followers(p)), Orders: int(ps.orders), Revenue: round2(ps.revenue), Churned: ps.churned,
		}
		if ps.known {
			pt.UserID = UserID(p)
		}
		pt.seed, pt.pers = w.seed, personaOf(w.seed, p, len(w.people))
		pt.Household = int(pt.pers.partner)
		for i, d := range ps.stageDay {
			pt.StageDays[i] = int(d)
		}
		if ps.stage > 0 {
			pt.Stage = event.Stages[ps.stage-1]
			t.Counts.ByStage[string(pt.Stage)]++
		} else {
			t.Counts.ByStage["none"]++
		}
		switch {
		case ps.first >= 0:
			pt.FirstChannel = w.ch[ps.first].Key
		case ps.first == noChannel:
			pt.FirstChannel = "direct"
		}
		t.People[p] = pt
	}
	if w.out != nil {
		t.Mentions = w.out.mentions
		t.Counts.Events = w.out.events
		t.MessagePeople = w.out.persons
		t.Touches = make([]Touch, len(w.people))
		for p := range t.Touches {
			if k := w.out.firstTouch[p]; k > 0 {
				t.Touches[p].FirstChannel = w.out.touchKeys[k-1]
			}
			if r := w.out.touchRank[p]; r > 0 {
				t.Touches[p].Stage = event.Stages[r-1]
			}
		}
	}
	t.Counts.People = int64(len(w.people))
	t.Counts.Follows = int64(len(g.follow))
	t.Counts.Customers = w.customers
	t.Counts.Orders = w.orders
	t.Counts.Refunds = w.refunded
	t.Counts.Advocates = w.advocates
	t.Counts.Posts = w.posts
	t.Counts.Referrals = int64(len(w.referrals))
	t.Counts.Mentions = int64(len(t.Mentions))
	for _, m := range t.Mentions {
		if m.NeedsReply {
			t.Counts.NeedsReply++
		}
	}
	t.Counts.Churned = w.churned
	t.Counts.GrossRevenue = round2(w.gross)
	t.Counts.Refunded = round2(w.refunds)
	t.Counts.Revenue = round2(w.gross - w.refunds)
	return t
}

// WriteDir writes the truth as CSV files and summary.json into dir,
// creating it: channels.csv, people.csv, messages.csv, referrals.csv,
// mentions.csv, spend.csv and summary.json.
func (t *Truth) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sim: truth directory: %w", err)
	}
	files := []struct {
		name  string
		write func(*csvWriter)
	}{
		{"channels.csv", t.writeChannels},
		{"people.csv", t.writePeople},
		{"messages.csv", t.writeMessages},
		{"referrals.csv", t.writeReferrals},
		{"mentions.csv", t.writeMentions},
		{"spend.csv", t.writeSpend},
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.name), func(w *bufio.Writer) error {
			cw := &csvWriter{w: w}
			f.write(cw)
			return cw.err
		}); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(dir, "summary.json"), func(w *bufio.Writer) error {
		b, err := json.MarshalIndent(t.summary(), "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
}

func writeFile(path string, write func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sim: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// summary is summary.json: the seed, the configuration and the counts.
type summary struct {
	Seed               uint64        `json:"seed"`
	People             int           `json:"people"`
	Days               int           `json:"days"`
	Start              time.Time     `json:"start"`
	Business           string        `json:"business"`
	SkipIncrementality bool          `json:"skip_incrementality,omitempty"`
	Channels           []channelJSON `json:"channels"`
	Counts             Counts        `json:"counts"`
}

type channelJSON struct {
	Key       string                `json:"key"`
	Platform  string                `json:"platform"`
	Ownership channel.Ownership     `json:"ownership"`
	Audience  string                `json:"audience"`
	Share     float64               `json:"share"`
	Reach     float64               `json:"reach"`
	CPM       float64               `json:"cpm"`
	Effect    [nTransitions]float64 `json:"effect"`
	From      int                   `json:"from_day"`
	To        int                   `json:"to_day,omitempty"`
}

func (t *Truth) summary() summary {
	s := summary{
		Seed: t.Seed, People: t.Config.People, Days: t.Config.Days, Start: t.Config.Start,
		Business: t.Config.Business, SkipIncrementality: t.Config.SkipIncrementality, Counts: t.Counts,
	}
	for _, c := range t.Config.Channels {
		s.Channels = append(s.Channels, channelJSON{
			Key: c.Key, Platform: c.Platform, Ownership: c.Ownership, Audience: audienceNames[c.Audience],
			Share: c.Share, Reach: c.Reach, CPM: c.CPM, Effect: c.Effect, From: c.From, To: c.To,
		})
	}
	return s
}

var audienceNames = map[Audience]string{Everyone: "everyone", Aware: "aware", Known: "known", Network: "network"}

func (t *Truth) writeChannels(w *csvWriter) {
	w.row("channel", "platform", "ownership", "share", "reach", "cpm", "cost_per_day", "exposures", "spend",
		"first_touch", "conversions", "incremental_conversions", "incremental_revenue",
		"effect_find", "effect_understand", "effect_engage", "effect_purchase", "effect_advocate")
	for _, c := range t.Channels {
		inc, incRev := strconv.FormatInt(c.IncrementalConversions, 10), money(c.IncrementalRevenue)
		if t.Config.SkipIncrementality {
			inc, incRev = "", ""
		}
		w.row(c.Key, c.Platform, string(c.Ownership), num(c.Share), num(c.Reach), num(c.CPM),
			money(c.Spend/float64(t.Config.Days)), strconv.FormatInt(c.Exposures, 10), money(c.Spend),
			strconv.FormatInt(c.FirstTouch, 10), strconv.FormatInt(c.Conversions, 10), inc, incRev,
			num(c.Effect[0]), num(c.Effect[1]), num(c.Effect[2]), num(c.Effect[3]), num(c.Effect[4]))
	}
}

func (t *Truth) writePeople(w *csvWriter) {
	w.row("person_id", "anonymous_id", "user_id", "stage", "first_channel", "referrer_id", "followers", "orders",
		"revenue", "churned", "stimulus_day", "find_day", "understand_day", "engage_day", "purchase_day", "advocate_day",
		"first_touch", "touch_stage", "devices", "email", "phone", "handles", "household_id")
	var days [rAdvocate]string
	for i, p := range t.People {
		var touch Touch
		if i < len(t.Touches) {
			touch = t.Touches[i]
		}
		for i, d := range p.StageDays {
			days[i] = ""
			if d >= 0 {
				days[i] = strconv.Itoa(d)
			}
		}
		w.row(UserID(p.ID), p.AnonymousID, p.UserID, string(p.Stage), p.FirstChannel, personRef(p.Referrer),
			strconv.Itoa(p.Followers), strconv.Itoa(p.Orders), money(p.Revenue), strconv.FormatBool(p.Churned),
			days[0], days[1], days[2], days[3], days[4], days[5],
			touch.FirstChannel, string(touch.Stage), strings.Join(p.Devices(), " "), p.Email(), p.Phone(), strings.Join(p.Handles(), " "), personRef(p.Household))
	}
}

func (t *Truth) writeMessages(w *csvWriter) {
	w.row("message_id", "person_id")
	pfx := "sim-" + strconv.FormatUint(t.Seed, 10) + "-"
	var id []byte
	for n, p := range t.MessagePeople {
		id = strconv.AppendInt(append(id[:0], pfx...), int64(n+1), 10)
		w.row(string(id), UserID(int(p)))
	}
}

func personRef(p int) string {
	if p < 0 {
		return ""
	}
	return UserID(p)
}

func (t *Truth) writeReferrals(w *csvWriter) {
	w.row("parent_id", "child_id", "day", "channel")
	for _, r := range t.Referrals {
		w.row(UserID(r.Parent), UserID(r.Child), strconv.Itoa(r.Day), r.Platform+"/earned")
	}
}

func (t *Truth) writeMentions(w *csvWriter) {
	w.row("message_id", "person_id", "label", "score", "event", "platform", "day", "needs_reply", "text")
	for _, m := range t.Mentions {
		w.row(m.MessageID, UserID(m.Person), m.Label, strconv.FormatFloat(m.Score, 'f', 3, 64), m.Event, m.Platform,
			strconv.Itoa(m.Day), strconv.FormatBool(m.NeedsReply), m.Text)
	}
}

func (t *Truth) writeSpend(w *csvWriter) {
	w.row("day", "date", "channel", "amount")
	for _, s := range t.Spend {
		w.row(strconv.Itoa(s.Day), t.Config.Start.AddDate(0, 0, s.Day).Format(time.DateOnly), s.Channel, money(s.Amount))
	}
}

func money(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
func num(f float64) string   { return strconv.FormatFloat(f, 'f', -1, 64) }

// csvWriter writes RFC 4180 rows, quoting only fields that need it; it is
// encoding/csv without the per-row allocations, for million-row files.
type csvWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

func (c *csvWriter) row(fields ...string) {
	if c.err != nil {
		return
	}
	b := c.buf[:0]
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		if needsQuote(f) {
			b = append(b, '"')
			for j := 0; j < len(f); j++ {
				if f[j] == '"' {
					b = append(b, '"')
				}
				b = append(b, f[j])
			}
			b = append(b, '"')
			continue
		}
		b = append(b, f...)
	}
	b = append(b, '\n')
	c.buf = b
	_, c.err = c.w.Write(b)
}

func needsQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			return true
		}
	}
	return len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ')
}
