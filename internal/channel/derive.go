package channel

import (
	"net/url"
	"strings"
)

// The default channel groups. The digital ones follow GA4's default channel
// groups so that numbers can be compared with a site's analytics; the
// offline ones are Ripple's, because the ecosystem's stimulus stage is often
// a TV spot, a magazine or a billboard.
const (
	GroupDirect          = "Direct"
	GroupOrganicSearch   = "Organic Search"
	GroupPaidSearch      = "Paid Search"
	GroupOrganicSocial   = "Organic Social"
	GroupPaidSocial      = "Paid Social"
	GroupOrganicVideo    = "Organic Video"
	GroupPaidVideo       = "Paid Video"
	GroupOrganicShopping = "Organic Shopping"
	GroupPaidShopping    = "Paid Shopping"
	GroupDisplay         = "Display"
	GroupPaidOther       = "Paid Other"
	GroupCrossNetwork    = "Cross-network"
	GroupEmail           = "Email"
	GroupAffiliates      = "Affiliates"
	GroupReferral        = "Referral"
	GroupAudio           = "Audio"
	GroupSMS             = "SMS"
	GroupPush            = "Mobile Push Notifications"
	GroupTV              = "TV"
	GroupRadio           = "Radio"
	GroupPrint           = "Print"
	GroupOutdoor         = "Outdoor"
	GroupDirectMail      = "Direct Mail"
	GroupStore           = "Store"
	GroupUnassigned      = "Unassigned"
)

// Groups lists every group Derive returns, in report order.
var Groups = []string{
	GroupDirect, GroupOrganicSearch, GroupPaidSearch, GroupOrganicSocial, GroupPaidSocial,
	GroupOrganicVideo, GroupPaidVideo, GroupOrganicShopping, GroupPaidShopping, GroupDisplay,
	GroupPaidOther, GroupCrossNetwork, GroupEmail, GroupAffiliates, GroupReferral, GroupAudio,
	GroupSMS, GroupPush, GroupTV, GroupRadio, GroupPrint, GroupOutdoor, GroupDirectMail,
	GroupStore, GroupUnassigned,
}

// kind is what sort of medium a platform is; it decides the default
// ownership, whether the media can be skipped and the group.
type kind uint8

const (
	kindOther kind = iota
	kindSocial
	kindVideo
	kindSearch
	kindShopping
	kindDisplay
	kindEmail
	kindSMS
	kindPush
	kindAffiliate
	kindAudio
	kindReferral
	kindDirect
	kindTV
	kindRadio
	kindPrint
	kindOutdoor
	kindMail
	kindStore
)

// defaultOwnership is the ownership when no signal states it: bought
// media is paid, the business's own channels are owned, the rest is what
// people chose to do, earned.
func (k kind) defaultOwnership() Ownership {
	switch k {
	case kindDisplay, kindAffiliate, kindAudio, kindTV, kindRadio, kindPrint, kindOutdoor:
		return Paid
	case kindEmail, kindSMS, kindPush, kindDirect, kindMail, kindStore:
		return Owned
	}
	return Earned
}

// skippable is false for media a person meets without being able to scroll
// past it: broadcast, paper, the street and the shop floor.
func (k kind) skippable() bool {
	switch k {
	case kindTV, kindRadio, kindPrint, kindOutdoor, kindMail, kindStore:
		return false
	}
	return true
}

// channelType reports whether a medium of this kind names the channel even
// when the source names a platform: utm_source=instagram&utm_medium=email is
// an email that links to Instagram content, not Instagram traffic.
func (k kind) channelType() bool {
	switch k {
	case kindEmail, kindSMS, kindPush, kindAffiliate, kindAudio, kindTV, kindRadio, kindPrint, kindOutdoor, kindMail, kindStore:
		return true
	}
	return false
}

