package sim

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"ripple/internal/event"
)

// emitter turns the factual world's causal decisions into Segment messages.
// Everything it draws comes from per person-day streams the causal model
// never reads, so building events cannot change what happens.
type emitter struct {
	w     *world
	emit  func(*event.Message) error
	b     brand
	start time.Time
	idPfx []byte
	n     uint64

	msg  event.Message
	slab []byte
	at   int // start of the object being built in slab
	more bool

	// The current person-day's detail stream and clock.
	cp, cd  int
	r       rng
	clockMS int64
	sess    json.RawMessage // landing context of today's visit, if any
	sessCh  int

	anon   []string
	user   []string
	idSent []bool
	sb     strings.Builder

	lib      json.RawMessage
	ads      []json.RawMessage // per channel and ad
	events   int64
	mentions []Mention
}

func newEmitter(w *world, emit func(*event.Message) error, start time.Time) *emitter {
	n := len(w.people)
	e := &emitter{
		w: w, emit: emit, b: brandOf(w.service), start: start,
		idPfx: strconv.AppendUint([]byte("sim-"), w.seed, 10),
		cp:    -1, anon: make([]string, n), user: make([]string, n), idSent: make([]bool, n),
	}
	e.idPfx = append(e.idPfx, '-')
	e.lib = json.RawMessage(`{"library":{"name":"ripple-sim","version":"1.0"}}`)
	return e
}

// AnonymousID is the device id the simulator gives person p under seed.
func AnonymousID(seed uint64, p int) string {
	h1 := hash4(seed, kWet, uint64(p), 1)
	h2 := hash4(seed, kWet, uint64(p), 2)
	var b [36]byte
	x := [16]byte{}
	for i := range 8 {
		x[i] = byte(h1 >> (8 * i))
		x[8+i] = byte(h2 >> (8 * i))
	}
	x[6] = x[6]&0x0f | 0x40 // a version 4 UUID, as analytics.js makes
	x[8] = x[8]&0x3f | 0x80
	j := 0
	for i, v := range x {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j], b[j+1] = hexDigits[v>>4], hexDigits[v&0xf]
		j += 2
	}
	return string(b[:])
}

// UserID is the id person p gets when they sign up or buy.
func UserID(p int) string { return "u-" + strconv.Itoa(p) }

func (e *emitter) anonID(p int) string {
	if e.anon[p] == "" {
		e.anon[p] = AnonymousID(e.w.seed, p)
	}
	return e.anon[p]
}

func (e *emitter) userID(p int) string {
	if e.user[p] == "" {
		e.user[p] = UserID(p)
	}
	return e.user[p]
}

// day switches to person p's day d: a fresh detail stream and a clock that
// starts in waking hours.
func (e *emitter) day(p, d int) {
	if e.cp == p && e.cd == d {
		return
	}
	e.cp, e.cd = p, d
	e.r = rng{s: hash4(e.w.seed, kWet, uint64(p), uint64(d)+1<<40)}
	e.clockMS = int64(7*3600+e.r.intn(15*3600)) * 1000
	e.sess = nil
	e.sessCh = noneYet
}

func (e *emitter) tick() time.Time {
	e.clockMS += int64(2000 + e.r.intn(180000))
	return e.start.Add(time.Duration(e.cd)*24*time.Hour + time.Duration(e.clockMS)*time.Millisecond)
}

// JSON objects are written into a slab that is never reused, so a caller may
// keep a message's raw JSON after emit returns.
func (e *emitter) begin() {
	if cap(e.slab)-len(e.slab) < 2048 {
		e.slab = make([]byte, 0, 64<<10)
	}
	e.at = len(e.slab)
	e.slab = append(e.slab, '{')
	e.more = false
}

func (e *emitter) key(k string) {
	if e.more {
		e.slab = append(e.slab, ',')
	}
	e.more = true
	e.slab = appendString(e.slab, k)
	e.slab = append(e.slab, ':')
}

func (e *emitter) str(k, v string) {
	e.key(k)
	e.slab = appendString(e.slab, v)
}

func (e *emitter) num(k string, v float64) {
	e.key(k)
	e.slab = appendFloat(e.slab, v)
}

func (e *emitter) boolean(k string, v bool) {
	e.key(k)
	e.slab = strconv.AppendBool(e.slab, v)
}

func (e *emitter) open(k string) {
	e.key(k)
	e.slab = append(e.slab, '{')
	e.more = false
}

