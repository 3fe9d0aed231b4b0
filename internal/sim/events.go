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

	user   []string
	idSent []bool
	sb     strings.Builder

	// Identity: each person's persona, made on first use, their primary
	// device's id, the devices they are signed in on (a bit per slot), and
	// the device and social author of the message being built. Per-person
	// state holds no pointers but the one id most messages read, so the
	// collector has little to scan; other device ids are made when used.
	pers   []persona
	hot    []uint8 // what a day's device choice and a message's ids need, see hotOf
	anon   []string
	signed []uint8
	dev    int
	author string

	impCh      []int16 // the first touch an ad impression of each channel derives
	imp        int     // the channel of the ad impression being sent, or -1
	lineBuf    []byte
	stageName  string // the last track name looked up, and its stage rank
	stageRank  int8
	stageKnown bool

	// Truth of every message: its person; and per person what their
	// messages show, as a perfect resolver would see it: the channel of the
	// first (1 + an index into touchKeys, 0 for none yet) and the furthest
	// stage.
	persons    []int32
	firstTouch []int16
	touchKeys  []string
	touchRank  []int8

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
		cp:    -1, user: make([]string, n), idSent: make([]bool, n),
		pers: make([]persona, n), hot: make([]uint8, n), anon: make([]string, n),
		signed: make([]uint8, n), firstTouch: make([]int16, n), touchRank: make([]int8, n), impCh: make([]int16, len(w.ch)),
		persons: make([]int32, 0, int(float64(n)*EventsPerPersonDay*float64(w.days)*1.1)),
	}
	e.idPfx = append(e.idPfx, '-')
	e.idPfx = append(make([]byte, 0, len(e.idPfx)+20), e.idPfx...) // room for the number: one allocation an id
	e.imp = -1
	e.lib = json.RawMessage(`{"library":{"name":"ripple-sim","version":"1.0"}}`)
	return e
}

// AnonymousID is the id of person p's primary device under seed.
func AnonymousID(seed uint64, p int) string {
	return uuidOf(hash4(seed, kWet, uint64(p), 1), hash4(seed, kWet, uint64(p), 2))
}

// UserID is the id person p gets when they sign up or buy.
func UserID(p int) string { return "u-" + strconv.Itoa(p) }

// The bits of hot: the persona is made, it has a junk client, a
// household device, and (in the top bits) its number of extra devices.
const (
	hotMade      = 1
	hotJunk      = 2
	hotHousehold = 4
	hotExtra     = 8 // the count times hotExtra
)

func (e *emitter) persona(p int) *persona {
	e.hotOf(p)
	return &e.pers[p]
}

// hotOf is the byte of p's persona that every day and message reads: a
// byte per person stays in cache where the whole persona would not.
func (e *emitter) hotOf(p int) uint8 {
	if h := e.hot[p]; h != 0 {
		return h
	}
	ps := personaOf(e.w.seed, p, len(e.w.people))
	e.pers[p] = ps
	h := uint8(hotMade) | uint8(ps.extra)*hotExtra
	if ps.junkUser != 0 {
		h |= hotJunk
	}
	if ps.partner >= 0 {
		h |= hotHousehold
	}
	e.hot[p] = h
	return h
}

// email writes person p's usual email address as the next key's value,
// the common one straight into the slab.
func (e *emitter) email(p int) {
	if ps := e.persona(p); ps.family {
		e.str("email", emailOf(p, ps, false))
		return
	}
	e.key("email")
	e.slab = append(e.slab, `"u-`...)
	e.slab = strconv.AppendInt(e.slab, int64(p), 10)
	e.slab = append(e.slab, `@mail.example"`...)
}

func (e *emitter) deviceID(p, slot int) string {
	if slot == devPrimary {
		if e.anon[p] == "" {
			e.anon[p] = AnonymousID(e.w.seed, p)
		}
		return e.anon[p]
	}
	return deviceID(e.w.seed, p, slot, e.persona(p))
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
	e.dev = e.pickDevice(p)
}