func (k kind) group(o Ownership) string {
	paid := o == Paid
	switch k {
	case kindSocial:
		return pick(paid, GroupPaidSocial, GroupOrganicSocial)
	case kindVideo:
		return pick(paid, GroupPaidVideo, GroupOrganicVideo)
	case kindSearch:
		return pick(paid, GroupPaidSearch, GroupOrganicSearch)
	case kindShopping:
		return pick(paid, GroupPaidShopping, GroupOrganicShopping)
	case kindDisplay:
		return GroupDisplay
	case kindEmail:
		return GroupEmail
	case kindSMS:
		return GroupSMS
	case kindPush:
		return GroupPush
	case kindAffiliate:
		return GroupAffiliates
	case kindAudio:
		return GroupAudio
	case kindReferral:
		return pick(paid, GroupPaidOther, GroupReferral)
	case kindDirect:
		return pick(paid, GroupPaidOther, GroupDirect)
	case kindTV:
		return GroupTV
	case kindRadio:
		return GroupRadio
	case kindPrint:
		return GroupPrint
	case kindOutdoor:
		return GroupOutdoor
	case kindMail:
		return GroupDirectMail
	case kindStore:
		return GroupStore
	}
	return pick(paid, GroupPaidOther, GroupUnassigned)
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// platform is a value of Channel.Platform and its kind.
type platform struct {
	name string
	kind kind
}

var (
	pFacebook  = &platform{"facebook", kindSocial}
	pInstagram = &platform{"instagram", kindSocial}
	pPinterest = &platform{"pinterest", kindSocial}
	pX         = &platform{"x", kindSocial}
	pLinkedIn  = &platform{"linkedin", kindSocial}
	pTikTok    = &platform{"tiktok", kindSocial}
	pSnapchat  = &platform{"snapchat", kindSocial}
	pReddit    = &platform{"reddit", kindSocial}
	pThreads   = &platform{"threads", kindSocial}
	pWhatsApp  = &platform{"whatsapp", kindSocial}
	pTelegram  = &platform{"telegram", kindSocial}
	pTumblr    = &platform{"tumblr", kindSocial}
	pQuora     = &platform{"quora", kindSocial}
	pMastodon  = &platform{"mastodon", kindSocial}
	pBluesky   = &platform{"bluesky", kindSocial}
	pDiscord   = &platform{"discord", kindSocial}
	pSocial    = &platform{"social", kindSocial}
	pYouTube   = &platform{"youtube", kindVideo}
	pVimeo     = &platform{"vimeo", kindVideo}
	pTwitch    = &platform{"twitch", kindVideo}
	pVideo     = &platform{"video", kindVideo}
	pSearch    = &platform{"search", kindSearch}
	pShopping  = &platform{"shopping", kindShopping}
	pDisplay   = &platform{"display", kindDisplay}
	pEmail     = &platform{"email", kindEmail}
	pSMS       = &platform{"sms", kindSMS}
	pPush      = &platform{"push", kindPush}
	pAffiliate = &platform{"affiliate", kindAffiliate}
	pAudio     = &platform{"audio", kindAudio}
	pPodcast   = &platform{"podcast", kindAudio}
	pReferral  = &platform{"referral", kindReferral}
	pDirect    = &platform{"direct", kindDirect}
	pWeb       = &platform{"web", kindDirect}
	pTV        = &platform{"tv", kindTV}
	pRadio     = &platform{"radio", kindRadio}
	pPrint     = &platform{"print", kindPrint}
	pOutdoor   = &platform{"outdoor", kindOutdoor}
	pMail      = &platform{"direct-mail", kindMail}
	pStore     = &platform{"store", kindStore}
	pOther     = &platform{"other", kindOther}
)

// Platforms lists the platforms Derive names. An explicit properties.channel
// or properties.platform it does not know is kept as its own platform.
var Platforms = []string{
	"facebook", "instagram", "youtube", "pinterest", "x", "linkedin", "tiktok", "snapchat",
	"reddit", "threads", "whatsapp", "telegram", "tumblr", "quora", "mastodon", "bluesky",
	"discord", "vimeo", "twitch", "social", "video", "search", "shopping", "display", "email",
	"sms", "push", "affiliate", "audio", "podcast", "referral", "direct", "web", "tv", "radio",
	"print", "outdoor", "direct-mail", "store", "other",
}

// Word ranks: a word naming one platform outranks a generic one, which
// outranks a hint such as "organic".
const (
	rankHint uint8 = iota
	rankGeneric
	rankSpecific
)

// word is what one word of a source, medium or channel name says.
type word struct {
	p    *platform // nil when the word names no platform
	rank uint8
	own  Ownership // "" when the word says nothing about ownership
	// social marks utm_medium=social and its spellings: a post, organic
	// unless a campaign says the brand published it.
	social bool
	// exact words count only as the whole value: "x" is X, "product-x" is not.
	exact bool
	// weak platforms yield to any platform the source names: utm_medium=qr
	// with utm_source=tv is a QR code shown on TV.
	weak bool
}

func spec(p *platform) word    { return word{p: p, rank: rankSpecific} }
func generic(p *platform) word { return word{p: p, rank: rankGeneric} }
func exact(w word) word        { w.exact = true; return w }
func owns(w word, o Ownership) word {
	w.own = o
	return w
}

var paidWord = word{own: Paid}

// words maps lower-case words and whole values to what they say. Values are
// looked up whole first, then word by word (split on anything that is not
// an ASCII letter or digit).
var words = map[string]word{
	// Social platforms.
	"facebook": spec(pFacebook), "fb": spec(pFacebook), "meta": spec(pFacebook), "messenger": spec(pFacebook),
	"instagram": spec(pInstagram), "ig": spec(pInstagram), "insta": spec(pInstagram),
	"pinterest": spec(pPinterest), "pin": exact(spec(pPinterest)),
	"x": exact(spec(pX)), "twitter": spec(pX), "tweet": spec(pX),
	"linkedin": spec(pLinkedIn), "tiktok": spec(pTikTok), "snapchat": spec(pSnapchat), "snap": exact(spec(pSnapchat)),
	"reddit": spec(pReddit), "threads": spec(pThreads), "whatsapp": spec(pWhatsApp), "wa": exact(spec(pWhatsApp)),
	"telegram": spec(pTelegram), "tumblr": spec(pTumblr), "quora": spec(pQuora), "mastodon": spec(pMastodon),
	"bluesky": spec(pBluesky), "bsky": spec(pBluesky), "discord": spec(pDiscord),
	"social": {p: pSocial, rank: rankGeneric, social: true}, "sm": {p: pSocial, rank: rankGeneric, social: true, exact: true},
	"social-network": {p: pSocial, rank: rankGeneric, social: true}, "social-media": {p: pSocial, rank: rankGeneric, social: true},
	"social network": {p: pSocial, rank: rankGeneric, social: true}, "social media": {p: pSocial, rank: rankGeneric, social: true},
	"socialmedia": {p: pSocial, rank: rankGeneric, social: true}, "socialnetwork": {p: pSocial, rank: rankGeneric, social: true},
	"paidsocial": owns(generic(pSocial), Paid), "paid social": owns(generic(pSocial), Paid),

	// Video platforms.
	"youtube": spec(pYouTube), "yt": spec(pYouTube), "vimeo": spec(pVimeo), "twitch": spec(pTwitch),
	"video": generic(pVideo), "cpv": owns(generic(pVideo), Paid),

	// Search engines: the platform is search, the source keeps the engine.
	"google": spec(pSearch), "bing": spec(pSearch), "yahoo": spec(pSearch), "duckduckgo": spec(pSearch),
	"ddg": exact(spec(pSearch)), "baidu": spec(pSearch), "yandex": spec(pSearch), "ecosia": spec(pSearch),
	"brave": spec(pSearch), "startpage": spec(pSearch), "qwant": spec(pSearch), "ask": exact(spec(pSearch)),
	"aol": spec(pSearch), "naver": spec(pSearch), "seznam": spec(pSearch), "sogou": spec(pSearch),
	"adwords": owns(spec(pSearch), Paid), "googleads": owns(spec(pSearch), Paid), "google ads": owns(spec(pSearch), Paid),
	"search": generic(pSearch), "sem": owns(generic(pSearch), Paid), "seo": owns(generic(pSearch), Earned),
	"paidsearch": owns(generic(pSearch), Paid), "paid search": owns(generic(pSearch), Paid),
	"organic": {p: pSearch, rank: rankHint, own: Earned},

	// Shopping sites.
	"amazon": spec(pShopping), "ebay": spec(pShopping), "etsy": spec(pShopping),
	"google shopping": spec(pShopping), "shopping": generic(pShopping),

	// Display advertising.
	"display": owns(generic(pDisplay), Paid), "banner": owns(generic(pDisplay), Paid), "banners": owns(generic(pDisplay), Paid),
	"cpm": owns(generic(pDisplay), Paid), "expandable": owns(generic(pDisplay), Paid), "interstitial": owns(generic(pDisplay), Paid),
	"programmatic": owns(generic(pDisplay), Paid), "gdn": owns(spec(pDisplay), Paid), "dv360": owns(spec(pDisplay), Paid),
	"doubleclick": owns(spec(pDisplay), Paid), "criteo": owns(spec(pDisplay), Paid), "taboola": owns(spec(pDisplay), Paid),
	"outbrain": owns(spec(pDisplay), Paid), "adroll": owns(spec(pDisplay), Paid),

	// Messages the business sends.
	"email": spec(pEmail), "e-mail": spec(pEmail), "e_mail": spec(pEmail), "e mail": spec(pEmail),
	"emailing": spec(pEmail), "newsletter": spec(pEmail), "newsletters": spec(pEmail), "mail": spec(pEmail),
	"gmail": spec(pEmail), "outlook": spec(pEmail), "mailchimp": spec(pEmail), "klaviyo": spec(pEmail),
	"sendgrid": spec(pEmail), "sms": spec(pSMS), "mms": spec(pSMS),
	"push": spec(pPush), "notification": spec(pPush), "notifications": spec(pPush),
	"firebase": spec(pPush), "onesignal": spec(pPush),

	// Partners and referrals.
	"affiliate": spec(pAffiliate), "affiliates": spec(pAffiliate), "awin": spec(pAffiliate),
	"referral": generic(pReferral), "referrer": generic(pReferral), "ref": exact(generic(pReferral)),
	"link": exact(generic(pReferral)), "app": exact(generic(pReferral)),
	"word of mouth": generic(pReferral), "word-of-mouth": generic(pReferral), "wom": exact(generic(pReferral)),

	// Audio.
	"audio": spec(pAudio), "spotify": spec(pAudio), "podcast": spec(pPodcast), "podcasts": spec(pPodcast),

	// The business's own site, and no source at all.
	"direct": generic(pDirect), "(direct)": generic(pDirect), "(none)": generic(pDirect), "none": exact(generic(pDirect)),
	"(not set)": generic(pDirect), "typed": generic(pDirect), "bookmark": generic(pDirect), "bookmarks": generic(pDirect),
	"web": generic(pWeb), "website": generic(pWeb), "site": generic(pWeb), "www": exact(generic(pWeb)), "online": exact(generic(pWeb)),

	// Offline media.
	"tv": spec(pTV), "television": spec(pTV), "ctv": spec(pTV), "broadcast": spec(pTV),
	"radio": spec(pRadio),
	"print": spec(pPrint), "magazine": spec(pPrint), "magazines": spec(pPrint), "newspaper": spec(pPrint),
	"newspapers": spec(pPrint), "flyer": spec(pPrint), "flyers": spec(pPrint), "leaflet": spec(pPrint),
	"brochure": spec(pPrint), "catalog": spec(pPrint), "catalogue": spec(pPrint),
	"qr": {p: pPrint, rank: rankGeneric, weak: true}, "qrcode": {p: pPrint, rank: rankGeneric, weak: true},
	"qr code": {p: pPrint, rank: rankGeneric, weak: true}, "qr-code": {p: pPrint, rank: rankGeneric, weak: true},
	"outdoor": spec(pOutdoor), "ooh": spec(pOutdoor), "dooh": spec(pOutdoor), "billboard": spec(pOutdoor),
	"billboards": spec(pOutdoor), "poster": spec(pOutdoor), "posters": spec(pOutdoor),
	"out of home": spec(pOutdoor), "out-of-home": spec(pOutdoor),
	"direct mail": spec(pMail), "direct-mail": spec(pMail), "direct_mail": spec(pMail), "directmail": spec(pMail),
	"postal": spec(pMail), "postcard": spec(pMail), "postcards": spec(pMail),
	"store": spec(pStore), "stores": spec(pStore), "pos": spec(pStore), "instore": spec(pStore),
	"in-store": spec(pStore), "in store": spec(pStore), "retail": spec(pStore), "point of sale": spec(pStore),

	// Words that only say who owns the medium.
	"paid": paidWord, "ads": paidWord, "ad": paidWord, "advert": paidWord, "advertising": paidWord,
	"cpc": paidWord, "ppc": paidWord, "cpa": paidWord, "sponsored": paidWord, "promoted": paidWord,
	"boosted": paidWord, "retargeting": paidWord, "remarketing": paidWord,
	"earned": {own: Earned}, "owned": {own: Owned},
}

// reading is what a whole value says.
type reading struct {
	p      *platform
	rank   uint8
	own    Ownership
	social bool
	weak   bool
}

func (r *reading) add(w word) {
	if w.p != nil && (r.p == nil || w.rank > r.rank) {
		r.p, r.rank, r.weak = w.p, w.rank, w.weak
	}
	if r.own == "" {
		r.own = w.own
	}
	r.social = r.social || w.social
}

// read interprets a normalised source, medium or channel name: as a whole,
// as a domain when it looks like one, then word by word.
func read(v string) reading {
	var r reading
	if v == "" {
		return r
	}
	if w, ok := words[v]; ok {
		r.add(w)
		return r
	}
	domainLike := strings.IndexByte(v, '.') > 0 && strings.IndexByte(v, ' ') < 0
	if domainLike {
		if h, ok := classifyHost(hostOf(v)); ok {
			r.add(word{p: h.p, rank: rankSpecific})
			return r
		}
	}
	for rest := v; rest != ""; {
		i := 0
		for i < len(rest) && !isWordByte(rest[i]) {
			i++
		}
		j := i
		for j < len(rest) && isWordByte(rest[j]) {
			j++
		}
		tok := rest[i:j]
		rest = rest[j:]
		if tok == "" {
			continue
		}
		if w, ok := words[tok]; ok && !w.exact {
			r.add(w)
		} else if r.own == "" && strings.HasPrefix(tok, "paid") {
			// GA4 counts any medium starting with "paid" as paid.
			r.own = Paid
		}
	}
	if r.p == nil && domainLike {
		r.add(word{p: pReferral, rank: rankHint})
	}
	return r
}

// isWordByte reports whether b belongs to a word: ASCII letters and digits,
// and every byte of a multi-byte character.
func isWordByte(b byte) bool {
	return b >= 0x80 || 'a' <= b && b <= 'z' || '0' <= b && b <= '9'
}

// Derive classifies a touchpoint's channel from its signals. The first
// signal that names a channel decides it: an explicit properties.channel,
// then UTM parameters and click ids, then the referrer, then the platform
// the touchpoint happened on, then the event itself; with none, the
// touchpoint is direct. The UTM fields are kept whichever signal decides.
func Derive(s Signals) Channel {
	c := Channel{
		Source:   norm(s.Source),
		Medium:   norm(s.Medium),
		Campaign: norm(s.Campaign),
		Content:  norm(s.Content),
		Term:     norm(s.Term),
	}
	click, coded := c.fillFromURL(s.URL)

	if v := norm(s.Explicit); v != "" {
		c.fromName(v, s.Event)
		return c
	}
	if c.Source != "" || c.Medium != "" || click.p != nil {
		c.fromUTM(click, coded, s.Event)
		return c
	}
	if ref := hostOf(s.Referrer); ref != "" && !sameSite(ref, hostOf(s.URL)) {
		c.fromReferrer(ref, s.Event)
		return c
	}
	if v := norm(s.Platform); v != "" {
		c.fromName(v, s.Event)
		return c
	}
	switch s.Event {
	case "Email Opened", "Email Link Clicked":
		c.set(pEmail, Owned)
	case "Referral Accepted":
		c.set(pReferral, Earned)
	case "Ad Impression", "Ad Clicked":
		c.set(pOther, Paid)
	default:
		c.set(pDirect, Owned)
	}
	return c
}

func norm(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

func (c *Channel) set(p *platform, o Ownership) {
	c.Platform = p.name
	c.Ownership = o
	c.Skippable = p.kind.skippable()
	c.Group = p.kind.group(o)
}

// ownership decides who owns the medium: what the words say, else an ad
// event is paid, else a social post tagged with a campaign is the brand's
// own, else the platform's default.
func ownership(p *platform, r reading, campaign, event string) Ownership {
	switch {
	case r.own != "":
		return r.own
	case event == "Ad Impression" || event == "Ad Clicked":
		return Paid
	case r.social && campaign != "":
		return Owned
	}
	return p.kind.defaultOwnership()
}

// fromName classifies a free channel or platform name such as "Facebook
// Ads", "instagram/paid" or "tv". A name it does not know becomes its own
// platform, so that a sender's "webinar" is reported as webinar.
func (c *Channel) fromName(v, event string) {
	r := read(v)
	p := r.p
	if p == nil {
		p = pOther
	}
	c.set(p, ownership(p, r, c.Campaign, event))
	if r.p == nil && r.own == "" {
		c.Platform = freeName(v)
	}
}

// freeName is an unknown name as a platform: the part before a slash, when
// it is short and plain; anything else is "other".
func freeName(v string) string {
	if i := strings.IndexByte(v, '/'); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if v == "" || len(v) > 40 {
		return pOther.name
	}
	for i := 0; i < len(v); i++ {
		if b := v[i]; !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == ' ' || b == '-' || b == '_' || b == '.') {
			return pOther.name
		}
	}
	return v
}

// fromUTM classifies by utm_source and utm_medium. A medium that is a kind
// of channel (email, tv, affiliate...) decides the platform; otherwise a
// source naming a platform does, then whatever the medium names. coded
// says the landing URL carries a person's referral code.
func (c *Channel) fromUTM(click clickID, coded bool, event string) {
	src, med := read(c.Source), read(c.Medium)
	var p *platform
	switch {
	case med.p != nil && med.p.kind.channelType() && !med.weak:
		p = med.p
	case med.p == pDisplay && (src.p == nil || src.p.kind != kindSocial && src.p.kind != kindVideo && src.p.kind != kindShopping):
		p = pDisplay // Google's display network arrives as source google
	case src.p != nil && src.rank == rankSpecific:
		p = src.p
	case med.p != nil:
		p = med.p
	default:
		p = src.p
	}
	r := med
	if r.own == "" {
		r.own = src.own
	}
	if click.p != nil && (p == nil || p == click.p) {
		p = click.p
		if r.own == "" {
			r.own = click.own
		}
		if c.Source == "" {
			c.Source = click.source
		}
	}
	if p == nil {
		p = pOther
	}
	if coded && r.own != Paid && r.own != Owned && (p.kind == kindSocial || p.kind == kindVideo || p.kind == kindReferral || p.kind == kindOther) {
		// A person's referral code in a shared link makes it word of
		// mouth, whichever platform it was posted on; the source keeps
		// the platform.
		p, r.own = pReferral, Earned
	}
	o := ownership(p, r, c.Campaign, event)
	if strings.Contains(c.Campaign, "cross-network") {
		// Campaigns that buy across networks at once (Performance Max)
		// cannot be split by platform, as in GA4.
		c.set(p, Paid)
		c.Group = GroupCrossNetwork
		return
	}
	c.set(p, o)
}

// fromReferrer classifies by the referring host.
func (c *Channel) fromReferrer(host, event string) {
	h, ok := classifyHost(host)
	if !ok {
		c.set(pReferral, ownership(pReferral, reading{}, "", event))
		c.Source = strings.TrimPrefix(host, "www.")
		return
	}
	c.set(h.p, ownership(h.p, reading{}, "", event))
	c.Source = h.source
}

// clickID is what an advertising click id in the landing URL says.
type clickID struct {
	p      *platform
	own    Ownership
	source string
}

// clickIDs are the ids ad platforms append to landing URLs. Meta appends
// fbclid to every outbound link, from organic posts too, so it says
// Facebook but not paid.
var clickIDs = map[string]clickID{
	"gclid":     {pSearch, Paid, "google"},
	"gbraid":    {pSearch, Paid, "google"},
	"wbraid":    {pSearch, Paid, "google"},
	"dclid":     {pDisplay, Paid, "google"},
	"msclkid":   {pSearch, Paid, "bing"},
	"fbclid":    {pFacebook, Earned, "facebook"},
	"ttclid":    {pTikTok, Paid, "tiktok"},
	"li_fat_id": {pLinkedIn, Paid, "linkedin"},
	"twclid":    {pX, Paid, "x"},
	"sccid":     {pSnapchat, Paid, "snapchat"},
}

// referralParams carry the code of the person who shared a link.
var referralParams = map[string]bool{
	"ref": true, "referral": true, "referral_code": true, "referrer_id": true, "ref_id": true,
	"invite": true, "invite_code": true,
}

// fillFromURL fills the UTM fields the signals left empty from the query
// string of the page URL, and returns the first click id found there and
// whether it carries a referral code.
func (c *Channel) fillFromURL(u string) (click clickID, coded bool) {
	i := strings.IndexByte(u, '?')
	if i < 0 {
		return click, false
	}
	q := u[i+1:]
	if j := strings.IndexByte(q, '#'); j >= 0 {
		q = q[:j]
	}
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		k, v, _ := strings.Cut(pair, "=")
		if v == "" {
			continue
		}
		var field *string
		switch {
		case len(k) > 4 && strings.EqualFold(k[:4], "utm_"):
			switch strings.ToLower(k[4:]) {
			case "source":
				field = &c.Source
			case "medium":
				field = &c.Medium
			case "campaign":
				field = &c.Campaign
			case "content":
				field = &c.Content
			case "term":
				field = &c.Term
			}
		default:
			lk := strings.ToLower(k)
			if id, ok := clickIDs[lk]; ok && click.p == nil {
				click = id
			}
			coded = coded || referralParams[lk]
		}
		if field != nil && *field == "" {
			if dec, err := url.QueryUnescape(v); err == nil {
				v = dec
			}
			*field = norm(v)
		}
	}
	return click, coded
}