func (e *emitter) close() {
	e.slab = append(e.slab, '}')
	e.more = true
}

func (e *emitter) end() json.RawMessage {
	e.slab = append(e.slab, '}')
	return e.slab[e.at:len(e.slab):len(e.slab)]
}

// send emits one message for person p at the current clock, sending their
// identify call first if they have just become known.
func (e *emitter) send(p int, typ event.Type, name string, props, ctx json.RawMessage) error {
	ps := &e.w.people[p]
	if ps.known && !e.idSent[p] {
		e.idSent[p] = true
		e.begin()
		e.str("email", e.userID(p)+"@mail.example")
		e.str("first_name", firstNames[p%len(firstNames)])
		e.num("followers", float64(len(e.w.g.followers(p))))
		if err := e.send(p, event.Identify, "", nil, e.lib); err != nil {
			return err
		}
	}
	m := &e.msg
	ts := e.tick()
	*m = event.Message{
		Type: typ, AnonymousID: e.anonID(p), Timestamp: ts, OriginalTimestamp: ts,
		Properties: props, Context: ctx,
	}
	if typ == event.Identify {
		m.Traits = e.end()
	}
	e.n++
	m.MessageID = string(strconv.AppendUint(e.idPfx, e.n, 10))
	if ps.known {
		m.UserID = e.userID(p)
	}
	switch typ {
	case event.Track:
		m.Event = name
	case event.Page:
		m.Name = name
	}
	e.events++
	return e.emit(m)
}

// platformOf is the value of properties.platform for channel c.
func (e *emitter) platformOf(c int) string {
	s := &e.w.ch[c]
	if s.Platform == "search" && s.Source != "" {
		return s.Source
	}
	return s.Platform
}

// exposure emits what an exposure leaves in the data: an ad impression or
// an opened email; TV, print, outdoor and organic results leave nothing.
func (e *emitter) exposure(p, d, c int) error {
	s := &e.w.ch[c]
	if s.Impression == "" {
		return nil
	}
	e.day(p, d)
	n := 1
	if s.Impression == "Ad Impression" {
		n += geometric(e.r.float(), 0.55)
		n = min(n, 4)
	}
	for range n {
		var props, ctx json.RawMessage
		if s.Impression == "Ad Impression" {
			// An ad's properties never change: built once, shared read-only.
			props, ctx = e.adProps(c, e.r.intn(adsPerCampaign)), e.lib
		} else {
			e.begin()
			e.str("campaign_name", s.Campaign)
			e.str("email_id", s.Campaign+"-"+strconv.Itoa(d/7))
			props = e.end()
			if s.Source != "" {
				ctx = e.campaignCtx(c)
			} else {
				ctx = e.lib
			}
		}
		if err := e.send(p, event.Track, s.Impression, props, ctx); err != nil {
			return err
		}
	}
	return nil
}

const adsPerCampaign = 6

func (e *emitter) adProps(c, ad int) json.RawMessage {
	if e.ads == nil {
		e.ads = make([]json.RawMessage, len(e.w.ch)*adsPerCampaign)
	}
	k := c*adsPerCampaign + ad
	if e.ads[k] == nil {
		s := &e.w.ch[c]
		e.begin()
		e.str("platform", e.platformOf(c))
		e.str("campaign", s.Campaign)
		e.str("ad_id", s.Campaign+"-"+strconv.Itoa(1+ad))
		e.ads[k] = e.end()
	}
	return e.ads[k]
}

func (e *emitter) campaignCtx(c int) json.RawMessage {
	s := &e.w.ch[c]
	e.begin()
	e.open("library")
	e.str("name", "ripple-sim")
	e.str("version", "1.0")
	e.close()
	e.open("campaign")
	e.str("name", s.Campaign)
	e.str("source", s.Source)
	e.str("medium", s.Medium)
	e.close()
	return e.end()
}