// pickDevice is the device person p uses on a day: the primary one, or
// another they have by then: extra devices once they have an account (the
// shop's app, the laptop they sign in on), the household device from the
// start.
func (e *emitter) pickDevice(p int) int {
	h := e.hotOf(p)
	var opts [devSlots]int
	n := 0
	if e.idSent[p] {
		for slot := 1; slot <= int(h/hotExtra); slot++ {
			opts[n] = slot
			n++
		}
	}
	if h&hotHousehold != 0 {
		opts[n] = devShared
		n++
	}
	if n == 0 || e.r.chance(primaryDayShare) {
		return devPrimary
	}
	return opts[e.r.intn(n)]
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

// origin is where a message comes from, which decides its ids.
type origin uint8

const (
	// onDevice: the person's device of the day: its anonymous id, and the
	// user id once they signed in on it.
	onDevice origin = iota
	// fromServer: the business's backend or email provider, which knows the
	// user id (and the email), not the device.
	fromServer
	// onPlatform: a social platform's data, which names the author by
	// handle (e.author) and knows nothing of the site's ids.
	onPlatform
)

// send emits one message for person p at the current clock: body is the
// properties of a track, page or screen call and the traits of an identify
// call. A known person's first message from a device signs them up there.
func (e *emitter) send(p int, o origin, typ event.Type, name string, body, ctx json.RawMessage) error {
	ps := &e.w.people[p]
	if o == onDevice && ps.known && !e.idSent[p] {
		if err := e.signIn(p); err != nil {
			return err
		}
	}
	m := &e.msg
	ts := e.tick()
	*m = event.Message{Type: typ, Timestamp: ts, OriginalTimestamp: ts, Context: ctx}
	if typ == event.Identify {
		m.Traits = body
	} else {
		m.Properties = body
	}
	e.n++
	m.MessageID = string(strconv.AppendUint(e.idPfx, e.n, 10))
	switch o {
	case onDevice:
		m.AnonymousID = e.deviceID(p, e.dev)
		switch {
		case e.signed[p]&(1<<e.dev) != 0:
			m.UserID = e.userID(p)
		case e.dev == devPrimary && e.hotOf(p)&hotJunk != 0:
			m.UserID = junkUserIDs[e.pers[p].junkUser-1]
		}
	case fromServer:
		m.UserID = e.userID(p)
	case onPlatform:
		m.AnonymousID = e.author
	}
	switch typ {
	case event.Track:
		m.Event = name
	case event.Page:
		m.Name = name
	}
	e.see(p, m, e.imp)
	e.events++
	return e.emit(m)
}

// touchKey is the index of a channel key in touchKeys, plus one.
func (e *emitter) touchKey(key string) int16 {
	for i, k := range e.touchKeys {
		if k == key {
			return int16(i + 1)
		}
	}
	e.touchKeys = append(e.touchKeys, key)
	return int16(len(e.touchKeys))
}

// line is m as an NDJSON line, in a buffer reused by the next call.
func (e *emitter) line(m *event.Message) []byte {
	e.lineBuf = AppendNDJSON(e.lineBuf[:0], m)
	return e.lineBuf
}

// see records the truth of message m of person p: the channel of their
// first message, as enrichment derives it (imp is the ad channel when m is
// one of its impressions, whose channel is the same every time), and the
// furthest stage their messages show.
func (e *emitter) see(p int, m *event.Message, imp int) {
	e.persons = append(e.persons, int32(p))
	if e.firstTouch[p] == 0 {
		if imp >= 0 && e.impCh[imp] != 0 {
			e.firstTouch[p] = e.impCh[imp]
		} else if c, err := event.ParseInPlace(e.line(m), -1, m.Timestamp, event.Defaults{}); err == nil && event.Enrich(&c, -1) == nil {
			// Parsing the message's line reads it faster than decoding its
			// JSON objects again, and is exactly what ingest sees.
			e.firstTouch[p] = e.touchKey(c.Channel.Key())
			if imp >= 0 {
				e.impCh[imp] = e.firstTouch[p]
			}
		}
	}
	var r int8
	switch {
	case m.Type != event.Track:
		r = int8(event.StageOf(m).Rank())
	case e.stageKnown && m.Event == e.stageName:
		r = e.stageRank
	default:
		r = int8(event.StageOf(m).Rank())
		e.stageName, e.stageRank, e.stageKnown = m.Event, r, true
	}
	if r > e.touchRank[p] {
		e.touchRank[p] = r
	}
}

// signIn signs known person p in on the device of the day: an identify
// call, after an alias call from clients that send one at sign-up, or a
// "Signed In" event when they signed up before on another device. A
// sign-up is also identified by the backend for some people.
func (e *emitter) signIn(p int) error {
	pers := e.persona(p)
	first := !e.idSent[p]
	e.idSent[p] = true
	e.signed[p] |= 1 << e.dev
	if first && pers.aliases {
		m := &e.msg
		ts := e.tick()
		e.n++
		*m = event.Message{
			Type: event.Alias, UserID: e.userID(p), PreviousID: e.deviceID(p, e.dev), AnonymousID: e.deviceID(p, e.dev),
			MessageID: string(strconv.AppendUint(e.idPfx, e.n, 10)), Timestamp: ts, OriginalTimestamp: ts, Context: e.lib,
		}
		e.see(p, m, -1)
		e.events++
		if err := e.emit(m); err != nil {
			return err
		}
	}
	if !first {
		if err := e.send(p, onDevice, event.Track, "Signed In", nil, e.lib); err != nil {
			return err
		}
	}
	e.begin()
	e.str("email", emailOf(p, pers, e.r.chance(0.3)))
	e.str("first_name", firstNames[p%len(firstNames)])
	e.num("followers", float64(len(e.w.g.followers(p))))
	if pers.phone >= 0 && e.r.chance(0.6) {
		e.str("phone", phoneOf(p, pers.phone))
	}
	if pers.linked >= 0 {
		pl := postPlatforms[pers.linked]
		e.str(pl, "@"+handleOf(p, pl, pers))
	}
	if err := e.send(p, onDevice, event.Identify, "", e.end(), e.lib); err != nil {
		return err
	}
	if first && pers.server {
		e.begin()
		e.str("email", emailOf(p, pers, false))
		if pers.phone >= 0 {
			e.str("phone", phoneOf(p, pers.phone))
		}
		return e.send(p, fromServer, event.Identify, "", e.end(), e.lib)
	}
	return nil
}

// ensureSignedIn signs known person p in on the device of the day unless
// they are already: checking out needs an account.
func (e *emitter) ensureSignedIn(p int) error {
	if !e.w.people[p].known || e.signed[p]&(1<<e.dev) != 0 {
		return nil
	}
	return e.signIn(p)
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
		o := onDevice
		if s.Impression == "Ad Impression" {
			// An ad's properties never change: built once, shared read-only.
			props, ctx = e.adProps(c, e.r.intn(adsPerCampaign)), e.lib
		} else {
			e.begin()
			e.str("campaign_name", s.Campaign)
			e.str("email_id", s.Campaign+"-"+strconv.Itoa(d/7))
			props = e.end()
			o, ctx = fromServer, e.emailCtx(p, c)
		}
		// An ad platform's impression is matched to the person's primary
		// browser, whichever device the day's visits are on: the ad platforms
		// report exposure, not the site's devices.
		dev := e.dev
		e.dev = devPrimary
		if s.Impression == "Ad Impression" {
			e.imp = c
		}
		err := e.send(p, o, event.Track, s.Impression, props, ctx)
		e.dev, e.imp = dev, -1
		if err != nil {
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

// emailCtx is the context of an email provider's event about person p and
// email channel c: the campaign when the channel tags one, and the address.
func (e *emitter) emailCtx(p, c int) json.RawMessage {
	s := &e.w.ch[c]
	e.begin()
	e.open("library")
	e.str("name", "ripple-sim")
	e.str("version", "1.0")
	e.close()
	if s.Source != "" {
		e.open("campaign")
		e.str("name", s.Campaign)
		e.str("source", s.Source)
		e.str("medium", s.Medium)
		e.close()
	}
	e.open("traits")
	e.email(p)
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
		if err := e.send(p, onDevice, event.Track, "Referral Accepted", e.end(), e.lib); err != nil {
			return err
		}
	}
	switch stage {
	case rFind:
		return e.find(p, credit, poster, plat)
	case rUnderstand:
		ctx := e.visit(p, credit, poster, plat)
		if err := e.send(p, onDevice, event.Page, e.b.name, nil, ctx); err != nil {
			return err
		}
		return e.viewed(p, ctx)
	case rEngage:
		ctx := e.visit(p, credit, poster, plat)
		if e.w.people[p].known {
			e.begin()
			e.str("method", "email")
			if err := e.send(p, onDevice, event.Track, "Signed Up", e.end(), ctx); err != nil {
				return err
			}
		}
		if credit >= 0 && (e.w.ch[credit].Platform == "youtube" || e.w.ch[credit].Platform == "tiktok") {
			e.begin()
			e.str("platform", e.w.ch[credit].Platform)
			e.str("title", e.b.name+" story")
			if err := e.send(p, onDevice, event.Track, "Video Playback Completed", e.end(), ctx); err != nil {
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
		if err := e.send(p, onDevice, event.Track, name, e.end(), ctx); err != nil {
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
		return e.send(p, fromServer, event.Track, "Email Link Clicked", e.end(), e.emailCtx(p, credit))
	case s != nil && s.Source != "":
		e.str("platform", e.platformOf(credit))
		e.str("campaign", s.Campaign)
		return e.send(p, onDevice, event.Track, "Ad Clicked", e.end(), e.visit(p, credit, poster, plat))
	}
	q := strings.ToLower(e.b.name)
	if e.r.chance(0.5) {
		q += " " + strings.ToLower(e.b.things[e.r.intn(len(e.b.things))].name)
	}
	e.str("query", q)
	return e.send(p, onDevice, event.Track, "Products Searched", e.end(), e.visit(p, credit, poster, plat))
}

// viewed is a product (or plan) page view on the visit.
func (e *emitter) viewed(p int, ctx json.RawMessage) error {
	thing := e.b.things[e.r.intn(len(e.b.things))]
	e.begin()
	e.str("product_id", thing.id)
	e.str("name", thing.name)
	e.str("category", thing.category)
	e.num("price", thing.price)
	return e.send(p, onDevice, event.Track, "Product Viewed", e.end(), ctx)
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
	if !e.w.service || n == 1 {
		if err := e.ensureSignedIn(p); err != nil {
			return err
		}
	}
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
		// A renewal is charged by the backend, not on a visit.
		if n > 1 {
			e.boolean("renewal", true)
			return e.send(p, fromServer, event.Track, "Order Completed", e.end(), e.lib)
		}
		return e.send(p, onDevice, event.Track, "Subscription Started", e.end(), ctx)
	}
	e.begin()
	e.str("order_id", id)
	e.num("value", o.total)
	e.str("currency", "USD")
	products()
	if err := e.send(p, onDevice, event.Track, "Checkout Started", e.end(), ctx); err != nil {
		return err
	}
	e.begin()
	e.str("order_id", id)
	e.num("revenue", o.total)
	e.str("currency", "USD")
	products()
	return e.send(p, onDevice, event.Track, "Order Completed", e.end(), ctx)
}

func (e *emitter) refund(p, d int, amount float64, n int) error {
	e.day(p, d)
	e.begin()
	e.str("order_id", e.orderID(p, n))
	e.num("revenue", amount)
	e.str("currency", "USD")
	return e.send(p, fromServer, event.Track, "Order Refunded", e.end(), e.lib)
}

func (e *emitter) churn(p, d int) error {
	e.day(p, d)
	if e.w.service {
		e.begin()
		e.str("subscription_id", "sub-"+strconv.Itoa(p))
		e.str("plan", e.b.things[e.w.people[p].plan].name)
		e.str("reason", churnReasons[e.r.intn(len(churnReasons))])
		if err := e.send(p, fromServer, event.Track, "Subscription Cancelled", e.end(), e.lib); err != nil {
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
		return e.send(p, onDevice, event.Track, "Post Shared", e.end(), e.lib)
	}
	e.begin()
	e.str("referral_code", "ref-"+strconv.Itoa(p))
	e.str("platform", platform)
	return e.send(p, onDevice, event.Track, "Referral Sent", e.end(), e.lib)
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
	handle := handleOf(p, platform, e.persona(p))
	e.author = platform + ":@" + handle
	e.begin()
	e.str("text", text)
	e.str("platform", platform)
	e.str("author_handle", "@"+handle)
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
	if err := e.send(p, onPlatform, event.Track, name, props, e.lib); err != nil {
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
		switch {
		case !ps.known:
		case e.signed[p]&(1<<e.dev) == 0:
			if e.r.chance(signInChance) {
				if err := e.signIn(p); err != nil {
					return err
				}
			}
		case e.r.chance(0.3):
			if err := e.send(p, onDevice, event.Track, "Signed In", nil, ctx); err != nil {
				return err
			}
		}
		if err := e.send(p, onDevice, event.Page, e.b.name, nil, ctx); err != nil {
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