// host is what a known host says.
type host struct {
	p      *platform
	source string
}

// hosts are known hosts and the hosts they end with; a referrer from
// l.instagram.com matches instagram.com. Android apps send their package
// name as the referrer host.
var hosts = map[string]host{
	"facebook.com": {pFacebook, "facebook"}, "fb.com": {pFacebook, "facebook"}, "fb.me": {pFacebook, "facebook"},
	"messenger.com": {pFacebook, "messenger"}, "instagram.com": {pInstagram, "instagram"}, "ig.me": {pInstagram, "instagram"},
	"youtube.com": {pYouTube, "youtube"}, "youtu.be": {pYouTube, "youtube"}, "pinterest.com": {pPinterest, "pinterest"},
	"pin.it": {pPinterest, "pinterest"}, "twitter.com": {pX, "x"}, "x.com": {pX, "x"}, "t.co": {pX, "x"},
	"linkedin.com": {pLinkedIn, "linkedin"}, "lnkd.in": {pLinkedIn, "linkedin"}, "tiktok.com": {pTikTok, "tiktok"},
	"snapchat.com": {pSnapchat, "snapchat"}, "reddit.com": {pReddit, "reddit"}, "redd.it": {pReddit, "reddit"},
	"threads.net": {pThreads, "threads"}, "threads.com": {pThreads, "threads"}, "whatsapp.com": {pWhatsApp, "whatsapp"},
	"wa.me": {pWhatsApp, "whatsapp"}, "t.me": {pTelegram, "telegram"}, "telegram.org": {pTelegram, "telegram"},
	"tumblr.com": {pTumblr, "tumblr"}, "quora.com": {pQuora, "quora"}, "mastodon.social": {pMastodon, "mastodon"},
	"bsky.app": {pBluesky, "bluesky"}, "discord.com": {pDiscord, "discord"}, "discord.gg": {pDiscord, "discord"},
	"vimeo.com": {pVimeo, "vimeo"}, "twitch.tv": {pTwitch, "twitch"},

	"bing.com": {pSearch, "bing"}, "duckduckgo.com": {pSearch, "duckduckgo"}, "search.yahoo.com": {pSearch, "yahoo"},
	"ecosia.org": {pSearch, "ecosia"}, "search.brave.com": {pSearch, "brave"}, "startpage.com": {pSearch, "startpage"},
	"qwant.com": {pSearch, "qwant"}, "search.aol.com": {pSearch, "aol"}, "ask.com": {pSearch, "ask"},
	"naver.com": {pSearch, "naver"}, "seznam.cz": {pSearch, "seznam"}, "sogou.com": {pSearch, "sogou"},
	"baidu.com": {pSearch, "baidu"},

	"mail.google.com": {pEmail, "gmail"}, "outlook.live.com": {pEmail, "outlook"}, "outlook.office.com": {pEmail, "outlook"},
	"outlook.office365.com": {pEmail, "outlook"}, "mail.yahoo.com": {pEmail, "yahoo mail"}, "mail.aol.com": {pEmail, "aol mail"},
	"mail.proton.me": {pEmail, "proton mail"}, "mail.yandex.ru": {pEmail, "yandex mail"}, "mail.zoho.com": {pEmail, "zoho mail"},

	"shopping.google.com": {pShopping, "google shopping"}, "etsy.com": {pShopping, "etsy"},

	// Google's hosts that are neither search nor mail.
	"docs.google.com": {pReferral, "docs.google.com"}, "drive.google.com": {pReferral, "drive.google.com"},
	"sites.google.com": {pReferral, "sites.google.com"}, "groups.google.com": {pReferral, "groups.google.com"},
	"accounts.google.com": {pReferral, "accounts.google.com"}, "play.google.com": {pReferral, "play.google.com"},

	"com.google.android.gm":                   {pEmail, "gmail"},
	"com.google.android.googlequicksearchbox": {pSearch, "google"},
	"com.facebook.katana":                     {pFacebook, "facebook"},
	"com.instagram.android":                   {pInstagram, "instagram"},
	"com.twitter.android":                     {pX, "x"},
	"com.linkedin.android":                    {pLinkedIn, "linkedin"},
	"com.pinterest":                           {pPinterest, "pinterest"},
	"com.zhiliaoapp.musically":                {pTikTok, "tiktok"},
	"com.reddit.frontpage":                    {pReddit, "reddit"},
}