// visit is the context of today's site visit arriving from channel c
// (noChannel: direct). Every event of the visit carries its landing page
// with the utm_* parameters, referrer and campaign that brought the person.
func (e *emitter) visit(p, c int, poster int32, plat int8) json.RawMessage {
	if e.sess != nil && e.sessCh == c {
		return e.sess
	}
	e.sessCh = c
	var src, med, camp, ref string
	switch {
	case c >= 0 && c == e.w.wom:
		src, med, camp = postPlatforms[plat], "social", "share"
		ref = "https://" + hostOf(postPlatforms[plat]) + "/"
	case c >= 0:
		s := &e.w.ch[c]
		src, med, camp, ref = s.Source, s.Medium, s.Campaign, s.Referrer
	}
	path := "/"
	thing := e.b.things[e.r.intn(len(e.b.things))]
	if e.r.chance(0.6) {
		path = "/p/" + thing.id
	}
	url := e.b.site + path
	if src != "" {
		url += "?utm_source=" + src + "&utm_medium=" + med + "&utm_campaign=" + camp
		if poster >= 0 {
			url += "&ref=" + e.userID(int(poster))
		}
	}
	e.begin()
	e.open("library")
	e.str("name", "ripple-sim")
	e.str("version", "1.0")
	e.close()
	e.open("page")
	e.str("path", path)
	e.str("url", url)
	if ref != "" {
		e.str("referrer", ref)
	}
	e.str("title", e.b.name)
	e.close()
	if src != "" {
		e.open("campaign")
		e.str("name", camp)
		e.str("source", src)
		e.str("medium", med)
		e.close()
	}
	e.str("userAgent", userAgents[p%len(userAgents)])
	e.sess = e.end()
	return e.sess
}

func hostOf(platform string) string {
	switch platform {
	case "x":
		return "x.com"
	case "linkedin", "facebook", "instagram", "pinterest", "youtube", "tiktok":
		return "www." + platform + ".com"
	}
	return platform + ".example"
}

var userAgents = []string{
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
}

