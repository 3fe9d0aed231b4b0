package channel

import (
	"strings"
	"testing"
)

// want is the part of a Channel a case checks; Source is checked only when
// the case sets it.
type want struct {
	platform string
	own      Ownership
	group    string
	source   string
}

func check(t *testing.T, name string, s Signals, w want) {
	t.Helper()
	c := Derive(s)
	have := want{c.Platform, c.Ownership, c.Group, ""}
	if w.source != "" {
		have.source = c.Source
	}
	if have != w {
		t.Errorf("%s: Derive(%+v)\nhave %+v\nwant %+v", name, s, have, w)
	}
}

var deriveCases = []struct {
	name string
	s    Signals
	want want
}{
	// Explicit properties.channel, free values.
	{"explicit facebook", Signals{Explicit: "facebook"}, want{"facebook", Earned, GroupOrganicSocial, ""}},
	{"explicit Facebook Ads", Signals{Explicit: "  Facebook Ads "}, want{"facebook", Paid, GroupPaidSocial, ""}},
	{"explicit instagram/paid", Signals{Explicit: "instagram/paid"}, want{"instagram", Paid, GroupPaidSocial, ""}},
	{"explicit instagram/owned", Signals{Explicit: "Instagram/Owned"}, want{"instagram", Owned, GroupOrganicSocial, ""}},
	{"explicit tv", Signals{Explicit: "TV"}, want{"tv", Paid, GroupTV, ""}},
	{"explicit email", Signals{Explicit: "email"}, want{"email", Owned, GroupEmail, ""}},
	{"explicit e-mail", Signals{Explicit: "E-Mail"}, want{"email", Owned, GroupEmail, ""}},
	{"explicit paid search", Signals{Explicit: "Paid Search"}, want{"search", Paid, GroupPaidSearch, ""}},
	{"explicit organic search", Signals{Explicit: "Organic Search"}, want{"search", Earned, GroupOrganicSearch, ""}},
	{"explicit paid social", Signals{Explicit: "paid social"}, want{"social", Paid, GroupPaidSocial, ""}},
	{"explicit google ads", Signals{Explicit: "Google Ads"}, want{"search", Paid, GroupPaidSearch, ""}},
	{"explicit youtube", Signals{Explicit: "yt"}, want{"youtube", Earned, GroupOrganicVideo, ""}},
	{"explicit youtube ads", Signals{Explicit: "YouTube ads"}, want{"youtube", Paid, GroupPaidVideo, ""}},
	{"explicit out of home", Signals{Explicit: "Out of Home"}, want{"outdoor", Paid, GroupOutdoor, ""}},
	{"explicit direct mail", Signals{Explicit: "direct mail"}, want{"direct-mail", Owned, GroupDirectMail, ""}},
	{"explicit store", Signals{Explicit: "In-Store"}, want{"store", Owned, GroupStore, ""}},
	{"explicit radio", Signals{Explicit: "radio"}, want{"radio", Paid, GroupRadio, ""}},
	{"explicit podcast", Signals{Explicit: "podcast"}, want{"podcast", Paid, GroupAudio, ""}},
	{"explicit web", Signals{Explicit: "website"}, want{"web", Owned, GroupDirect, ""}},
	{"explicit domain", Signals{Explicit: "x.com"}, want{"x", Earned, GroupOrganicSocial, ""}},
	{"explicit unknown kept", Signals{Explicit: "Webinar"}, want{"webinar", Earned, GroupUnassigned, ""}},
	{"explicit unknown paid", Signals{Explicit: "webinar/paid"}, want{"other", Paid, GroupPaidOther, ""}},
	{"explicit unknown odd bytes", Signals{Explicit: "we<b>inar"}, want{"other", Earned, GroupUnassigned, ""}},
	{"explicit ad event", Signals{Explicit: "facebook", Event: "Ad Clicked"}, want{"facebook", Paid, GroupPaidSocial, ""}},
	{"explicit word beats ad event", Signals{Explicit: "facebook/earned", Event: "Ad Clicked"}, want{"facebook", Earned, GroupOrganicSocial, ""}},

	// Precedence.
	{"explicit over utm", Signals{Explicit: "tv", Source: "google", Medium: "cpc"}, want{"tv", Paid, GroupTV, "google"}},
	{"utm over referrer", Signals{Source: "newsletter", Medium: "email", Referrer: "https://www.google.com/"}, want{"email", Owned, GroupEmail, "newsletter"}},
	{"url utm over referrer", Signals{URL: "https://shop.example/?utm_source=facebook&utm_medium=cpc", Referrer: "https://www.google.com/"}, want{"facebook", Paid, GroupPaidSocial, "facebook"}},
	{"referrer over platform", Signals{Referrer: "https://t.co/abc", Platform: "instagram"}, want{"x", Earned, GroupOrganicSocial, "x"}},
	{"platform over direct", Signals{Platform: "Instagram", Event: "Comment Posted"}, want{"instagram", Earned, GroupOrganicSocial, ""}},
	{"platform ad impression", Signals{Platform: "instagram", Event: "Ad Impression"}, want{"instagram", Paid, GroupPaidSocial, ""}},
	{"platform ad clicked", Signals{Platform: "ig", Event: "Ad Clicked"}, want{"instagram", Paid, GroupPaidSocial, ""}},
	{"platform unknown kept", Signals{Platform: "Weibo", Event: "Mention Posted"}, want{"weibo", Earned, GroupUnassigned, ""}},
	{"direct", Signals{}, want{"direct", Owned, GroupDirect, ""}},
	{"direct with page url", Signals{URL: "https://shop.example/p/1"}, want{"direct", Owned, GroupDirect, ""}},
	{"campaign alone is not a channel", Signals{Campaign: "spring"}, want{"direct", Owned, GroupDirect, ""}},
	{"email event", Signals{Event: "Email Opened"}, want{"email", Owned, GroupEmail, ""}},
	{"referral event", Signals{Event: "Referral Accepted"}, want{"referral", Earned, GroupReferral, ""}},
	{"ad event alone", Signals{Event: "Ad Impression"}, want{"other", Paid, GroupPaidOther, ""}},

	// UTM source and medium.
	{"facebook cpc", Signals{Source: "facebook", Medium: "cpc"}, want{"facebook", Paid, GroupPaidSocial, ""}},
	{"fb paid_social", Signals{Source: "fb", Medium: "paid_social"}, want{"facebook", Paid, GroupPaidSocial, "fb"}},
	{"meta paidsocial", Signals{Source: "Meta", Medium: "paidsocial"}, want{"facebook", Paid, GroupPaidSocial, "meta"}},
	{"facebook.com referral", Signals{Source: "facebook.com", Medium: "referral"}, want{"facebook", Earned, GroupOrganicSocial, ""}},
	{"instagram display", Signals{Source: "instagram", Medium: "display"}, want{"instagram", Paid, GroupPaidSocial, ""}},
	{"instagram social", Signals{Source: "instagram", Medium: "social"}, want{"instagram", Earned, GroupOrganicSocial, ""}},
	{"instagram social with campaign is owned", Signals{Source: "instagram", Medium: "social", Campaign: "spring-launch"}, want{"instagram", Owned, GroupOrganicSocial, ""}},
	{"instagram organic with campaign stays earned", Signals{Source: "instagram", Medium: "organic", Campaign: "spring"}, want{"instagram", Earned, GroupOrganicSocial, ""}},
	{"twitter", Signals{Source: "twitter", Medium: "social"}, want{"x", Earned, GroupOrganicSocial, "twitter"}},
	{"x exact", Signals{Source: "x", Medium: "paid"}, want{"x", Paid, GroupPaidSocial, ""}},
	{"x inside a word is not x", Signals{Source: "product-x", Medium: "referral"}, want{"referral", Earned, GroupReferral, ""}},
	{"linkedin sponsored", Signals{Source: "linkedin", Medium: "sponsored"}, want{"linkedin", Paid, GroupPaidSocial, ""}},
	{"lnkd.in", Signals{Source: "lnkd.in"}, want{"linkedin", Earned, GroupOrganicSocial, ""}},
	{"tiktok paid", Signals{Source: "tiktok", Medium: "paid"}, want{"tiktok", Paid, GroupPaidSocial, ""}},
	{"pinterest ppc", Signals{Source: "pinterest", Medium: "ppc"}, want{"pinterest", Paid, GroupPaidSocial, ""}},
	{"youtube cpv", Signals{Source: "youtube", Medium: "cpv"}, want{"youtube", Paid, GroupPaidVideo, ""}},
	{"youtube video", Signals{Source: "youtube", Medium: "video"}, want{"youtube", Earned, GroupOrganicVideo, ""}},
	{"unknown video", Signals{Source: "partner", Medium: "video"}, want{"video", Earned, GroupOrganicVideo, ""}},
	{"google cpc", Signals{Source: "google", Medium: "cpc"}, want{"search", Paid, GroupPaidSearch, "google"}},
	{"google organic", Signals{Source: "Google", Medium: "organic"}, want{"search", Earned, GroupOrganicSearch, "google"}},
	{"bing cpc", Signals{Source: "bing", Medium: "cpc"}, want{"search", Paid, GroupPaidSearch, "bing"}},
	{"duckduckgo", Signals{Source: "duckduckgo"}, want{"search", Earned, GroupOrganicSearch, "duckduckgo"}},
	{"organic unknown source", Signals{Source: "someengine", Medium: "organic"}, want{"search", Earned, GroupOrganicSearch, "someengine"}},
	{"google display", Signals{Source: "google", Medium: "display"}, want{"display", Paid, GroupDisplay, ""}},
	{"banner", Signals{Source: "adnetwork", Medium: "banner"}, want{"display", Paid, GroupDisplay, ""}},
	{"cpm", Signals{Source: "criteo", Medium: "cpm"}, want{"display", Paid, GroupDisplay, ""}},
	{"amazon cpc", Signals{Source: "amazon", Medium: "cpc"}, want{"shopping", Paid, GroupPaidShopping, ""}},
	{"etsy", Signals{Source: "etsy", Medium: "referral"}, want{"shopping", Earned, GroupOrganicShopping, ""}},
	{"newsletter email", Signals{Source: "newsletter", Medium: "email"}, want{"email", Owned, GroupEmail, ""}},
	{"email source only", Signals{Source: "e-mail"}, want{"email", Owned, GroupEmail, ""}},
	{"email medium beats social source", Signals{Source: "instagram", Medium: "email"}, want{"email", Owned, GroupEmail, ""}},
	{"e mail spaced", Signals{Source: "brand", Medium: "e mail"}, want{"email", Owned, GroupEmail, ""}},
	{"sms", Signals{Source: "attentive", Medium: "sms"}, want{"sms", Owned, GroupSMS, ""}},
	{"web push", Signals{Source: "site", Medium: "web-push"}, want{"push", Owned, GroupPush, ""}},
	{"firebase", Signals{Source: "firebase", Medium: "notification"}, want{"push", Owned, GroupPush, ""}},
	{"affiliate", Signals{Source: "partnerblog", Medium: "affiliate"}, want{"affiliate", Paid, GroupAffiliates, ""}},
	{"referral", Signals{Source: "partnerblog", Medium: "referral"}, want{"referral", Earned, GroupReferral, ""}},
	{"referral domain source", Signals{Source: "news.example.org"}, want{"referral", Earned, GroupReferral, "news.example.org"}},
	{"audio", Signals{Source: "spotify", Medium: "audio"}, want{"audio", Paid, GroupAudio, ""}},
	{"podcast", Signals{Source: "show", Medium: "podcast"}, want{"podcast", Paid, GroupAudio, ""}},
	{"tv", Signals{Source: "channel4", Medium: "tv"}, want{"tv", Paid, GroupTV, ""}},
	{"radio", Signals{Source: "bbc", Medium: "radio"}, want{"radio", Paid, GroupRadio, ""}},
	{"print", Signals{Source: "vogue", Medium: "print"}, want{"print", Paid, GroupPrint, ""}},
	{"magazine", Signals{Source: "magazine", Medium: "offline"}, want{"print", Paid, GroupPrint, ""}},
	{"ooh", Signals{Source: "jcdecaux", Medium: "ooh"}, want{"outdoor", Paid, GroupOutdoor, ""}},
	{"billboard", Signals{Source: "billboard-a4", Medium: "qr"}, want{"outdoor", Paid, GroupOutdoor, ""}},
	{"qr alone is print", Signals{Source: "spring", Medium: "qr"}, want{"print", Paid, GroupPrint, ""}},
	{"qr on tv", Signals{Source: "tv", Medium: "qr"}, want{"tv", Paid, GroupTV, ""}},
	{"store pos", Signals{Source: "flagship", Medium: "pos"}, want{"store", Owned, GroupStore, ""}},
	{"direct mail", Signals{Source: "catalogue-list", Medium: "direct_mail"}, want{"direct-mail", Owned, GroupDirectMail, ""}},
	{"ga direct", Signals{Source: "(direct)", Medium: "(none)"}, want{"direct", Owned, GroupDirect, ""}},
	{"cross-network", Signals{Source: "google", Medium: "cpc", Campaign: "PMax Cross-Network"}, want{"search", Paid, GroupCrossNetwork, ""}},
	{"paid unknown", Signals{Source: "somenetwork", Medium: "cpc"}, want{"other", Paid, GroupPaidOther, ""}},
	{"paid prefix", Signals{Source: "somenetwork", Medium: "paidmedia"}, want{"other", Paid, GroupPaidOther, ""}},
	{"unknown", Signals{Source: "somewhere", Medium: "something"}, want{"other", Earned, GroupUnassigned, ""}},
	{"medium only social", Signals{Medium: "social-network"}, want{"social", Earned, GroupOrganicSocial, ""}},
	{"sm is social only whole", Signals{Medium: "sm"}, want{"social", Earned, GroupOrganicSocial, ""}},

	// Query strings of the page URL.
	{"url utm", Signals{URL: "https://shop.example/p?utm_source=Instagram&utm_medium=Paid_Social&utm_campaign=Spring"}, want{"instagram", Paid, GroupPaidSocial, "instagram"}},
	{"url utm escaped", Signals{URL: "https://shop.example/?utm_source=Facebook%20Ads&utm_medium=cpc"}, want{"facebook", Paid, GroupPaidSocial, "facebook ads"}},
	{"url utm plus", Signals{URL: "/landing?utm_source=e+mail"}, want{"email", Owned, GroupEmail, "e mail"}},
	{"url utm upper keys", Signals{URL: "https://a.example/?UTM_SOURCE=bing&UTM_MEDIUM=CPC"}, want{"search", Paid, GroupPaidSearch, "bing"}},
	{"url fragment ignored", Signals{URL: "https://a.example/?x=1#utm_source=facebook"}, want{"direct", Owned, GroupDirect, ""}},
	{"url utm before fragment", Signals{URL: "https://a.example/?utm_source=tiktok#top"}, want{"tiktok", Earned, GroupOrganicSocial, "tiktok"}},
	{"fields win over url", Signals{Source: "newsletter", URL: "https://a.example/?utm_source=facebook&utm_medium=email"}, want{"email", Owned, GroupEmail, "newsletter"}},
	{"url fills missing field", Signals{Source: "facebook", URL: "https://a.example/?utm_medium=cpc"}, want{"facebook", Paid, GroupPaidSocial, "facebook"}},

	// Referral codes: a person's shared link is word of mouth.
	{"shared link with referral code", Signals{URL: "https://a.example/?utm_source=instagram&utm_medium=social&utm_campaign=share&ref=u-12", Referrer: "https://www.instagram.com/"}, want{"referral", Earned, GroupReferral, "instagram"}},
	{"brand post without code", Signals{URL: "https://a.example/?utm_source=instagram&utm_medium=social&utm_campaign=share", Referrer: "https://www.instagram.com/"}, want{"instagram", Owned, GroupOrganicSocial, "instagram"}},
	{"referral code on unknown source", Signals{URL: "https://a.example/?utm_source=friend&invite_code=K9"}, want{"referral", Earned, GroupReferral, "friend"}},
	{"referral code does not unpay an ad", Signals{URL: "https://a.example/?utm_source=facebook&utm_medium=cpc&ref=u-12"}, want{"facebook", Paid, GroupPaidSocial, "facebook"}},
	{"referral code in an email stays email", Signals{URL: "https://a.example/?utm_source=newsletter&utm_medium=email&referral_code=K9"}, want{"email", Owned, GroupEmail, "newsletter"}},
	{"referral code alone is no channel", Signals{URL: "https://a.example/?ref=home"}, want{"direct", Owned, GroupDirect, ""}},

	// Click ids.
	{"gclid", Signals{URL: "https://a.example/?gclid=abc"}, want{"search", Paid, GroupPaidSearch, "google"}},
	{"gclid with google source", Signals{Source: "google", URL: "https://a.example/?gclid=abc"}, want{"search", Paid, GroupPaidSearch, "google"}},
	{"msclkid", Signals{URL: "https://a.example/?msclkid=abc"}, want{"search", Paid, GroupPaidSearch, "bing"}},
	{"dclid", Signals{URL: "https://a.example/?dclid=abc"}, want{"display", Paid, GroupDisplay, "google"}},
	{"ttclid", Signals{URL: "https://a.example/?ttclid=abc"}, want{"tiktok", Paid, GroupPaidSocial, "tiktok"}},
	{"li_fat_id", Signals{URL: "https://a.example/?li_fat_id=abc"}, want{"linkedin", Paid, GroupPaidSocial, "linkedin"}},
	{"twclid", Signals{URL: "https://a.example/?twclid=abc"}, want{"x", Paid, GroupPaidSocial, "x"}},
	{"ScCid", Signals{URL: "https://a.example/?ScCid=abc"}, want{"snapchat", Paid, GroupPaidSocial, "snapchat"}},
	{"fbclid is facebook, not necessarily paid", Signals{URL: "https://a.example/?fbclid=abc"}, want{"facebook", Earned, GroupOrganicSocial, "facebook"}},
	{"fbclid with paid medium", Signals{URL: "https://a.example/?fbclid=abc&utm_medium=paid"}, want{"facebook", Paid, GroupPaidSocial, "facebook"}},
	{"empty click id ignored", Signals{URL: "https://a.example/?gclid="}, want{"direct", Owned, GroupDirect, ""}},
	{"utm source beats click id platform", Signals{Source: "newsletter", URL: "https://a.example/?gclid=abc"}, want{"email", Owned, GroupEmail, "newsletter"}},

	// Referrers.
	{"google referrer", Signals{Referrer: "https://www.google.com/search?q=shoes"}, want{"search", Earned, GroupOrganicSearch, "google"}},
	{"google country referrer", Signals{Referrer: "https://www.google.co.uk/"}, want{"search", Earned, GroupOrganicSearch, "google"}},
	{"google de", Signals{Referrer: "https://google.de"}, want{"search", Earned, GroupOrganicSearch, "google"}},
	{"bing referrer", Signals{Referrer: "https://www.bing.com/"}, want{"search", Earned, GroupOrganicSearch, "bing"}},
	{"yahoo search", Signals{Referrer: "https://search.yahoo.com/"}, want{"search", Earned, GroupOrganicSearch, "yahoo"}},
	{"duckduckgo referrer", Signals{Referrer: "https://duckduckgo.com/"}, want{"search", Earned, GroupOrganicSearch, "duckduckgo"}},
	{"m.facebook.com", Signals{Referrer: "https://m.facebook.com/"}, want{"facebook", Earned, GroupOrganicSocial, "facebook"}},
	{"l.instagram.com", Signals{Referrer: "https://l.instagram.com/?u=x"}, want{"instagram", Earned, GroupOrganicSocial, "instagram"}},
	{"t.co", Signals{Referrer: "https://t.co/xyz"}, want{"x", Earned, GroupOrganicSocial, "x"}},
	{"lnkd.in referrer", Signals{Referrer: "https://lnkd.in/abc"}, want{"linkedin", Earned, GroupOrganicSocial, "linkedin"}},
	{"youtu.be", Signals{Referrer: "https://youtu.be/abc"}, want{"youtube", Earned, GroupOrganicVideo, "youtube"}},
	{"pin.it", Signals{Referrer: "https://pin.it/abc"}, want{"pinterest", Earned, GroupOrganicSocial, "pinterest"}},
	{"pinterest country", Signals{Referrer: "https://www.pinterest.co.uk/pin/1"}, want{"pinterest", Earned, GroupOrganicSocial, "pinterest"}},
	{"tiktok referrer", Signals{Referrer: "https://www.tiktok.com/@brand"}, want{"tiktok", Earned, GroupOrganicSocial, "tiktok"}},
	{"gmail", Signals{Referrer: "https://mail.google.com/mail/u/0/"}, want{"email", Owned, GroupEmail, "gmail"}},
	{"outlook", Signals{Referrer: "https://outlook.live.com/"}, want{"email", Owned, GroupEmail, "outlook"}},
	{"gmail app", Signals{Referrer: "android-app://com.google.android.gm/"}, want{"email", Owned, GroupEmail, "gmail"}},
	{"google docs is a referral", Signals{Referrer: "https://docs.google.com/document/d/1"}, want{"referral", Earned, GroupReferral, "docs.google.com"}},
	{"amazon country", Signals{Referrer: "https://www.amazon.de/dp/1"}, want{"shopping", Earned, GroupOrganicShopping, "amazon"}},
	{"other domain", Signals{Referrer: "https://www.blog.example.com/post"}, want{"referral", Earned, GroupReferral, "blog.example.com"}},
	{"google subdomain of another site", Signals{Referrer: "https://google.mycompany.com/"}, want{"referral", Earned, GroupReferral, "google.mycompany.com"}},
	{"referrer with port and user", Signals{Referrer: "https://user:pw@Blog.Example.com:8443/x"}, want{"referral", Earned, GroupReferral, "blog.example.com"}},
	{"referrer without scheme", Signals{Referrer: "reddit.com/r/x"}, want{"reddit", Earned, GroupOrganicSocial, "reddit"}},
	{"same site is not a channel", Signals{Referrer: "https://www.shop.example/cart", URL: "https://shop.example/checkout"}, want{"direct", Owned, GroupDirect, ""}},
	{"same site falls to platform", Signals{Referrer: "https://shop.example/a", URL: "https://shop.example/b", Platform: "facebook"}, want{"facebook", Earned, GroupOrganicSocial, ""}},
	{"about blank", Signals{Referrer: "about:blank"}, want{"direct", Owned, GroupDirect, ""}},
	{"localhost", Signals{Referrer: "http://localhost:3000/"}, want{"direct", Owned, GroupDirect, ""}},
	{"ipv6", Signals{Referrer: "http://[::1]:80/"}, want{"direct", Owned, GroupDirect, ""}},
	{"referrer on ad event", Signals{Referrer: "https://www.facebook.com/", Event: "Ad Clicked"}, want{"facebook", Paid, GroupPaidSocial, "facebook"}},
}