// brands are names that sites use under many country domains
// (google.de, google.co.uk, amazon.fr).
var brands = map[string]*platform{
	"google": pSearch, "bing": pSearch, "yahoo": pSearch, "yandex": pSearch, "baidu": pSearch,
	"duckduckgo": pSearch, "ecosia": pSearch, "qwant": pSearch, "naver": pSearch, "seznam": pSearch,
	"amazon": pShopping, "ebay": pShopping, "facebook": pFacebook, "instagram": pInstagram,
	"pinterest": pPinterest, "linkedin": pLinkedIn, "youtube": pYouTube, "twitter": pX, "tiktok": pTikTok,
}

// classifyHost finds a lower-case host, or the nearest domain it belongs
// to, among the known hosts, then a brand label before a country suffix.
func classifyHost(h string) (host, bool) {
	for d := h; ; {
		if e, ok := hosts[d]; ok {
			return e, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
		if strings.IndexByte(d, '.') < 0 {
			break // a bare top-level domain names no one
		}
	}
	for d := h; ; {
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		label, rest := d[:i], d[i+1:]
		if suffixLike(rest) {
			if p, ok := brands[label]; ok {
				return host{p, label}, true
			}
			break
		}
		d = rest
	}
	return host{}, false
}

// suffixLike reports whether s looks like a public suffix such as "com",
// "de" or "co.uk": one or two labels of at most three letters.
func suffixLike(s string) bool {
	n := 0
	for s != "" {
		label, rest, _ := strings.Cut(s, ".")
		n++
		if label == "" || len(label) > 3 || n > 2 {
			return false
		}
		s = rest
	}
	return n > 0
}

// hostOf is the lower-case host of a URL or bare "host/path", without
// port, user info or trailing dot; "" when there is none, it has no dot
// (about:blank, localhost) or it is longer than DNS allows, which also
// keeps the suffix lookups of classifyHost short.
func hostOf(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else {
		u = strings.TrimPrefix(u, "//")
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	if strings.HasPrefix(u, "[") {
		return "" // an IP address names no channel
	}
	if i := strings.IndexByte(u, ':'); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimSuffix(u, ".")
	if len(u) > 253 || strings.IndexByte(u, '.') <= 0 || strings.IndexByte(u, ' ') >= 0 {
		return ""
	}
	return strings.ToLower(u)
}

// sameSite reports whether a referrer is the page's own site: moving from
// one page to another is not a new channel. The page's host is only known
// when the signals carry its URL.
func sameSite(ref, page string) bool {
	return page != "" && strings.TrimPrefix(ref, "www.") == strings.TrimPrefix(page, "www.")
}