var firstNames = []string{"Ana", "Ben", "Chloe", "David", "Elif", "Farah", "Goran", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nora", "Omar", "Priya"}

// advance emits the event that shows a person reaching a stage.
// A referral shows as "Referral Accepted" naming the referrer.
func (e *emitter) advance(p, d, stage, credit int, poster int32, plat int8, referred bool) error {
	e.day(p, d)
	if referred {
		e.begin()
		e.str("referrer_id", e.userID(int(poster)))
		e.str("referral_code", "ref-"+strconv.Itoa(int(poster)))
		e.str("platform", postPlatforms[plat])
		if err := e.send(p, event.Track, "Referral Accepted", e.end(), e.lib); err != nil {
			return err
		}
	}
	switch stage {
	case rFind:
		return e.find(p, credit, poster, plat)
	case rUnderstand:
		ctx := e.visit(p, credit, poster, plat)
		if err := e.send(p, event.Page, e.b.name, nil, ctx); err != nil {
			return err
		}
		return e.viewed(p, ctx)
	case rEngage:
		ctx := e.visit(p, credit, poster, plat)
		if e.w.people[p].known {
			e.begin()
			e.str("method", "email")
			if err := e.send(p, event.Track, "Signed Up", e.end(), ctx); err != nil {
				return err
			}
		}
		if credit >= 0 && (e.w.ch[credit].Platform == "youtube" || e.w.ch[credit].Platform == "tiktok") {
			e.begin()
			e.str("platform", e.w.ch[credit].Platform)
			e.str("title", e.b.name+" story")
			if err := e.send(p, event.Track, "Video Playback Completed", e.end(), ctx); err != nil {
				return err
			}
		}
		thing := e.b.things[e.r.intn(len(e.b.things))]
		e.begin()
		name := "Product Added"
		if e.w.service {
			name = "Trial Started"
			e.str("plan", thing.name)
			e.str("trial_days", "14")
		} else {
			e.str("product_id", thing.id)
			e.str("name", thing.name)
			e.str("category", thing.category)
			e.num("price", thing.price)
			e.num("quantity", 1)
		}
		if err := e.send(p, event.Track, name, e.end(), ctx); err != nil {
			return err
		}
		if credit >= 0 && e.w.ch[credit].Impression == "Ad Impression" && e.w.ch[credit].Medium == "paid_social" && e.r.chance(0.3) {
			return e.say(p, d, "Comment Posted", e.platformOf(credit), curious, false)
		}
	}
	return nil
}

func (e *emitter) find(p, credit int, poster int32, plat int8) error {
	var s *ChannelSpec
	if credit >= 0 && credit != e.w.wom {
		s = &e.w.ch[credit]
	}
	e.begin()
	switch {
	case s != nil && s.Impression == "Email Opened":
		e.str("campaign_name", s.Campaign)
		e.str("link_url", e.b.site+"/")
		return e.send(p, event.Track, "Email Link Clicked", e.end(), e.campaignCtx(credit))
	case s != nil && s.Source != "":
		e.str("platform", e.platformOf(credit))
		e.str("campaign", s.Campaign)
		return e.send(p, event.Track, "Ad Clicked", e.end(), e.visit(p, credit, poster, plat))
	}
	q := strings.ToLower(e.b.name)
	if e.r.chance(0.5) {
		q += " " + strings.ToLower(e.b.things[e.r.intn(len(e.b.things))].name)
	}
	e.str("query", q)
	return e.send(p, event.Track, "Products Searched", e.end(), e.visit(p, credit, poster, plat))
}

// viewed is a product (or plan) page view on the visit.
func (e *emitter) viewed(p int, ctx json.RawMessage) error {
	thing := e.b.things[e.r.intn(len(e.b.things))]
	e.begin()
	e.str("product_id", thing.id)
	e.str("name", thing.name)
	e.str("category", thing.category)
	e.num("price", thing.price)
	return e.send(p, event.Track, "Product Viewed", e.end(), ctx)
}

func (e *emitter) orderID(p, n int) string {
	return "ord-" + strconv.Itoa(p) + "-" + strconv.Itoa(n)
}

// order emits a checkout and its completion, or a subscription's start and
// renewals.
func (e *emitter) order(p, d int, o *basket, n int) error {
	e.day(p, d)
	ps := &e.w.people[p]
	c := noChannel
	if ps.first >= 0 && n == 1 {
		c = int(ps.first)
	}
	ctx := e.visit(p, c, ps.referrer, ps.refPlat)
	id := e.orderID(p, n)
	products := func() {
		e.key("products")
		e.slab = append(e.slab, '[')
		for i := 0; i < o.n; i++ {
			if i > 0 {
				e.slab = append(e.slab, ',')
			}
			t := e.b.things[o.items[i]]
			e.slab = append(e.slab, `{"product_id":`...)
			e.slab = appendString(e.slab, t.id)
			e.slab = append(e.slab, `,"name":`...)
			e.slab = appendString(e.slab, t.name)
			e.slab = append(e.slab, `,"price":`...)
			e.slab = appendFloat(e.slab, t.price)
			e.slab = append(e.slab, `,"quantity":1}`...)
		}
		e.slab = append(e.slab, ']')
	}
	if e.w.service {
		plan := e.b.things[o.items[0]]
		e.begin()
		e.str("order_id", id)
		e.str("subscription_id", "sub-"+strconv.Itoa(p))
		e.str("plan", plan.name)
		e.num("revenue", o.total)
		e.str("currency", "USD")
		name := "Subscription Started"
		if n > 1 {
			name = "Order Completed"
			e.boolean("renewal", true)
		}
		return e.send(p, event.Track, name, e.end(), ctx)
	}
	e.begin()
	e.str("order_id", id)
	e.num("value", o.total)
	e.str("currency", "USD")
	products()
	if err := e.send(p, event.Track, "Checkout Started", e.end(), ctx); err != nil {
		return err
	}
	e.begin()
	e.str("order_id", id)
	e.num("revenue", o.total)
	e.str("currency", "USD")
	products()
	return e.send(p, event.Track, "Order Completed", e.end(), ctx)
}

func (e *emitter) refund(p, d int, amount float64, n int) error {
	e.day(p, d)
	e.begin()
	e.str("order_id", e.orderID(p, n))
	e.num("revenue", amount)
	e.str("currency", "USD")
	return e.send(p, event.Track, "Order Refunded", e.end(), e.lib)
}

func (e *emitter) churn(p, d int) error {
	e.day(p, d)
	if e.w.service {
		e.begin()
		e.str("subscription_id", "sub-"+strconv.Itoa(p))
		e.str("plan", e.b.things[e.w.people[p].plan].name)
		e.str("reason", churnReasons[e.r.intn(len(churnReasons))])
		if err := e.send(p, event.Track, "Subscription Cancelled", e.end(), e.lib); err != nil {
			return err
		}
	}
	if e.r.chance(0.3) {
		return e.say(p, d, "Mention Posted", postPlatforms[e.r.intn(len(postPlatforms))], complaints, true)
	}
	return nil
}

var churnReasons = []string{"too expensive", "not using it", "switched provider", "missing features", "support"}

// post emits an advocate's post. The first one is what makes them an
// advocate, so it is always an advocate-stage event.
func (e *emitter) post(p, d, plat int, first bool) error {
	e.day(p, d)
	platform := postPlatforms[plat]
	x := e.r.intn(3)
	if !first && x == 2 {
		return e.say(p, d, "Mention Posted", platform, praise, false)
	}
	switch x {
	case 0:
		return e.say(p, d, "Review Posted", platform, praise, false)
	case 1:
		e.begin()
		e.str("platform", platform)
		e.str("url", e.b.site+"/?ref="+e.userID(p))
		e.num("reach", float64(len(e.w.g.followers(p))))
		return e.send(p, event.Track, "Post Shared", e.end(), e.lib)
	}
	e.begin()
	e.str("referral_code", "ref-"+strconv.Itoa(p))
	e.str("platform", platform)
	return e.send(p, event.Track, "Referral Sent", e.end(), e.lib)
}

// say emits a text event from a template set and records its true
// sentiment. Complaints and questions need a reply.
func (e *emitter) say(p, d int, name, platform string, set []template, needsReply bool) error {
	t := set[e.r.intn(len(set))]
	thing := e.b.things[e.r.intn(len(e.b.things))].name
	text := fill(t.text, e.b, thing, 2+e.r.intn(20), 1000+e.r.intn(9000), &e.sb)
	score := t.score + (e.r.float()-0.5)*0.1
	label := labelOf(t.score)
	needsReply = needsReply || label == Negative || name == "Message Received"
	e.begin()
	e.str("text", text)
	e.str("platform", platform)
	if name == "Review Posted" {
		e.num("rating", float64(4+e.r.intn(2)))
	}
	if name == "Mention Posted" {
		e.num("reach", float64(len(e.w.g.followers(p))))
	}
	if needsReply {
		e.boolean("needs_reply", true)
	}
	props := e.end()
	if err := e.send(p, event.Track, name, props, e.lib); err != nil {
		return err
	}
	e.mentions = append(e.mentions, Mention{
		MessageID: e.msg.MessageID, Person: p, Day: d, Event: name, Platform: platform,
		Label: label, Score: score, NeedsReply: needsReply, Text: text,
	})
	return nil
}

// daily is what happens on a person's day beyond the causal model: return
// visits, questions to customer service, complaints before a refund, chat.
func (e *emitter) daily(p, d int) error {
	ps := &e.w.people[p]
	if ps.stage < rUnderstand {
		return nil
	}
	// Cheap gate first: most person-days have nothing to add.
	if draw(e.w.seed, kWet, uint64(p), uint64(d)) > 0.1 {
		return nil
	}
	e.day(p, d)
	if !ps.churned && e.r.chance(0.6) {
		c := noChannel
		if e.r.chance(0.4) {
			c = e.w.organic()
		}
		ctx := e.visit(p, c, -1, 0)
		if ps.known && e.r.chance(0.3) {
			if err := e.send(p, event.Track, "Signed In", nil, ctx); err != nil {
				return err
			}
		}
		if err := e.send(p, event.Page, e.b.name, nil, ctx); err != nil {
			return err
		}
		for range 1 + e.r.intn(3) {
			if err := e.viewed(p, ctx); err != nil {
				return err
			}
		}
	}
	switch {
	case ps.refundDay != never && int(ps.refundDay)-d <= 3 && e.r.chance(0.5):
		name := "Message Received"
		if e.r.chance(0.4) {
			name = "Mention Posted"
		}
		return e.say(p, d, name, postPlatforms[e.r.intn(len(postPlatforms))], complaints[:3], true)
	case ps.stage >= rPurchase && !ps.churned && e.r.chance(0.06):
		return e.say(p, d, "Message Received", postPlatforms[e.r.intn(len(postPlatforms))], questions, true)
	case ps.stage >= rEngage && e.r.chance(0.04):
		return e.say(p, d, "Mention Posted", postPlatforms[e.r.intn(len(postPlatforms))], curious, false)
	case ps.stage >= rPurchase && e.r.chance(0.02):
		return e.say(p, d, "Mention Posted", postPlatforms[e.r.intn(len(postPlatforms))], complaints, true)
	}
	return nil
}

// organic is the organic search channel, or noChannel if there is none.
func (w *world) organic() int {
	for c := range w.ch {
		if w.ch[c].Platform == "search" && w.ch[c].Ownership == "earned" {
			return c
		}
	}
	return noChannel
}