func TestDerive(t *testing.T) {
	for _, tc := range deriveCases {
		check(t, tc.name, tc.s, tc.want)
	}
}

// TestDeriveReachesEveryGroup keeps Groups honest: each group it lists is
// one the cases above produce.
func TestDeriveReachesEveryGroup(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range deriveCases {
		seen[Derive(tc.s).Group] = true
	}
	for _, g := range Groups {
		if !seen[g] {
			t.Errorf("group %q: no case derives it", g)
		}
	}
	for g := range seen {
		if !contains(Groups, g) {
			t.Errorf("group %q: derived but not in Groups", g)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestDeriveKeepsUTMFields(t *testing.T) {
	s := Signals{
		Explicit: "tv",
		Source:   " Google ",
		Medium:   "CPC",
		URL:      "https://a.example/?utm_campaign=Spring%20Sale&utm_content=hero&utm_term=red+shoes&utm_medium=email",
	}
	have := Derive(s)
	want := Channel{Source: "google", Medium: "cpc", Campaign: "spring sale", Content: "hero", Term: "red shoes",
		Platform: "tv", Ownership: Paid, Skippable: false, Group: GroupTV}
	if have != want {
		t.Errorf("Derive(%+v)\nhave %+v\nwant %+v", s, have, want)
	}
}

func TestSkippable(t *testing.T) {
	for _, tc := range []struct {
		explicit string
		want     bool
	}{
		{"tv", false}, {"print", false}, {"outdoor", false}, {"radio", false}, {"direct mail", false}, {"store", false},
		{"facebook", true}, {"instagram", true}, {"youtube", true}, {"pinterest", true}, {"x", true},
		{"linkedin", true}, {"tiktok", true}, {"search", true}, {"email", true}, {"web", true},
		{"referral", true}, {"podcast", true}, {"display", true}, {"direct", true}, {"webinar", true},
	} {
		if have := Derive(Signals{Explicit: tc.explicit}).Skippable; have != tc.want {
			t.Errorf("Derive(Explicit %q).Skippable: have %v, want %v", tc.explicit, have, tc.want)
		}
	}
}

// TestAliases checks that every spelling of a platform lands on it, from
// every signal that can carry it.
func TestAliases(t *testing.T) {
	for _, tc := range []struct {
		platform string
		aliases  []string
	}{
		{"facebook", []string{"facebook", "Facebook", " FB ", "meta", "facebook.com", "m.facebook.com", "fb-ads", "messenger"}},
		{"instagram", []string{"instagram", "IG", "insta", "instagram.com", "l.instagram.com", "ig_story"}},
		{"x", []string{"x", "X", "twitter", "x.com", "t.co", "Twitter Ads"}},
		{"youtube", []string{"youtube", "yt", "youtube.com", "youtu.be"}},
		{"pinterest", []string{"pinterest", "pin", "pin.it", "pinterest.com"}},
		{"linkedin", []string{"linkedin", "LinkedIn", "lnkd.in", "linkedin.com"}},
		{"tiktok", []string{"tiktok", "TikTok", "tiktok.com"}},
		{"search", []string{"google", "bing", "duckduckgo", "yahoo", "yandex", "baidu", "ecosia", "google.com", "www.google.fr"}},
		{"email", []string{"email", "e-mail", "e_mail", "e mail", "newsletter", "mailchimp", "gmail"}},
		{"outdoor", []string{"outdoor", "ooh", "OOH", "billboard", "out-of-home"}},
		{"store", []string{"store", "pos", "instore", "retail"}},
	} {
		for _, a := range tc.aliases {
			for _, s := range []Signals{{Explicit: a}, {Source: a}, {Platform: a}} {
				if have := Derive(s).Platform; have != tc.platform {
					t.Errorf("Derive(%+v).Platform: have %q, want %q", s, have, tc.platform)
				}
			}
		}
	}
}

func TestMalformedNeverPanics(t *testing.T) {
	for _, v := range []string{
		"", " ", "?", "??", "?&&&=", "?=", "?utm_source", "?utm_=x", "?utm_source=%", "?utm_source=%zz&utm_medium=%4",
		"http://", "https://@", "https://[", "https://[::1", "://", "//", "/", ".", "..", "a.", ".com", "http://.",
		"\x00\xff\xfe", "https://\xff.\xfe/", strings.Repeat("a.", 1000), strings.Repeat("a.", 1<<19), "https://" + strings.Repeat("a.", 1<<19), strings.Repeat("?utm_source=x&", 100),
		"https://%zz.example/", "https://exa mple.com/", "android-app://", "mailto:someone@example.com",
	} {
		s := Signals{Explicit: v}
		Derive(s)
		s = Signals{URL: v, Referrer: v, Source: v, Medium: v, Platform: v}
		if c := Derive(s); c.Group == "" || c.Key() == "" {
			t.Errorf("Derive(%+v): empty group or key in %+v", s, c)
		}
		s = Signals{URL: "https://a.example/" + v, Referrer: v}
		Derive(s)
	}
}

func TestDeriveAllocations(t *testing.T) {
	// Lower-case input needs no copy: the channel's strings point into it.
	for _, s := range benchSignals {
		if n := testing.AllocsPerRun(100, func() { Derive(s.s) }); n != 0 {
			t.Errorf("Derive(%+v): %v allocations, want 0", s.s, n)
		}
	}
}

func FuzzDerive(f *testing.F) {
	for _, tc := range deriveCases {
		f.Add(tc.s.Explicit, tc.s.Platform, tc.s.Source, tc.s.Medium, tc.s.Campaign, tc.s.URL, tc.s.Referrer, tc.s.Event)
	}
	f.Fuzz(func(t *testing.T, explicit, platform, source, medium, campaign, url, referrer, event string) {
		s := Signals{Explicit: explicit, Platform: platform, Source: source, Medium: medium, Campaign: campaign,
			URL: url, Referrer: referrer, Event: event}
		c := Derive(s)
		if c.Key() == "" || c.Platform == "" {
			t.Errorf("Derive(%+v): empty key or platform in %+v", s, c)
		}
		switch c.Ownership {
		case Owned, Earned, Paid:
		default:
			t.Errorf("Derive(%+v): ownership %q", s, c.Ownership)
		}
		if !contains(Groups, c.Group) {
			t.Errorf("Derive(%+v): group %q is not in Groups", s, c.Group)
		}
		if again := Derive(s); again != c {
			t.Errorf("Derive(%+v) is not deterministic: %+v then %+v", s, c, again)
		}
	})
}

var benchSignals = []struct {
	name string
	s    Signals
}{
	{"explicit", Signals{Explicit: "facebook ads", Event: "Order Completed"}},
	{"utm", Signals{Source: "instagram", Medium: "paid_social", Campaign: "spring", Event: "Product Viewed"}},
	{"url", Signals{URL: "https://shop.example/p/42?ref=home&utm_source=google&utm_medium=cpc&utm_campaign=shoes&gclid=abc123", Referrer: "https://www.google.com/"}},
	{"referrer", Signals{URL: "https://shop.example/", Referrer: "https://www.google.co.uk/search?q=red+shoes"}},
	{"referral", Signals{URL: "https://shop.example/", Referrer: "https://blog.example.org/2024/review"}},
	{"platform", Signals{Platform: "instagram", Event: "Comment Posted"}},
	{"direct", Signals{URL: "https://shop.example/", Event: "Page Viewed"}},
}

func BenchmarkDerive(b *testing.B) {
	for _, bs := range benchSignals {
		b.Run(bs.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Derive(bs.s)
			}
		})
	}
}

// TestPlatformsListsEveryTablePlatform: Platforms, written by hand for the
// settings form and the docs, names exactly the platforms the word, click
// id, host and brand tables can produce, and the fallback "other".
func TestPlatformsListsEveryTablePlatform(t *testing.T) {
	used := map[string]bool{pOther.name: true}
	for _, w := range words {
		if w.p != nil {
			used[w.p.name] = true
		}
	}
	for _, c := range clickIDs {
		used[c.p.name] = true
	}
	for _, h := range hosts {
		used[h.p.name] = true
	}
	for _, p := range brands {
		used[p.name] = true
	}
	for name := range used {
		if !contains(Platforms, name) {
			t.Errorf("platform %q can be derived but is not in Platforms", name)
		}
	}
	for _, name := range Platforms {
		if !used[name] {
			t.Errorf("Platforms lists %q, which no table derives", name)
		}
	}
}
